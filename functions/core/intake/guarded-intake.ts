import type { ClientKeyer } from '#core/guards/client-key';
import type { RateLimiter } from '#core/guards/rate-limit';
import { RateLimitedError } from '#core/http/errors';
import {
  type IdempotentIntake,
  type IntakeOutcome,
  type IntakeRequest,
  submitReceiptOf,
} from './idempotency';
import type { SubmitTip } from './submit-tip';

export interface GuardedIntakeDeps {
  submitTip: SubmitTip;
  /** Without it each submit stores a new tip (no retry protection). */
  idempotent?: IdempotentIntake;
  rateLimiter?: RateLimiter;
  /** Without it every client shares one key: only useful when there is no rate limit either. */
  clientKeyer?: ClientKeyer;
}

/**
 * The submit path around the tip itself: who the client is (a keyed hash, never the IP),
 * whether it is over its limit, and whether this submit was already answered.
 */
export function makeGuardedIntake({ submitTip, idempotent, rateLimiter, clientKeyer }: GuardedIntakeDeps) {
  return {
    clientKey(sourceIp: string | undefined): string {
      return clientKeyer ? clientKeyer(sourceIp ?? 'unknown') : 'unkeyed';
    },

    /** Throws RateLimitedError over the limit; 'degraded' when the counters did not answer. */
    async admit(clientKey: string): Promise<'ok' | 'degraded'> {
      if (!rateLimiter) return 'ok';
      const verdict = await rateLimiter(clientKey);
      if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
      return verdict.degraded ? 'degraded' : 'ok';
    },

    async submit(request: IntakeRequest): Promise<IntakeOutcome> {
      if (idempotent) return idempotent(request);
      return {
        ...submitReceiptOf(await submitTip(request.input, { viaForm: request.viaForm === true })),
        replayed: false,
      };
    },
  };
}

export type GuardedIntake = ReturnType<typeof makeGuardedIntake>;
