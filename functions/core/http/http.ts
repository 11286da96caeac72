import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConversationFullError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  InvalidTransitionError,
  MalformedBodyError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  RateLimitedError,
  StoreUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  VersionConflictError,
} from './errors';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

/** Over this a body is refused before it is parsed (DESIGN: 413 over 64 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function html(statusCode: number, page: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: {
      ...BASE_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      // Pages carry no inline script or style (both are served from /assets): reader text can
      // never run or restyle the page even if escaping failed.
      'content-security-policy':
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      ...headers,
    },
    body: page,
  };
}

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

const BOOLEAN_FIELDS = new Set(['anonymous', 'consent']);

/**
 * A form post as the JSON object the schema expects: checkboxes become booleans and
 * empty optional inputs are left out, as a JSON client would leave them out.
 */
export function formToObject(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (BOOLEAN_FIELDS.has(key)) {
      out[key] = value === 'on' || value === 'true' || value === '1';
    } else if (value !== '') {
      out[key] = value;
    }
  }
  return out;
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

/**
 * The one place an error becomes HTTP. Expected errors show their message; anything else
 * is a bug: a generic 500 that names the request id and never the error itself.
 */
export function errorResponse(err: unknown, requestId: string): HttpResponse {
  if (err instanceof ValidationError) {
    return json(400, { error: 'validation_failed', message: err.message, issues: err.issues });
  }
  if (err instanceof MalformedBodyError) return json(400, { error: 'malformed_body', message: err.message });
  if (err instanceof PayloadTooLargeError) {
    return json(413, { error: 'payload_too_large', message: err.message, limitBytes: err.limitBytes });
  }
  if (err instanceof UnsupportedMediaTypeError) {
    return json(415, { error: 'unsupported_media_type', message: err.message });
  }
  if (err instanceof IdempotencyInProgressError) {
    return json(
      409,
      { error: 'in_progress', message: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof IdempotencyKeyReusedError) {
    return json(422, { error: 'idempotency_key_reused', message: err.message });
  }
  if (err instanceof RateLimitedError) {
    return json(
      429,
      { error: 'rate_limited', message: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof StoreUnavailableError) {
    return json(
      503,
      { error: 'unavailable', message: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof NotFoundError) return json(404, { error: 'not_found', message: 'no such resource' });
  if (err instanceof UnauthorizedError) {
    return json(401, { error: 'unauthorized', message: err.message }, { 'www-authenticate': 'Bearer' });
  }
  if (err instanceof ForbiddenError) return json(403, { error: 'forbidden', message: err.message });
  if (err instanceof InvalidCursorError) return json(400, { error: 'invalid_cursor', message: err.message });
  if (err instanceof VersionConflictError) {
    return json(
      409,
      { error: 'version_conflict', message: err.message, currentVersion: err.currentVersion },
      { etag: `"${err.currentVersion}"` },
    );
  }
  if (err instanceof InvalidTransitionError) {
    return json(409, {
      error: 'invalid_transition',
      message: err.message,
      from: err.from,
      to: err.to,
      allowed: err.allowed,
      currentVersion: err.currentVersion,
    });
  }
  if (err instanceof PreconditionRequiredError) {
    return json(428, { error: 'precondition_required', message: err.message });
  }
  if (err instanceof ConversationFullError)
    return json(409, { error: 'conversation_full', message: err.message });
  return json(500, { error: 'internal', message: 'something went wrong on our side', requestId });
}
