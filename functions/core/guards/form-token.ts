import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from './client-key';

/** What the signed timestamp says about how the form was filled. */
export type FormTokenVerdict = 'absent' | 'ok' | 'too-fast' | 'bad-form-token' | 'stale-form-token';

/** A token that verifies: when it was issued and the nonce that makes it single-use. */
export interface FormTokenCheck {
  verdict: FormTokenVerdict;
  /** Set when the token verified ('ok'): remembered until `expiresAtS` so it is used once. */
  nonce?: string;
  expiresAtS?: number;
}

/**
 * 45 minutes: a harvested token is worth little for long, and the reader form's script fetches
 * a fresh one every 15 minutes while the page is open (reader-form-client.ts). A reader without
 * JavaScript who takes longer is not lost: the tip is stored, quarantined `stale-form-token`,
 * for an editor to release.
 */
export const FORM_TOKEN_MAX_AGE_SECONDS = 45 * 60;

export interface FormTokensProps {
  secret: string;
  /** A human needs at least this long to fill the form; bots post at once. */
  minFillSeconds: number;
  /** A token older than this was harvested or left open: quarantined for a look. Under an hour. */
  maxAgeSeconds?: number;
  clock?: () => Date;
}

const VERSION = 'v2';
// Clocks of two Lambda containers may differ a little; more than this in the future is forged.
const FUTURE_SKEW_MS = 60_000;
const NONCE = /^[\w-]{16}$/;

/**
 * The reader form carries `formToken` = `v2.<issued-at ms, base36>.<nonce>.<HMAC>`, signed when
 * the page is served. On submit it tells a bot that posts instantly (too fast), makes up a token
 * (bad signature) or replays an old one (stale; a reused nonce is caught by spam-checks.ts)
 * from a person, with no third-party CAPTCHA.
 */
export function makeFormTokens({
  secret,
  minFillSeconds,
  maxAgeSeconds = FORM_TOKEN_MAX_AGE_SECONDS,
  clock = () => new Date(),
}: FormTokensProps) {
  if (maxAgeSeconds >= 3600) throw new Error('a form token must live under an hour');
  const key = deriveKey(secret, 'form-token');
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);

  function inspect(token: string | undefined): FormTokenCheck {
    if (token === undefined) return { verdict: 'absent' };
    const bad: FormTokenCheck = { verdict: 'bad-form-token' };
    const [version, issued, nonce, mac, ...rest] = token.split('.');
    if (
      version !== VERSION ||
      !issued ||
      !nonce ||
      !mac ||
      rest.length > 0 ||
      !/^[0-9a-z]{1,12}$/.test(issued) ||
      !NONCE.test(nonce)
    ) {
      return bad;
    }
    const given = Buffer.from(mac, 'base64url');
    const expected = sign(`${version}.${issued}.${nonce}`);
    // Strict encoding too: base64url's last character has spare bits that decode the same.
    if (given.length !== expected.length || given.toString('base64url') !== mac) return bad;
    if (!timingSafeEqual(given, expected)) return bad;
    const issuedMs = Number.parseInt(issued, 36);
    const ageMs = clock().getTime() - issuedMs;
    if (ageMs < -FUTURE_SKEW_MS) return bad;
    if (ageMs < minFillSeconds * 1000) return { verdict: 'too-fast' };
    if (ageMs > maxAgeSeconds * 1000) return { verdict: 'stale-form-token' };
    return { verdict: 'ok', nonce, expiresAtS: Math.ceil(issuedMs / 1000) + maxAgeSeconds };
  }

  return {
    minFillSeconds,

    issue(): string {
      const payload = `${VERSION}.${clock().getTime().toString(36)}.${randomBytes(12).toString('base64url')}`;
      return `${payload}.${sign(payload).toString('base64url')}`;
    },

    check(token: string | undefined): FormTokenVerdict {
      return inspect(token).verdict;
    },

    /** The verdict and, for a token that verifies, its nonce and when it expires. */
    inspect,
  };
}

export type FormTokens = ReturnType<typeof makeFormTokens>;
