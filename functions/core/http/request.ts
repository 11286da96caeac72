import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';
import { formToObject } from './form-fields';

export { formToObject };

/** Over this a body is refused before it is parsed (413 over 64 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (k.toLowerCase() === wanted) return v;
  }
  return undefined;
}

/** True for a browser's plain form post (no JavaScript): it gets HTML back, JSON clients JSON. */
export function wantsHtml(event: APIGatewayProxyEventV2): boolean {
  const accept = header(event, 'accept') ?? '';
  // A JSON body means a script sent it, whatever its Accept says: it always gets JSON.
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' && /\btext\/html\b/i.test(accept);
}

export type MediaType = 'json' | 'form';

export interface ParsedBody {
  mediaType: MediaType;
  value: unknown;
}

function mediaTypeOf(event: APIGatewayProxyEventV2): MediaType {
  const raw = header(event, 'content-type');
  const [type = '', ...params] = (raw ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    throw new UnsupportedMediaTypeError(raw);
  if (type === 'application/json') return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  throw new UnsupportedMediaTypeError(raw);
}

/**
 * A browser percent-encodes each UTF-8 byte of a form as 3: a valid 10,000-character
 * message in Chinese is 90 KB on the wire. For forms the 64 KiB limit applies to the
 * decoded content, and the wire may be up to 3 times that.
 */
const MAX_FORM_WIRE_BYTES = 3 * MAX_BODY_BYTES;

function bodyBytes(event: APIGatewayProxyEventV2, limit = MAX_BODY_BYTES): Buffer {
  const raw = event.body ?? '';
  // Checked before decoding: a huge body is refused without allocating it twice.
  const approxBytes = event.isBase64Encoded
    ? Math.floor((raw.length * 3) / 4)
    : Buffer.byteLength(raw, 'utf8');
  if (approxBytes > limit + 3) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > limit) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  return bytes;
}

function formContentBytes(text: string): number {
  let size = 0;
  for (const [key, value] of new URLSearchParams(text)) {
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  return size;
}

export function parseBody(event: APIGatewayProxyEventV2): ParsedBody {
  const mediaType = mediaTypeOf(event);
  const bytes = bodyBytes(event, mediaType === 'form' ? MAX_FORM_WIRE_BYTES : MAX_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedBodyError('the body is not valid UTF-8');
  }
  if (mediaType === 'form') {
    if (formContentBytes(text) > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
    return { mediaType, value: formToObject(text) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedBodyError('the body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MalformedBodyError('the body must be a JSON object');
  }
  return { mediaType, value };
}
