import { fileTypeFromBuffer } from 'file-type';

/** What a file is, read from its bytes. `mime` is what staff downloads are served as. */
export type SniffedType = { ext: string; mime: string };

/** Bytes nothing recognises: served, if at all, as an opaque download. */
export const UNKNOWN_TYPE: SniffedType = { ext: 'bin', mime: 'application/octet-stream' };

// How much of a text file is read for markup. WHATWG's MIME sniffing reads 1445 bytes for the
// same job; a script tag hidden further down still makes a browser render the file as HTML, so
// any markup opener in this window counts, not only one at the very start.
const MARKUP_WINDOW = 2048;

const SVG_OPENER = /<svg[\s>/]/i;
const HTML_OPENER =
  /<(!doctype\s+html|html|head|body|script|iframe|object|embed|meta|a\s|img\s|div|p>|form|style|title|table|br|font|b>|h1)[\s>/]?/i;

/**
 * Identifies a file by its bytes alone, never by its name or the type its sender declared (an
 * HTML page named `photo.jpg` is HTML). Binary formats come from `file-type`; it does not look
 * at text, so markup a browser would render (HTML, SVG, XML that may be either) is recognised
 * here, as browsers' own sniffing would.
 */
export async function sniffType(bytes: Uint8Array): Promise<SniffedType> {
  // Text first: file-type's weaker signatures match text too (a UTF-16 BOM, FF FE, is an MP3
  // frame sync to it), and a page sorted as audio would be handed to a cleaner, not refused.
  const markup = sniffMarkup(bytes);
  if (markup) return markup;
  const found = await fileTypeFromBuffer(bytes);
  if (found) return { ext: found.ext, mime: found.mime };
  return UNKNOWN_TYPE;
}

function sniffMarkup(bytes: Uint8Array): SniffedType | undefined {
  const head = decodeHead(bytes.subarray(0, MARKUP_WINDOW));
  // Binary formats carry control bytes early; text has none but whitespace.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the test
  if (/[\x00-\x08\x0b\x0e-\x1f\x7f]/.test(head)) return undefined;
  if (SVG_OPENER.test(head)) return { ext: 'svg', mime: 'image/svg+xml' };
  if (HTML_OPENER.test(head)) return { ext: 'html', mime: 'text/html' };
  if (/^\s*<\?xml/i.test(head)) return { ext: 'xml', mime: 'application/xml' };
  return undefined;
}

/** Text as a browser might read it: UTF-16 if a BOM says so, else byte by byte (ASCII markup survives either). */
function decodeHead(head: Uint8Array): string {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return new TextDecoder(head[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(head);
  }
  // NUL bytes between letters (UTF-16 without a BOM) would hide a tag from the patterns.
  return new TextDecoder('latin1').decode(head).replaceAll('\0', '');
}
