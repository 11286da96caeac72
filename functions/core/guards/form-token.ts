import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './client-key';

/** What the signed timestamp says about how the form was filled. */
export type FormTokenVerdict = 'absent' | 'ok' | 'too-fast' | 'bad-form-token' | 'stale-form-token';

export interface FormTokensProps {
  secret: string;
  /** A human needs at least this long to fill the form; bots post at once. */
  minFillSeconds: number;
  /** A token older than this was harvested or left open for days: quarantined for a look. */
  maxAgeSeconds?: number;
  clock?: () => Date;
}

const VERSION = 'v1';
// Clocks of two Lambda containers may differ a little; more than this in the future is forged.
const FUTURE_SKEW_MS = 60_000;

/**
 * The reader form carries `formToken` = `v1.<issued-at ms, base36>.<HMAC>`, signed when the
 * page is served. On submit it tells a bot that posts instantly (too fast) or makes up a
 * token (bad signature) from a person, with no third-party CAPTCHA and no state.
 */
export function makeFormTokens({
  secret,
  minFillSeconds,
  maxAgeSeconds = 24 * 3600,
  clock = () => new Date(),
}: FormTokensProps) {
  const key = deriveKey(secret, 'form-token');
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);

  return {
    issue(): string {
      const payload = `${VERSION}.${clock().getTime().toString(36)}`;
      return `${payload}.${sign(payload).toString('base64url')}`;
    },

    check(token: string | undefined): FormTokenVerdict {
      if (token === undefined) return 'absent';
      const [version, issued, mac, ...rest] = token.split('.');
      if (version !== VERSION || !issued || !mac || rest.length > 0 || !/^[0-9a-z]{1,12}$/.test(issued)) {
        return 'bad-form-token';
      }
      const given = Buffer.from(mac, 'base64url');
      const expected = sign(`${version}.${issued}`);
      // Strict encoding too: base64url's last character has spare bits that decode the same.
      if (given.length !== expected.length || given.toString('base64url') !== mac) return 'bad-form-token';
      if (!timingSafeEqual(given, expected)) return 'bad-form-token';
      const ageMs = clock().getTime() - Number.parseInt(issued, 36);
      if (ageMs < -FUTURE_SKEW_MS) return 'bad-form-token';
      if (ageMs < minFillSeconds * 1000) return 'too-fast';
      if (ageMs > maxAgeSeconds * 1000) return 'stale-form-token';
      return 'ok';
    },
  };
}

export type FormTokens = ReturnType<typeof makeFormTokens>;
