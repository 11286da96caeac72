import type * as z from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

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
