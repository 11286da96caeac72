import type * as z from 'zod';
import { SECRET_ENV } from './env-names';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads config once at cold start. A bad value fails the container at load with a
 * message that names the variable, rather than the first request failing obscurely.
 * A secret's `<NAME>_ARN` is read only by loadConfigWithSecrets (functions/core/config/secrets.ts);
 * here, with neither that nor the value, the schema names the value variable.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
  { secretsResolved = false }: { secretsResolved?: boolean } = {},
): z.infer<S> {
  const problems = secretsResolved ? [] : secretSourceProblems(env);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** A secret given both as a value and as an ARN is refused: which one wins would be a guess. */
export function secretSourceProblems(env: Record<string, string | undefined>): string[] {
  return Object.entries(SECRET_ENV)
    .filter(([name, arnName]) => env[name] !== undefined && env[arnName] !== undefined)
    .map(
      ([name, arnName]) =>
        `${name}: set either ${name} (the value, locally) or ${arnName} (in AWS), not both`,
    );
}
