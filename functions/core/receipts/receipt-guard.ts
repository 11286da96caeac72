import type { RateLimiter } from '#core/guards/rate-limit';
import { RateLimitedError, StoreUnavailableError } from '#core/http/errors';

/**
 * Receipt requests (checks and messages together) per client per window. At 20 per 10
 * minutes one client gets 2,880 guesses a day against a 59.4-bit code space.
 */
export const RECEIPT_RATE = { limit: 20, windowSeconds: 600 } as const;

export interface ReceiptGuardDeps {
  /** A limiter of its own, apart from intake's: checking a receipt never uses up a reader's submits. */
  limiter: RateLimiter;
  /** The keyed hash of a source address (guards/client-key.ts): no raw IP is stored. */
  clientKey: (sourceIp: string) => string;
}

/** Throws unless this client may make another receipt request now. */
export type ReceiptGuard = (sourceIp: string) => Promise<void>;

/**
 * Every receipt request passes here before anything else, so guessing codes costs requests at
 * the limit's pace. Unlike intake (where a lost tip is worse than a bot), an unlimited receipt
 * endpoint is a guessing oracle: when the counter can't be kept, the answer is "try again later".
 */
export function makeReceiptGuard({ limiter, clientKey }: ReceiptGuardDeps): ReceiptGuard {
  return async (sourceIp) => {
    const verdict = await limiter(`receipts#${clientKey(sourceIp)}`);
    if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
    if (verdict.degraded) throw new StoreUnavailableError(5);
  };
}
