import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { FUNCTION_ENTRIES, lambdaBundleOptions } from './bundle-options';
import { postTipEvent } from './cold-init';
import { BENCH_ENV, ROOT, WORK } from './support';

/**
 * Where a cold start's time goes: the intake bundle, unminified so that esbuild's
 * `// node_modules/pkg/file.js` markers survive, run under `node --cpu-prof`, and each
 * sample's self time charged to the package whose source it sits in.
 * `npx tsx bench/profile-init.ts [entry]` (needs DYNAMODB_ENDPOINT + TIPS_TABLE for a POST).
 */
export async function profileInit(entry: string = FUNCTION_ENTRIES.intake, env: Record<string, string> = {}) {
  const dir = join(WORK, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'handler.mjs');
  await build({
    ...lambdaBundleOptions,
    minify: false,
    entryPoints: [join(ROOT, entry)],
    outfile,
    absWorkingDir: ROOT,
  });
  const run = spawnSync(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      '--cpu-prof-interval=100',
      join(ROOT, 'bench', 'cold-runner.mjs'),
      outfile,
      JSON.stringify(postTipEvent(0)),
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...BENCH_ENV, ...env }, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`profiled run failed: ${run.stderr}`);
  const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!profileFile) throw new Error('no profile written');
  // Which input file each line of the bundle came from.
  const lines = readFileSync(outfile, 'utf8').split('\n');
  const owner: string[] = [];
  let current = '(banner)';
  for (const line of lines) {
    const m = line.match(/^\/\/ (node_modules\/(?:@[^/]+\/)?[^/]+|functions\/[^/]+|web|bench)/);
    if (m?.[1]) current = m[1].replace(/^node_modules\//, '');
    owner.push(current);
  }
  const profile = JSON.parse(readFileSync(join(dir, profileFile), 'utf8')) as {
    nodes: { id: number; callFrame: { url: string; lineNumber: number; functionName: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) return;
    const { url, lineNumber, functionName } = node.callFrame;
    let key: string;
    if (url.endsWith('handler.mjs')) key = owner[lineNumber] ?? '(bundle)';
    else if (url.startsWith('node:')) key = `node internals`;
    else if (url === '') key = functionName === '(garbage collector)' ? '(gc)' : functionName || '(native)';
    else key = url.includes('cold-runner') ? '(runner)' : `other: ${url.split('/').slice(-2).join('/')}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + dt);
  });
  return [...selfMs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, ms]) => ({ where: k, ms: Math.round(ms * 10) / 10 }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await profileInit(process.argv[2] ?? FUNCTION_ENTRIES.intake, {
    TIPS_TABLE: process.env.TIPS_TABLE ?? 'bench-profile',
    DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT ?? 'http://127.0.0.1:1',
  });
  for (const r of rows.slice(0, 25)) console.log(`${String(r.ms).padStart(8)} ms  ${r.where}`);
}
