import { z } from 'zod';
import { deskRoutingSchema, jsonEnv } from './desk-routing';
import { ENV } from './env-names';
import { deskKeysSchema } from './pgp-alert';
import { retentionEnvSchema } from './retention';

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

export const intakeConfigSchema = z.object(storeConfigShape);

export const notifierConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.DESK_ADDRESS]: z.email('must be the desk email address'),
  [ENV.SENDER_ADDRESS]: z.email('must be the sender email address verified in SES'),
  [ENV.SES_ENDPOINT]: optionalUrl,
  [ENV.DESK_ROUTING]: jsonEnv(deskRoutingSchema).optional(),
  [ENV.DESK_PGP_KEYS]: deskKeysSchema.optional(),
});

export const staffConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.CURSOR_SECRET]: z.string().min(32, 'must be a random secret of at least 32 characters'),
});

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
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
