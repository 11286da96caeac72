import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Scratch space (git-ignored): bundles, logs, profiles. */
export const WORK = join(ROOT, 'bench', '.work');
mkdirSync(WORK, { recursive: true });

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function summarize(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: round(quantile(s, 0.5)),
    p95: round(quantile(s, 0.95)),
    p99: round(quantile(s, 0.99)),
    min: round(s[0] ?? Number.NaN),
    max: round(s[s.length - 1] ?? Number.NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
export const ratio = (a: number, b: number) => round(a / b, 2);

/** Fisher–Yates: the order the variants run in, new for every round of an interleaved bench. */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface DynaliteProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const DYNALITE_SCRIPT = `
const dynalite = require('dynalite');
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * dynalite in its own process (in memory, 127.0.0.1, a free port): the process being measured
 * then does only the client's work, as a Lambda does, and not the database's too.
 */
export async function startDynaliteProcess(): Promise<DynaliteProcess> {
  const child = spawn(process.execPath, ['-e', DYNALITE_SCRIPT], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(/PORT (\d+)/);
      if (m) resolvePort(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`dynalite exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: () =>
      new Promise((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** A valid submission of realistic size (the bench's only payload). */
export function benchTip(n = 0): Record<string, unknown> {
  return {
    kind: n % 3 === 0 ? 'question' : 'tip',
    topic: 'europe',
    subject: 'Port closures in the Baltic',
    message: `Ferries between Tallinn and Helsinki stopped this morning; crews say the port authority gave no reason (${n}). ${'More detail follows. '.repeat(10)}`,
    name: 'Rinkēvičs',
    email: 'reader@example.org',
    consent: true,
  };
}

export const BENCH_ENV = {
  AWS_REGION: 'us-east-1',
  // Node 20 here, 22 in Lambda: the SDK's "upgrade Node" warning is not part of a Lambda's work.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // Lambda's own credentials come from env variables; the emulators accept any.
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};
