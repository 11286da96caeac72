import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { cleanerConfigSchema } from '#core/config/cleaner-config';
import { ENV } from '#core/config/env-names';
import { expiryConfigSchema } from '#core/config/expiry-config';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { notifierConfigSchema } from '#core/config/notifier-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { staffConfigSchema } from '#core/config/staff-config';
import { stackConfigSchema } from '../../../infra/stack-config';
import { makeTiplineApp } from '../../../infra/tipline-app';
import { LOCAL_START_VARIABLES, localStartSchema } from '../../../local/stack/env-config';
import { staffPageConfigSchema } from '../../../web/pages/staff-page-config';

const DOC = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
const FUNCTIONS = ['intake', 'notifier', 'staff', 'receipts', 'cleaner', 'expiry'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

/** The rows of the tables under one `## ` heading: first cell's code span → the cells. */
function table(heading: string): Map<string, string[]> {
  const section = DOC.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/configuration.md has no "## ${heading}" section`);
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = /^\| `([^`]+)` \|(.*)\|$/.exec(line);
    if (!cells) continue;
    rows.set(
      cells[1] as string,
      (cells[2] as string).split(' | ').map((c) => c.trim()),
    );
  }
  return rows;
}

const envRows = table('Function environment variables');
const contextRows = table('CDK context keys');
const localRows = table('Local only');

const ENV_NAMES: string[] = Object.values(ENV);
const CONTEXT_KEYS = Object.keys(stackConfigSchema.shape);
const LOCAL_NAMES: string[] = [...LOCAL_START_VARIABLES, '.env'];

const sorted = (names: Iterable<string>) => [...names].sort();
/** The functions a cell names, outside its parenthesised remarks ("intake (the staff page)"). */
const functionsIn = (cell: string) => {
  const named = cell.replace(/\([^)]*\)/g, '');
  return FUNCTIONS.filter((f) => new RegExp(`\\b${f}\\b`).test(named));
};

/** The one value of a Default cell that is a single code span (`30`, `us-east-1`, `[]`). */
const exactDefault = (cell: string | undefined) => /^`([^`]+)`$/.exec(cell ?? '')?.[1];
const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

const SECRET = 'x'.repeat(32);
const MINIMAL_ENV = {
  TIPS_TABLE: 'tips',
  DESK_ADDRESS: 'desk@example.org',
  SENDER_ADDRESS: 'tipline@example.org',
  CURSOR_SECRET: SECRET,
  GUARD_TABLE: 'guard',
  CLIENT_HASH_SECRET: SECRET,
  RECEIPT_HASH_SECRET: SECRET,
  UPLOADS_BUCKET: 'uploads-bucket',
  CLEAN_BUCKET: 'clean-bucket',
};
const READERS: [FunctionName, z.ZodObject][] = [
  ['intake', intakeConfigSchema],
  ['intake', staffPageConfigSchema],
  ['notifier', notifierConfigSchema],
  ['staff', staffConfigSchema],
  ['receipts', receiptsConfigSchema],
  ['cleaner', cleanerConfigSchema],
  ['expiry', expiryConfigSchema],
];

describe('docs/configuration.md describes every setting the code has, and no other', () => {
  it("has a row for every variable of env-names.ts's ENV, and none for a variable that is gone", () => {
    expect(sorted(envRows.keys())).toEqual(sorted(ENV_NAMES));
  });

  it('has a row for every CDK context key of the stack config schema, and no other', () => {
    expect(sorted(contextRows.keys())).toEqual(sorted(CONTEXT_KEYS));
  });

  it('has a row for every local-only variable of npm start (and .env), and no other', () => {
    expect(sorted(localRows.keys())).toEqual(sorted(LOCAL_NAMES));
  });

  it('names no other variable anywhere, nor a -c key the stack does not read', () => {
    const known = new Set([...ENV_NAMES, ...LOCAL_NAMES]);
    const inline = [...DOC.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Z]{4,})`/g)].map((m) => m[1] as string);
    const assigned = [...DOC.matchAll(/^\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string);
    expect([...inline, ...assigned].filter((name) => !known.has(name))).toEqual([]);
    const contextFlags = [...DOC.matchAll(/-c ([A-Za-z]+)=/g)].map((m) => m[1] as string);
    expect(contextFlags.length).toBeGreaterThan(0);
    expect(contextFlags.filter((key) => !CONTEXT_KEYS.includes(key))).toEqual([]);
  });

  it('says which functions read each variable, as their schemas do', () => {
    for (const name of ENV_NAMES) {
      const readers = new Set(READERS.filter(([, schema]) => name in schema.shape).map(([fn]) => fn));
      expect(functionsIn(envRows.get(name)?.[0] ?? ''), name).toEqual(
        FUNCTIONS.filter((f) => readers.has(f)),
      );
    }
  });

  it('gives the defaults the schemas have, where it gives one value', () => {
    for (const [name, cells] of envRows) {
      const documented = exactDefault(cells[1]);
      if (documented === undefined) continue;
      const reader = READERS.find(([, schema]) => name in schema.shape)?.[1];
      expect(reader, name).toBeDefined();
      const parsed = loadConfig(reader as z.ZodObject, MINIMAL_ENV) as Record<string, unknown>;
      expect(shown(parsed[name]), name).toBe(documented);
    }
    const context = stackConfigSchema.parse({ deskAddress: 'a@example.org', senderAddress: 'b@example.org' });
    for (const [key, cells] of contextRows) {
      const documented = exactDefault(cells[0]);
      if (documented !== undefined) expect(shown(context[key as keyof typeof context]), key).toBe(documented);
    }
    const local = loadConfig(localStartSchema, {});
    for (const name of LOCAL_START_VARIABLES) {
      expect(shown(local[name]), name).toBe(exactDefault(localRows.get(name)?.[0]));
    }
  });

  it('says which functions the stack gives each variable, as the synthesized template does', () => {
    const { stack } = makeTiplineApp({
      bundle: false,
      nag: false,
      context: {
        deskAddress: 'world-desk@example.org',
        senderAddress: 'tipline@example.org',
        deskRouting: JSON.stringify({ default: ['world-desk@example.org'] }),
        deskPgpKeys: JSON.stringify({
          'world-desk@example.org':
            '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n',
        }),
        retentionPolicy: JSON.stringify({ default: 90 }),
      },
    });
    const template = Template.fromStack(stack);
    const functions: Record<FunctionName, IFunction> = {
      intake: stack.intake,
      notifier: stack.alerts.notifier,
      staff: stack.staff,
      receipts: stack.receipts,
      cleaner: stack.cleaner.fn,
      expiry: stack.expiry.fn,
    };
    const envOf = (fn: IFunction): string[] => {
      const id = (stack as Stack).getLogicalId(fn.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
      return Object.keys(template.toJSON().Resources[id].Properties.Environment?.Variables ?? {});
    };
    for (const name of ENV_NAMES) {
      const given = FUNCTIONS.filter((f) => envOf(functions[f]).includes(name));
      expect(functionsIn(envRows.get(name)?.[2] ?? ''), name).toEqual(given);
    }
  });

  it("its .env example is one npm start reads, with values the functions' schemas accept", () => {
    const example = /```dotenv\n([\s\S]*?)```/.exec(DOC)?.[1];
    expect(example).toBeDefined();
    const vars = parseEnv(example as string) as Record<string, string>;
    expect(Object.keys(vars).length).toBeGreaterThan(0);
    for (const [, schema] of READERS) loadConfig(schema, { ...MINIMAL_ENV, ...vars });
  });
});
