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

/*
 * Whole-value patterns for the reader's fields, written as regexes (not code) so the reader
 * form's client-side checks are compiled from them too (web/build/rules-from-schema.ts).
 */

/** The bidi embedding, override and isolate controls: they reorder what follows them. */
const BIDI_REORDER = '\\u202a-\\u202e\\u2066-\\u2069';

/**
 * A message: no control character but newline and tab, and no bidi embedding, override or
 * isolate control. Those are refused, not neutralised for display: one rule at the door covers
 * every place the text is shown (inbox, CLI, export, plain and PGP alerts) and keeps what is
 * stored what the reader sent. Right-to-left writing needs none of them (direction comes from
 * the letters); the invisible marks (LRM, RLM, ALM) stay allowed in a message, as they cannot
 * reverse a run of text and mixed Arabic or Hebrew with Latin words and numbers uses them.
 */
export const MESSAGE_TEXT = new RegExp(`^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI_REORDER}]*$`);
export const MESSAGE_TEXT_PROBLEM =
  'the message contains control characters or a text-direction override (U+202A–U+202E, U+2066–U+2069): remove them';

/**
 * A one-line field (subject, name): no control character (Cc), no line or paragraph
 * separator, no format character (Cf: bidi marks and controls, zero-width spaces and joiners,
 * soft hyphen, BOM…) and no other character that renders as nothing (Unicode's
 * Default_Ignorable_Code_Point: U+3164 HANGUL FILLER, U+034F COMBINING GRAPHEME JOINER,
 * variation selectors…), with the exceptions that writing needs:
 * - a variation selector where it selects something: VS15/VS16 after an emoji or a keycap
 *   digit (❤️, 1️⃣), an ideographic variation selector after a Han character, a Mongolian free
 *   variation selector after a Mongolian letter;
 * - a zero-width joiner between two emoji, which is how 👩‍💻 or 🏳️‍🌈 is written (a skin-tone
 *   modifier or VS16 may stand between the emoji and the ZWJ);
 * - a zero-width non-joiner or joiner between two letters of a script whose spelling needs it
 *   (marks may follow the first): Persian, Urdu and Kurdish write words with it (می‌خواهم) in
 *   Arabic script, Indic scripts shape conjuncts with it after a virama. There it can neither
 *   reorder text nor hide a space; between Latin letters it has no use but to make two equal
 *   words differ, so it is refused there.
 */
const JOINING_SCRIPTS =
  '\\p{sc=Arabic}\\p{sc=Syriac}\\p{sc=Devanagari}\\p{sc=Bengali}\\p{sc=Gurmukhi}\\p{sc=Gujarati}\\p{sc=Oriya}\\p{sc=Tamil}\\p{sc=Telugu}\\p{sc=Kannada}\\p{sc=Malayalam}\\p{sc=Sinhala}';
export const ONE_LINE_TEXT = new RegExp(
  '^(?:[^\\p{Cc}\\p{Cf}\\p{Default_Ignorable_Code_Point}\\u2028\\u2029]' +
    '|(?<=[\\p{Extended_Pictographic}0-9#*])[\\u{fe0e}\\u{fe0f}]' +
    '|(?<=\\p{sc=Han})[\\u{e0100}-\\u{e01ef}]' +
    '|(?<=\\p{sc=Mongolian})[\\u180b-\\u180d\\u180f]' +
    '|(?<=\\p{Extended_Pictographic}[\\u{fe0f}\\u{1f3fb}-\\u{1f3ff}]?)\\u200d(?=\\p{Extended_Pictographic})' +
    `|(?<=[${JOINING_SCRIPTS}]\\p{M}*)[\\u200c\\u200d](?=[${JOINING_SCRIPTS}]))*$`,
  'u',
);

/**
 * The characters of a link: no control, format (Cf, which holds every bidi control and mark
 * and the zero-width characters) or line-separator character. The URL parser would silently
 * drop a tab or newline and percent-encode the rest, so the link a staff member sees would
 * not be the one the reader typed.
 */
export const LINK_TEXT = /^[^\p{Cc}\p{Cf}\u2028\u2029]*$/u;

/**
 * A link without userinfo. `https://newsroom.example@evil.example/` goes to evil.example. This
 * mirrors the WHATWG parser for http(s): after the scheme any run of `/` or `\`, then the
 * authority runs to the first `/`, `\`, `?` or `#`, and an `@` inside it ends the userinfo.
 */
// No flags: the OpenAPI document carries the pattern, and a JSON Schema pattern has none.
export const LINK_WITHOUT_USERINFO = /^(?![a-zA-Z][a-zA-Z0-9+.-]*:[/\\]*[^/\\?#]*@)/;

/** The host of a link as a URL parser sees it (IDN as punycode), or undefined if it is none. */
export function linkHost(link: string): string | undefined {
  try {
    const host = new URL(link).hostname;
    return host === '' ? undefined : host;
  } catch {
    return undefined;
  }
}

// C0 and C1 controls (ESC among them) but newline and tab, DEL, and every bidi control or mark.
const TERMINAL_UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
// An escape sequence, removed whole: a control string (OSC, DCS, SOS, PM, APC, in 7- or 8-bit
// form) up to its terminator, a CSI with its parameters, or ESC with intermediates and a final.
const ANSI_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b[ -/]*[0-~]/g;

/**
 * Text safe to print on a terminal: escape sequences removed whole, then every other C0/C1
 * control (newline and tab kept) and every bidi control or mark removed. A stored value can
 * then neither move the cursor, retitle the window, hide a line nor reorder what is shown.
 */
export function terminalSafe(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(TERMINAL_UNSAFE, '');
}

/** What JSON.stringify leaves raw that a terminal would act on: C1 controls, DEL, bidi controls and marks. */
const JSON_RAW_UNSAFE = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]/g;

/**
 * JSON safe to print on a terminal and still exact: JSON.stringify already escapes C0
 * controls; the characters it leaves raw that a terminal acts on become `\uXXXX` escapes.
 */
export function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    JSON_RAW_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

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
