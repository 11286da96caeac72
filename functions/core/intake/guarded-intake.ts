import type { IntakeConfig } from '#core/config/intake-config';
import { type ClientKeyer, makeClientKeyer } from '#core/guards/client-key';
import { makeFormTokens } from '#core/guards/form-token';
import { makeRateLimiter, type RateLimiter } from '#core/guards/rate-limit';
import { makeSpamChecks } from '#core/guards/spam-checks';
import { RateLimitedError } from '#core/http/errors';
import type { DynamoClients } from '#core/platform/aws-clients';
import type { Logger } from '#core/platform/logger';
import { makeMetrics } from '#core/platform/metrics';
import {
  type IdempotentIntake,
  type IntakeOutcome,
  type IntakeRequest,
  makeIdempotentIntake,
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
      const { tip } = await submitTip(request.input);
      return { ...submitReceiptOf(tip), replayed: false };
    },
  };
}

export type GuardedIntake = ReturnType<typeof makeGuardedIntake>;

/**
 * Every abuse defence the config enables, ready to hand to makeSubmitTip and the handler.
 * A missing table turns its defence off, said once at cold start (infra/ sets them all).
 */
export function intakeGuardsFromConfig(config: IntakeConfig, dynamo: DynamoClients, logger: Logger) {
  const secret = config.CLIENT_HASH_SECRET;
  const formTokens = secret ? makeFormTokens({ secret, minFillSeconds: config.MIN_FILL_SECONDS }) : undefined;
  const guardTable = config.GUARD_TABLE;
  const spamChecks =
    guardTable && secret && formTokens
      ? makeSpamChecks({
          doc: dynamo.doc,
          tableName: guardTable,
          secret,
          formTokens,
          duplicateWindowSeconds: config.DUPLICATE_WINDOW_SECONDS,
        })
      : undefined;
  const rateLimiter = guardTable
    ? makeRateLimiter({
        doc: dynamo.doc,
        tableName: guardTable,
        limit: config.RATE_LIMIT_MAX,
        windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      })
    : undefined;
  const off = [
    ...(config.IDEMPOTENCY_TABLE ? [] : ['idempotency']),
    ...(guardTable ? [] : ['rate limit', 'duplicate check']),
    ...(secret ? [] : ['form token']),
  ];
  if (off.length > 0) logger.warn('intake defences off by config', { off });
  return {
    formTokens,
    spamChecks,
    metrics: makeMetrics('tipline-intake'),
    intake(submitTip: SubmitTip): GuardedIntake {
      return makeGuardedIntake({
        submitTip,
        ...(rateLimiter ? { rateLimiter } : {}),
        ...(secret ? { clientKeyer: makeClientKeyer(secret) } : {}),
        ...(config.IDEMPOTENCY_TABLE
          ? {
              idempotent: makeIdempotentIntake({
                client: dynamo.client,
                tableName: config.IDEMPOTENCY_TABLE,
                submitTip,
                windowSeconds: config.IDEMPOTENCY_WINDOW_SECONDS,
              }),
            }
          : {}),
      });
    },
  };
}
