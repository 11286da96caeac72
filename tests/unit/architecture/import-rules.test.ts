import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * What each folder may import (docs/architecture.md). esbuild resolves every import of every
 * source file the way the bundles do (#core/* subpaths included), so the rules are checked on
 * real module edges, not on import strings.
 */
const SOURCE_ROOTS = ['functions', 'web/pages', 'web/client', 'web/shared', 'web/build', 'local', 'infra'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

let edges: { from: string; to: string }[] = [];

beforeAll(async () => {
  const result = await build({
    entryPoints: SOURCE_ROOTS.flatMap(tsFiles),
    bundle: true,
    write: false,
    outdir: 'out',
    platform: 'node',
    format: 'esm',
    // Packages stay unresolved: only edges between the project's own files matter here.
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = (result.metafile as Metafile).inputs;
  edges = Object.entries(inputs).flatMap(([from, input]) =>
    input.imports.filter((i) => !i.external).map((i) => ({ from, to: i.path })),
  );
});

const startsWith = (prefixes: string[]) => (path: string) => prefixes.some((p) => path.startsWith(p));

function violations(from: (path: string) => boolean, allowed: (to: string, from: string) => boolean) {
  return edges.filter((e) => from(e.from) && !allowed(e.to, e.from)).map((e) => `${e.from} → ${e.to}`);
}

const FUNCTION_DIRS = ['intake', 'staff', 'receipts', 'notifier', 'expiry'];

describe('what each folder may import', () => {
  it('sees the edges of every source folder', () => {
    expect(edges.some((e) => e.from.startsWith('functions/intake/'))).toBe(true);
    expect(edges.some((e) => e.from.startsWith('web/client/') && e.to.startsWith('functions/core/'))).toBe(
      true,
    );
  });

  it('functions/core imports only functions/core', () => {
    expect(violations(startsWith(['functions/core/']), startsWith(['functions/core/']))).toEqual([]);
  });

  it('a function imports core, its own folder and (intake only) the server pages, never local/ or web/client', () => {
    const bad = violations(startsWith(['functions/']), (to, from) => {
      const own = from.split('/').slice(0, 2).join('/');
      if (to.startsWith('functions/core/') || to.startsWith(`${own}/`)) return true;
      const pages = ['web/pages/', 'web/shared/', 'web/generated/'];
      return own === 'functions/intake' && startsWith(pages)(to);
    });
    expect(bad).toEqual([]);
    expect(FUNCTION_DIRS.every((d) => edges.some((e) => e.from.startsWith(`functions/${d}/`)))).toBe(true);
  });

  it('the browser code imports core and web/shared only, and nothing of Node or the AWS SDK', async () => {
    expect(
      violations(startsWith(['web/client/']), startsWith(['functions/core/', 'web/shared/', 'web/client/'])),
    ).toEqual([]);
    // The core modules the browser code pulls in, and everything they pull in, stay pure.
    const reached = new Set<string>();
    const queue = edges.filter((e) => e.from.startsWith('web/client/')).map((e) => e.to);
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (reached.has(file)) continue;
      reached.add(file);
      queue.push(...edges.filter((e) => e.from === file).map((e) => e.to));
    }
    const browserBundle = await build({
      entryPoints: tsFiles('web/client'),
      bundle: true,
      write: false,
      outdir: 'out',
      platform: 'browser',
      metafile: true,
      logLevel: 'silent',
    });
    const packages = Object.keys(browserBundle.metafile.inputs).filter((p) => p.includes('node_modules/'));
    expect(packages.filter((p) => /@aws-sdk|@aws-lambda-powertools|@smithy/.test(p))).toEqual([]);
    expect([...reached].filter((f) => f.startsWith('local/') || f.startsWith('web/pages/'))).toEqual([]);
  });

  it('the server pages never import the browser code or the build tools', () => {
    expect(
      violations(
        startsWith(['web/pages/', 'web/shared/']),
        startsWith(['functions/core/', 'web/pages/', 'web/shared/', 'web/generated/']),
      ),
    ).toEqual([]);
  });

  it('infra imports core and itself, never local/, web/ or a function folder', () => {
    expect(violations(startsWith(['infra/']), startsWith(['infra/', 'functions/core/']))).toEqual([]);
  });
});
