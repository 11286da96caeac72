import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tipline-npm-start-'));
let child: ChildProcess | undefined;

interface Run {
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

/**
 * The real `npm start` entry (what the script runs after its web build), on free ports and a
 * temp data dir, with only the given variables besides PATH and HOME.
 */
function npmStart(vars: Record<string, string>): Run {
  const proc = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['local/stack/start.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PORT: '0',
      DYNAMODB_PORT: '0',
      SES_PORT: '0',
      ISSUER_PORT: '0',
      S3_PORT: '0',
      DATA_DIR: mkdtempSync(join(scratch, 'data-')),
      ...vars,
    },
    // Its own process group: tsx runs the script in a child process, and both are stopped after.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const run: Run = {
    stdout: '',
    stderr: '',
    exit: new Promise((done) => proc.on('exit', (code) => done(code))),
  };
  proc.stdout?.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString('utf8');
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString('utf8');
  });
  return run;
}

async function until(run: Run, text: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!run.stdout.includes(text)) {
    if (child?.exitCode !== null) throw new Error(`npm start exited: ${run.stderr}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms: ${run.stdout}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(async () => {
  const proc = child;
  child = undefined;
  if (proc?.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((done) => proc.on('exit', done));
  process.kill(-proc.pid, 'SIGKILL');
  await exited;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm start (local/stack/start.ts, spawned) reads the environment', () => {
  it('stops on a bad value with one line that names the variable, no stack trace, exit code non-zero', async () => {
    const run = npmStart({ RATE_LIMIT_MAX: 'abc' });

    const code = await run.exit;

    expect(code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm start: invalid configuration: RATE_LIMIT_MAX: /);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toContain('Tipline is running locally');
  }, 60_000);

  it('lists in its banner the variables taken from the environment, never their values, and stops cleanly', async () => {
    const secret = `spawned-secret-${Date.now()}-0123456789abcdefghijklmnop`;
    const desk = 'spawned-desk@newsroom.example';
    const run = npmStart({ CLIENT_HASH_SECRET: secret, DESK_ADDRESS: desk, RATE_LIMIT_MAX: '7' });

    await until(run, 'Ctrl-C stops it.');

    const sources = run.stdout.split('\n').find((line) => line.includes('from the environment')) ?? '';
    for (const name of ['CLIENT_HASH_SECRET', 'DESK_ADDRESS', 'RATE_LIMIT_MAX', 'DATA_DIR']) {
      expect(sources).toContain(name);
    }
    for (const value of [secret, desk]) {
      expect(run.stdout).not.toContain(value);
      expect(run.stderr).not.toContain(value);
    }
    const api = /reader form \+ API\s+(http:\/\/\S+?)\/\s/.exec(run.stdout)?.[1];
    expect((await fetch(`${api}/health`)).status).toBe(200);

    child?.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout).toContain('stopped cleanly');
  }, 60_000);
});
