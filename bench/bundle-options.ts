import type { BuildOptions } from 'esbuild';

/**
 * The esbuild options the CDK NodejsFunction ships each function with (ESM, minified,
 * node22, a `require` for the CommonJS inside dependencies, metafile on). The bench
 * builds with these so its numbers are those of the deployed bundle; infra/ should
 * import this object too, so the two cannot drift.
 */
export const LAMBDA_BANNER =
  "import { createRequire as __tiplineCreateRequire } from 'node:module'; const require = __tiplineCreateRequire(import.meta.url);";

export const lambdaBundleOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  // ESM entry points first: that is what lets esbuild drop the parts of a package nobody imports.
  mainFields: ['module', 'main'],
  banner: { js: LAMBDA_BANNER },
  metafile: true,
  // As infra ships it: an external map, no sources inside, read at run time through
  // NODE_OPTIONS=--enable-source-maps (its cost is measured by the cold-init bench).
  sourcemap: 'external',
  sourcesContent: false,
  logLevel: 'warning',
  alias: { '@aws-sdk/credential-provider-node': './functions/core/platform/lambda-credentials.ts' },
} as const satisfies BuildOptions;

/** Every Lambda's entry point, as infra/ wires them. */
export const FUNCTION_ENTRIES = {
  intake: 'functions/intake/handler.ts',
  notifier: 'functions/notifier/handler.ts',
  staff: 'functions/staff/handler.ts',
  receipts: 'functions/receipts/handler.ts',
  expiry: 'functions/expiry/handler.ts',
} as const;
