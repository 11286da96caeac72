import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { FUNCTION_ENTRIES, lambdaBundleOptions } from './bundle-options';
import { ROOT, WORK } from './support';

export const BUNDLE_DIR = join(WORK, 'bundles');

export interface Contributor {
  name: string;
  bytes: number;
}

export interface DeadWeight {
  what: string;
  bytes: number;
  why: string;
}

export interface BundleReport {
  name: string;
  file: string;
  bytes: number;
  top: Contributor[];
  /** Code in the bundle that this handler never runs in AWS. */
  deadWeight: DeadWeight[];
}

/**
 * Pieces a Tipline handler bundles but never runs in Lambda, by input path. The SDK reaches
 * them through its default credential chain and config loaders; Lambda hands credentials in
 * environment variables, so the chain stops at its first link.
 */
const NEVER_RUN: { what: string; test: RegExp; why: string; unlessBundled?: RegExp }[] = [
  {
    what: 'zod locales other than en',
    test: /zod\/v4\/locales\/(?!en\.js)/,
    why: 'only English messages are shown; `import { z } from "zod"` pulls every locale in',
  },
  {
    what: 'zod → JSON Schema',
    test: /zod\/v4\/core\/(to-json-schema|json-schema-processors|json-schema-generator)/,
    why: 'only the OpenAPI document uses it, and only intake serves that',
    unlessBundled: /functions\/core\/api\/openapi\.ts$/,
  },
  {
    what: 'zod JSON Schema → zod',
    test: /zod\/v4\/classic\/from-json-schema/,
    why: 'zod ships it on every schema; nothing here converts JSON Schema back',
  },
  {
    what: 'SDK credential providers other than env',
    test: /@aws-sdk\/(credential-provider-(ini|sso|process|web-identity|login|http)|token-providers)|@smithy\/credential-provider-imds/,
    why: 'Lambda passes credentials in env variables; the rest of the default chain is never reached',
  },
  {
    what: 'SDK nested STS/SSO clients',
    test: /@aws-sdk\/nested-clients/,
    why: 'only the ini/sso/web-identity providers call them',
  },
  {
    what: 'SDK shared-ini config loader',
    test: /@smithy\/shared-ini-file-loader/,
    why: 'reads ~/.aws/config, absent in Lambda (skipped when env is set)',
  },
  {
    what: 'DynamoDB endpoint discovery',
    test: /@aws-sdk\/(middleware-endpoint-discovery|endpoint-cache)|mnemonist|obliterator/,
    why: 'only for DAX-style endpoint discovery, off by default',
  },
];

function packageOf(path: string): string {
  const m = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m?.[1]) return m[1];
  const parts = path.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : path;
}

export function analyse(name: string, file: string, metafile: Metafile): BundleReport {
  const output =
    Object.values(metafile.outputs).find((o) => o.entryPoint) ?? Object.values(metafile.outputs)[0];
  if (!output) throw new Error(`no output in the metafile of ${name}`);
  const byPackage = new Map<string, number>();
  const dead = new Map<string, DeadWeight>();
  const inputs = Object.keys(output.inputs);
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageOf(path);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    const rule = NEVER_RUN.find(
      (r) => r.test.test(path) && !(r.unlessBundled && inputs.some((i) => r.unlessBundled?.test(i))),
    );
    if (rule && bytesInOutput > 0) {
      const d = dead.get(rule.what) ?? { what: rule.what, bytes: 0, why: rule.why };
      d.bytes += bytesInOutput;
      dead.set(rule.what, d);
    }
  }
  const top = [...byPackage.entries()]
    .map(([n, bytes]) => ({ name: n, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
  return {
    name,
    file,
    bytes: output.bytes,
    top,
    deadWeight: [...dead.values()].sort((a, b) => b.bytes - a.bytes),
  };
}

async function bundleOne(name: string, entry: string, extra: BuildOptions = {}): Promise<BundleReport> {
  const outfile = join(BUNDLE_DIR, `${name}.mjs`);
  const result = await build({
    ...lambdaBundleOptions,
    entryPoints: [join(ROOT, entry)],
    outfile,
    absWorkingDir: ROOT,
    ...extra,
  });
  writeFileSync(join(BUNDLE_DIR, `${name}.meta.json`), JSON.stringify(result.metafile));
  if (!result.metafile) throw new Error(`esbuild wrote no metafile for ${name}`);
  return analyse(name, outfile, result.metafile);
}

export interface Bundles {
  /** Each function as CDK ships it. */
  functions: BundleReport[];
  /** What the intake's cold start is made of, piece by piece (bench/init-steps/). */
  steps: { name: string; file: string; bytes: number }[];
  /** The cold-init variants of the intake handler. */
  variants: {
    shipped: string;
    floor: string;
    sdkExternal: string;
    unbundled: string;
    fullChain: string;
  };
}

export async function buildBundles(): Promise<Bundles> {
  const functions: BundleReport[] = [];
  for (const [name, entry] of Object.entries(FUNCTION_ENTRIES)) {
    if (!existsSync(join(ROOT, entry))) continue;
    functions.push(await bundleOne(name, entry));
  }
  const floor = await bundleOne('empty', 'bench/empty-handler.ts');
  // What Lambda's runtime already holds (@aws-sdk/*) left out, as CDK does by default.
  const sdkExternal = await bundleOne('intake-sdk-external', FUNCTION_ENTRIES.intake, {
    external: ['@aws-sdk/*'],
  });
  // Before the env-only credentials alias: the SDK's whole default credential chain.
  const fullChain = await bundleOne('intake-full-credential-chain', FUNCTION_ENTRIES.intake, { alias: {} });
  // Our own code transpiled into one file, every package loaded from node_modules as it stands.
  const unbundled = await bundleOne('intake-unbundled', FUNCTION_ENTRIES.intake, {
    packages: 'external',
    minify: false,
    banner: {},
  });
  const steps: Bundles['steps'] = [];
  for (const [name, entry] of [
    ['+ DynamoDB clients', 'bench/init-steps/sdk.ts'],
    ['+ tip schema (zod)', 'bench/init-steps/sdk-schema.ts'],
    ['+ config.ts read', 'bench/init-steps/sdk-schema-config.ts'],
  ] as const) {
    const b = await bundleOne(`step-${steps.length + 1}`, entry);
    steps.push({ name, file: b.file, bytes: b.bytes });
  }
  const shipped = functions.find((f) => f.name === 'intake');
  if (!shipped) throw new Error('no intake bundle');
  functions.push({ ...fullChain, name: 'intake, full SDK credential chain (before)' });
  functions.push({ ...sdkExternal, name: 'intake (@aws-sdk/* external)' });
  return {
    functions,
    steps,
    variants: {
      shipped: shipped.file,
      floor: floor.file,
      sdkExternal: sdkExternal.file,
      unbundled: unbundled.file,
      fullChain: fullChain.file,
    },
  };
}
