import * as z from 'zod';
import { deskRoutingSchema, jsonEnv } from '#core/alerts/desk-routing';
import { deskKeysSchema } from '#core/alerts/pgp-alert';
import { retentionEnvSchema } from '#core/tips/retention';
import { ENV } from './env-names';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalUrl = z.url({ protocol: /^https?$/ }).optional();

const storeConfigShape = {
  [ENV.TIPS_TABLE]: z.string().min(3, 'must name the tips table'),
  [ENV.AWS_REGION]: z.string().min(1).default('us-east-1'),
  [ENV.DYNAMODB_ENDPOINT]: optionalUrl,
  [ENV.RETENTION_POLICY]: retentionEnvSchema,
};

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Intake's abuse defences. Each table is optional so a bare store config still loads (tools,
 * benches); without GUARD_TABLE there is no rate limit or duplicate check, without
 * IDEMPOTENCY_TABLE no idempotency, and the intake logs that at cold start. infra/ sets all.
 */
export const intakeConfigSchema = z
  .object({
    ...storeConfigShape,
    [ENV.IDEMPOTENCY_TABLE]: z.string().min(3).optional(),
    [ENV.GUARD_TABLE]: z.string().min(3).optional(),
    [ENV.CLIENT_HASH_SECRET]: z
      .string()
      .min(32, 'must be a random secret of at least 32 characters')
      .optional(),
    [ENV.RATE_LIMIT_MAX]: seconds(30),
    [ENV.RATE_LIMIT_WINDOW_SECONDS]: seconds(600),
    [ENV.MIN_FILL_SECONDS]: z.coerce.number().min(0).default(3),
    [ENV.DUPLICATE_WINDOW_SECONDS]: seconds(86_400),
    [ENV.IDEMPOTENCY_WINDOW_SECONDS]: seconds(600),
  })
  .refine(
    (c) => c[ENV.CLIENT_HASH_SECRET] !== undefined || (!c[ENV.GUARD_TABLE] && !c[ENV.IDEMPOTENCY_TABLE]),
    {
      path: [ENV.CLIENT_HASH_SECRET],
      message: 'is required with GUARD_TABLE or IDEMPOTENCY_TABLE (at least 32 random characters)',
    },
  );

export const notifierConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.DESK_ADDRESS]: z.email('must be the desk email address'),
  [ENV.SENDER_ADDRESS]: z.email('must be the sender email address verified in SES'),
  [ENV.SES_ENDPOINT]: optionalUrl,
  [ENV.DESK_ROUTING]: jsonEnv(deskRoutingSchema).optional(),
  [ENV.DESK_PGP_KEYS]: deskKeysSchema.optional(),
  /** Without it: no flood breaker and no dead-lettering by the notifier (the stream's own DLQ only). */
  [ENV.GUARD_TABLE]: z.string().min(3).optional(),
  [ENV.FLOOD_MAX_ALERTS]: z.coerce.number().int().positive().default(20),
  [ENV.FLOOD_WINDOW_SECONDS]: z.coerce.number().int().positive().default(300),
  [ENV.ALERT_MAX_ATTEMPTS]: z.coerce.number().int().positive().default(4),
  [ENV.ALERT_DLQ_URL]: optionalUrl,
});

export const staffConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.CURSOR_SECRET]: z.string().min(32, 'must be a random secret of at least 32 characters'),
});

/** The reader's follow-up by receipt: the tips table, and the guard table for its rate limit. */
export const receiptsConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.GUARD_TABLE]: z.string().min(3, 'must name the guard table (the receipt rate limit)'),
  [ENV.CLIENT_HASH_SECRET]: z.string().min(32, 'must be a random secret of at least 32 characters'),
  // The desk's notice of a reader's added message (no reader text in it). Without
  // SENDER_ADDRESS and DESK_ADDRESS no notice is sent: the message is still in the tip's history.
  [ENV.DESK_ADDRESS]: z.email('must be the desk email address').optional(),
  [ENV.SENDER_ADDRESS]: z.email('must be the sender email address verified in SES').optional(),
  [ENV.SES_ENDPOINT]: optionalUrl,
  [ENV.DESK_ROUTING]: jsonEnv(deskRoutingSchema).optional(),
});

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
export type ReceiptsConfig = z.infer<typeof receiptsConfigSchema>;
export type StaffConfig = z.infer<typeof staffConfigSchema>;
export type NotifierConfig = z.infer<typeof notifierConfigSchema>;

/**
 * Reads config once at cold start. A bad value fails the container at load with a
 * message that names the variable, rather than the first request failing obscurely.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
