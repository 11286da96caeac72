import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import * as z from 'zod';
import { ENV } from '#core/config/env-names';
import { loadConfig } from '#core/config/load-config';
import { type LocalStackOptions, STACK_OWNED_ENV } from './stack';

/** The project root's .env, read by `npm start` when it exists. */
export const PROJECT_DOTENV = fileURLToPath(new URL('../../.env', import.meta.url));

const port = (fallback: number) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce
      .number({ error: 'must be a port number (0-65535)' })
      .int('must be a port number (0-65535)')
      .min(0, 'must be a port number (0-65535)')
      .max(65_535, 'must be a port number (0-65535)')
      .default(fallback),
  );

/** What only `npm start` reads (no function does): where it listens and keeps its data. */
export const localStartSchema = z.object({
  PORT: port(3000),
  DYNAMODB_PORT: port(8000),
  SES_PORT: port(8005),
  ISSUER_PORT: port(8010),
  S3_PORT: port(8020),
  DATA_DIR: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('.data')),
});

export const LOCAL_START_VARIABLES = Object.keys(
  localStartSchema.shape,
) as (keyof typeof localStartSchema.shape)[];

const stackOwned = new Set<string>(STACK_OWNED_ENV);
/** The functions' variables npm start hands on: every name in env-names.ts but the stack's own. */
const FUNCTION_VARIABLES = Object.values(ENV).filter((name) => !stackOwned.has(name));
const KNOWN = new Set<string>([...Object.values(ENV), ...LOCAL_START_VARIABLES]);

export interface StartConfig {
  /** What `npm start` starts the stack with (realistic limits, unless a variable sets them). */
  options: LocalStackOptions & { dataDir: string };
  /** Names (never values) of the variables taken from the real environment. */
  fromEnvironment: string[];
  /** Names of the variables taken from .env (the real environment wins over it). */
  fromDotEnv: string[];
  /** Set, but the stack's own: DYNAMODB_ENDPOINT, SES_ENDPOINT, S3_ENDPOINT, ALERT_DLQ_URL. */
  ignored: string[];
  /** Names in .env that Tipline does not read (a typo, most likely). */
  unknownInDotEnv: string[];
}

/** The .env file's variables, or none when there is no such file. */
export function readDotEnv(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseEnv(text) as Record<string, string>;
}

/**
 * `npm start`'s configuration: the variables the Lambdas read, from the environment and from
 * .env (the environment wins), handed to the stack whose local values fill in only what is
 * unset; the stack checks them with the functions' own schemas. The local-only variables
 * (ports, DATA_DIR) are checked here, with the same loader. A bad value throws a ConfigError
 * naming the variable.
 */
export function startConfigFromEnv(
  environment: Record<string, string | undefined> = process.env,
  dotEnvPath: string = PROJECT_DOTENV,
): StartConfig {
  const dotEnv = readDotEnv(dotEnvPath);
  const sourceOf = (name: string) =>
    environment[name] !== undefined ? 'environment' : dotEnv[name] !== undefined ? 'dotenv' : undefined;
  const lookup = (name: string) => environment[name] ?? dotEnv[name];

  const local = loadConfig(
    localStartSchema,
    Object.fromEntries(LOCAL_START_VARIABLES.map((name) => [name, lookup(name)])),
  );
  const functionEnv: Record<string, string> = {};
  for (const name of FUNCTION_VARIABLES) {
    const value = lookup(name);
    if (value !== undefined) functionEnv[name] = value;
  }

  const used = [...LOCAL_START_VARIABLES, ...FUNCTION_VARIABLES];
  return {
    options: {
      port: local.PORT,
      dynamoPort: local.DYNAMODB_PORT,
      sesPort: local.SES_PORT,
      issuerPort: local.ISSUER_PORT,
      s3Port: local.S3_PORT,
      dataDir: local.DATA_DIR,
      realisticLimits: true,
      env: functionEnv,
    },
    fromEnvironment: used.filter((name) => sourceOf(name) === 'environment'),
    fromDotEnv: used.filter((name) => sourceOf(name) === 'dotenv'),
    ignored: STACK_OWNED_ENV.filter((name) => sourceOf(name) !== undefined),
    unknownInDotEnv: Object.keys(dotEnv).filter((name) => !KNOWN.has(name)),
  };
}

/** The banner's lines about where the configuration came from: names only, never a value. */
export function configSourceLines(config: StartConfig): string[] {
  const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  const lines = [
    `  from the environment  ${list(config.fromEnvironment)}`,
    `  from .env             ${list(config.fromDotEnv)}`,
  ];
  if (config.ignored.length > 0) {
    lines.push(`  not used              ${config.ignored.join(', ')} (the stack's own)`);
  }
  if (config.unknownInDotEnv.length > 0) {
    lines.push(`  unknown in .env       ${config.unknownInDotEnv.join(', ')} (not a Tipline variable)`);
  }
  return lines;
}
