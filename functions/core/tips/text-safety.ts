const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// C0 and C1 controls, DEL, the Unicode line/paragraph separators and the bidi override and
// isolate controls: none belongs in a one-line field or a header. CR/LF there is how header
// injection starts; a bidi override makes a subject display as something it is not (RTL
// scripts need none of them: their direction comes from the letters).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const ANY_CONTROL_ALL = new RegExp(ANY_CONTROL.source, 'g');
/** In a message, newline and tab are text; every other control character is not. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
export const MESSAGE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Reader text is always text: escaped for element content and quoted attributes alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * A value safe for a mail header: every control and line-separator character becomes a
 * space (CR/LF is how a header is injected), runs of spaces fold, and it is cut to `max`.
 */
export function headerSafe(text: string, max: number): string {
  const flat = text.replace(ANY_CONTROL_ALL, ' ').replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
