import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BENCH_ENV, benchTip, ROOT, type Summary, shuffled, summarize } from './support';

export interface ColdRun {
  initMs: number;
  firstMs: number;
  wallMs: number;
  initCpuMs: number;
  firstCpuMs: number;
  rssInitMB: number;
  rssMB: number;
  status: number;
}

export interface ColdVariant {
  name: string;
  /** process start → handler module loaded (what the target compares). */
  init: Summary;
  /** process start → first event answered. */
  first: Summary;
  /** spawn → exit, measured by the parent (process creation and teardown included). */
  wall: Summary;
  /** CPU time (user + system) from process start to handler loaded / first answer. */
  initCpu: Summary;
  firstCpu: Summary;
  rssInitMB: Summary;
  rssMB: Summary;
  statuses: Record<string, number>;
}

export function postTipEvent(n: number): APIGatewayProxyEventV2 {
  const body = JSON.stringify(benchTip(n));
  return {
    version: '2.0',
    routeKey: 'POST /tips',
    rawPath: '/tips',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: {
        method: 'POST',
        path: '/tips',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: `bench-${n}`,
      routeKey: 'POST /tips',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

function runOnce(file: string, env: Record<string, string>, n: number): Promise<ColdRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bench', 'cold-runner.mjs'), file, JSON.stringify(postTipEvent(n))],
      // A clean env, as Lambda's: no NODE_OPTIONS (tsx's loader) inherited from the bench.
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      const line = out.split('\n').find((l) => l.startsWith('@@bench '));
      if (code !== 0 || !line) {
        reject(new Error(`cold run of ${file} failed (${code}): ${err.slice(0, 2000)}`));
        return;
      }
      resolve({ ...(JSON.parse(line.slice('@@bench '.length)) as Omit<ColdRun, 'wallMs'>), wallMs });
    });
  });
}

/** ≥ 30 fresh processes per variant, interleaved in a new random order each round. */
export interface ColdVariantSpec {
  name: string;
  file: string;
  /** Added to this variant's env (e.g. NODE_OPTIONS as infra sets it). */
  env?: Record<string, string>;
}

export async function coldInit(
  variants: ColdVariantSpec[],
  env: Record<string, string>,
  rounds = 30,
): Promise<ColdVariant[]> {
  const runs = new Map<string, ColdRun[]>(variants.map((v) => [v.name, []]));
  let n = 0;
  // One unmeasured round: the OS page cache then holds every file, for every variant alike.
  for (const v of variants) await runOnce(v.file, { ...BENCH_ENV, ...env, ...v.env }, n++);
  for (let r = 0; r < rounds; r++) {
    for (const v of shuffled(variants)) {
      runs.get(v.name)?.push(await runOnce(v.file, { ...BENCH_ENV, ...env, ...v.env }, n++));
    }
  }
  return variants.map(({ name }) => {
    const rs = runs.get(name) ?? [];
    const statuses: Record<string, number> = {};
    for (const r of rs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    return {
      name,
      init: summarize(rs.map((r) => r.initMs)),
      first: summarize(rs.map((r) => r.firstMs)),
      wall: summarize(rs.map((r) => r.wallMs)),
      initCpu: summarize(rs.map((r) => r.initCpuMs)),
      firstCpu: summarize(rs.map((r) => r.firstCpuMs)),
      rssInitMB: summarize(rs.map((r) => r.rssInitMB)),
      rssMB: summarize(rs.map((r) => r.rssMB)),
      statuses,
    };
  });
}
