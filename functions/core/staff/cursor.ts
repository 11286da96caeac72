import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from '#core/http/errors';

/**
 * List cursors: the page's LastEvaluatedKey plus the filters it belongs to, HMAC-signed so a
 * client can neither forge a start key (which could point a Query anywhere) nor reuse a
 * cursor with other filters. Opaque to clients: base64url(payload) "." base64url(signature).
 */
export type StartKey = Record<string, string>;

export interface CursorCodec {
  encode(key: StartKey, scope: string): string;
  /** The start key, or InvalidCursorError when the cursor is forged, altered or from another scope. */
  decode(cursor: string, scope: string): StartKey;
}

const MAX_CURSOR_CHARS = 2_048;

export function makeCursorCodec(secret: string): CursorCodec {
  if (secret.length < 32) throw new Error('the cursor secret must be at least 32 characters');
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest();

  return {
    encode(key, scope) {
      const payload = Buffer.from(JSON.stringify({ k: key, s: scope }), 'utf8').toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },

    decode(cursor, scope) {
      if (cursor.length > MAX_CURSOR_CHARS) throw new InvalidCursorError();
      const parts = cursor.split('.');
      if (parts.length !== 2) throw new InvalidCursorError();
      const [payload = '', signature = ''] = parts;
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(payload);
      // Node's base64url decoder skips junk, so the round trip must match too.
      if (
        given.length !== expected.length ||
        given.toString('base64url') !== signature ||
        !timingSafeEqual(given, expected)
      ) {
        throw new InvalidCursorError();
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError();
      }
      const { k, s } = (parsed ?? {}) as { k?: unknown; s?: unknown };
      if (s !== scope || !isStartKey(k)) throw new InvalidCursorError();
      return k;
    },
  };
}

function isStartKey(value: unknown): value is StartKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}
