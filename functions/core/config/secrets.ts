import * as z from 'zod';
import { ENV, SECRET_ENV, type SecretEnvName } from './env-names';
import { ConfigError, loadConfig, secretSourceProblems } from './load-config';

/** Reads one secret's value by its ARN (Secrets Manager in AWS; a test's stand-in elsewhere). */
export type SecretReader = (secretArn: string) => Promise<string>;

const secretValue = z.string().min(32, 'must be a random secret of at least 32 characters');

/**
 * A secret's two config fields: the value (what the function uses) and `<NAME>_ARN`, which only
 * says where the value came from in AWS. Spread into a function's schema, so the schema (and the
 * configuration page) names both.
 */
export function secretShape<N extends SecretEnvName>(name: N) {
  return {
    [name]: secretValue,
    [SECRET_ENV[name]]: z.string().startsWith('arn:', 'must be a Secrets Manager secret ARN').optional(),
  } as { [K in N]: typeof secretValue } & {
    [K in (typeof SECRET_ENV)[N]]: z.ZodOptional<z.ZodString>;
  };
}

/** The same, for a function that may run without the secret (intake without its guard tables). */
export function optionalSecretShape<N extends SecretEnvName>(name: N) {
  return {
    [name]: secretValue.optional(),
    [SECRET_ENV[name]]: z.string().startsWith('arn:', 'must be a Secrets Manager secret ARN').optional(),
  } as { [K in N]: z.ZodOptional<typeof secretValue> } & {
    [K in (typeof SECRET_ENV)[N]]: z.ZodOptional<z.ZodString>;
  };
}

/**
 * A function's config at cold start, in AWS: each secret whose `<NAME>_ARN` is set is read from
 * Secrets Manager, once (the config, and so the value, lives as long as the container), then the
 * whole is validated like loadConfig. A secret that cannot be read fails the cold start with a
 * message naming its `_ARN` variable and the error's name, never a value.
 */
export async function loadConfigWithSecrets<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
  readSecret?: SecretReader,
): Promise<z.infer<S>> {
  const problems = secretSourceProblems(env);
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  const wanted = Object.entries(SECRET_ENV).filter(([, arnName]) => env[arnName] !== undefined);
  if (wanted.length === 0) return loadConfig(schema, env);

  const read = readSecret ?? (await defaultSecretReader(env));
  const resolved: Record<string, string | undefined> = { ...env };
  const failures: string[] = [];
  await Promise.all(
    wanted.map(async ([name, arnName]) => {
      try {
        resolved[name] = await read(env[arnName] as string);
      } catch (err) {
        // Powertools wraps the SDK's error (GetParameterError); the service's own name says why.
        const cause = (err as { cause?: unknown }).cause;
        const why = cause instanceof Error ? cause.name : (err as Error).name;
        failures.push(`${arnName}: the secret could not be read (${why})`);
      }
    }),
  );
  if (failures.length > 0) throw new ConfigError(`invalid configuration: ${failures.sort().join('; ')}`);
  return loadConfig(schema, resolved, { secretsResolved: true });
}

/** Loaded only when a secret is to be read, so a function or tool without one never loads the client. */
async function defaultSecretReader(env: Record<string, string | undefined>): Promise<SecretReader> {
  const { makeSecretReader } = await import('#core/platform/secret-reader');
  return makeSecretReader({ region: env[ENV.AWS_REGION] ?? 'us-east-1' });
}
