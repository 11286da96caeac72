import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TipRecord } from '#core/tips/tip-record';
import { validTip } from '../../support/local-env';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip, tipsOverTime } from '../../support/staff-seed';
import { runTipsCliOn } from '../../support/tips-cli';

describe('npm run tips -- list|show|set|export', () => {
  let s: StaffStack;
  let dir: string;
  const first = seedTip({
    createdAt: new Date('2026-11-25T09:00:00Z'),
    subject: 'Grain ships leave Odesa',
    topic: 'russia-ukraine-war',
  });
  const bulk = tipsOverTime(150, new Date('2026-11-24T00:00:00Z'), { topic: 'americas', kind: 'question' });

  beforeAll(async () => {
    s = await startStaffStack('staff-cli');
    dir = mkdtempSync(join(tmpdir(), 'tipline-cli-'));
    await batchWriteTips(s.doc, s.tableName, [first, ...bulk]);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await s?.stop();
  });

  const run = (args: string[], { tty = false, stdin }: { tty?: boolean; stdin?: string } = {}) =>
    runTipsCliOn(s, args, { stderrTty: tty, ...(stdin !== undefined ? { stdin } : {}) });

  it('list prints a readable table, newest first, and says how to get the next page', async () => {
    const { code, stdout, stderr } = await run(['list', '--limit', '3']);

    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+RECEIVED\s+STATUS\s+KIND\s+TOPIC\s+ASSIGNEE\s+SUBJECT/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(first.id);
    expect(lines[1]).toContain('Grain ships leave Odesa');
    expect(stderr).toMatch(/^more: add --cursor \S+/);
  });

  it('list --all --json follows every page', async () => {
    const { code, stdout } = await run(['list', '--topic', 'americas', '--all', '--json', '--limit', '40']);

    expect(code).toBe(0);
    const body = JSON.parse(stdout) as { items: { id: string }[] };
    expect(body.items.map((t) => t.id)).toEqual(bulk.map((t) => t.id).reverse());
  });

  it('list --receipt finds the tip of a code a reader reads out; show never prints the code', async () => {
    const posted = await fetch(`${s.stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validTip({ subject: 'Reader on the phone' })),
    });
    const { id, receipt } = (await posted.json()) as { id: string; receipt: string };

    const found = await run(['list', '--receipt', receipt.toLowerCase().replace(/-/g, ' ')]);
    const shown = await run(['show', id]);
    const shownJson = await run(['show', id, '--json']);

    expect(found.code).toBe(0);
    expect(found.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(found.stdout).toContain(id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(id);
    for (const out of [found.stdout, shown.stdout, shownJson.stdout]) expect(out).not.toContain(receipt);
    expect(shown.stdout).not.toMatch(/receipt/i);
  });

  it('list --receipt - reads the code from stdin, so it stays out of the shell history', async () => {
    const posted = await fetch(`${s.stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validTip({ subject: 'Reader on the phone again' })),
    });
    const { id, receipt } = (await posted.json()) as { id: string; receipt: string };

    const found = await run(['list', '--receipt', '-'], { stdin: `${receipt}\n` });
    const empty = await run(['list', '--receipt', '-'], { stdin: '\n' });

    expect(found.code).toBe(0);
    expect(found.stdout).toContain(id);
    expect(found.stdout).not.toContain(receipt);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('no code on stdin');
  });

  it('set changes a tip with the version it read, show prints it with its history', async () => {
    const set = await run([
      'set',
      first.id,
      '--status',
      'in-review',
      '--assignee',
      'bob',
      '--note',
      'calling the port',
    ]);
    const stale = await run(['set', first.id, '--status', 'published', '--version', '1']);
    const shown = await run(['show', first.id, '--json']);

    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/status\s+in-review/);
    expect(set.stdout).toContain('note: calling the port');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('409 version_conflict');
    const tip = JSON.parse(shown.stdout) as TipRecord;
    expect(tip).toMatchObject({ status: 'in-review', assignee: 'bob', version: 2 });
  });

  it('export writes every matching tip to a file with a progress line on stderr', async () => {
    const file = join(dir, 'questions.csv');

    const { code, stdout, stderr } = await run(['export', '--kind', 'question', '--out', file]);

    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('exported 150 tips');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(151);
  });

  it('fails with a usage message on bad input, without calling the API', async () => {
    const none = await run(['show']);
    const unknown = await run(['frobnicate']);

    expect(none.code).toBe(2);
    expect(none.stderr).toContain('show needs a tip id');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
  });
});
