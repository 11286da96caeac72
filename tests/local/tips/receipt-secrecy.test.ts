import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#core/config/env-names';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { validTip } from '../../support/local-env';
import { type ListBody, type StaffStack, startStaffStack } from '../../support/staff-client';

/** Every spelling of a code (and of its bare SHA-256) that a careless store could hold. */
function forms(code: string): string[] {
  const compact = code.replace(/-/g, '');
  const sha = (s: string) => createHash('sha256').update(s);
  return [
    code,
    compact,
    code.toLowerCase(),
    compact.toLowerCase(),
    ...[code, compact].flatMap((s) => [
      sha(s).digest('hex'),
      sha(s).digest('base64'),
      sha(s).digest('base64url'),
    ]),
  ];
}

describe('receipt codes: shown to the reader, stored nowhere in clear nor as a bare SHA-256', () => {
  let s: StaffStack;
  const codes: string[] = [];
  const ids: string[] = [];

  async function submit(body: string, headers: Record<string, string>) {
    const res = await fetch(`${s.stack.apiUrl}/tips`, { method: 'POST', headers, body });
    expect(res.status).toBe(201);
    const text = await res.text();
    return res.headers.get('content-type')?.includes('json')
      ? (JSON.parse(text) as { id: string; receipt: string })
      : { id: '', receipt: /id="receipt">([^<]+)</.exec(text)?.[1] ?? '' };
  }

  const json = { 'content-type': 'application/json' };

  async function scanAll(tableName: string) {
    const { Items = [] } = await s.doc.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    return Items;
  }

  beforeAll(async () => {
    s = await startStaffStack('receipt-secrecy');
    // JSON submits, one with an Idempotency-Key replayed, a form post (receipt page).
    for (let i = 0; i < 3; i++) {
      const answer = await submit(JSON.stringify(validTip()), json);
      codes.push(answer.receipt);
      ids.push(answer.id);
    }
    const keyed = { ...json, 'idempotency-key': `secrecy-${Date.now()}` };
    const body = JSON.stringify(validTip());
    const first = await submit(body, keyed);
    const replay = await submit(body, keyed);
    expect(replay).toEqual(first);
    codes.push(first.receipt);
    ids.push(first.id);
    const form = new URLSearchParams({ ...(validTip() as Record<string, string>), consent: 'on' });
    const page = await submit(form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
    });
    codes.push(page.receipt);

    // The reader follows up; an editor replies.
    const [code = '', id = ''] = [codes[0], ids[0]];
    expect((await fetch(`${s.stack.apiUrl}/receipts/${code}`)).status).toBe(200);
    const added = await fetch(`${s.stack.apiUrl}/receipts/${code}/messages`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ message: 'The ferry left at noon after all' }),
    });
    expect(added.status).toBe(201);
    const tip = await s.getJson<{ version: number }>(`/tips/${id}`);
    const triaged = await s.patch(id, { status: 'in-review', reply: 'Thank you' }, tip.body.version);
    expect(triaged.status).toBe(200);
    await s.stack.feed.drained();
    for (const c of codes) expect(c).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  });
  afterAll(async () => s?.stop());

  it('no table (tips, idempotency, guard) holds a code in clear or its bare SHA-256', async () => {
    for (const table of [ENV.TIPS_TABLE, ENV.IDEMPOTENCY_TABLE, ENV.GUARD_TABLE]) {
      const dump = JSON.stringify(await scanAll(s.stack.env[table] as string));
      expect(dump.length).toBeGreaterThan(100);
      for (const code of codes) for (const form of forms(code)) expect(dump).not.toContain(form);
    }
    // What the tip does hold: the code's keyed hash, as its receipt-index key.
    const keys = makeReceiptKeys(s.stack.env[ENV.RECEIPT_HASH_SECRET] as string);
    const tips = await scanAll(s.tableName);
    expect(tips.map((t) => t.gsi_receipt).sort()).toEqual(codes.map((c) => keys.lookupKey(c)).sort());
    expect(tips.filter((t) => 'receipt' in t)).toEqual([]);
  });

  it('the staff list, tip, CSV and JSONL exports carry no code', async () => {
    const answers = [
      JSON.stringify((await s.getJson<ListBody>('/tips?limit=100')).body),
      ...(await Promise.all(ids.map(async (id) => JSON.stringify((await s.getJson(`/tips/${id}`)).body)))),
      ...(await Promise.all(
        ['csv', 'jsonl'].map(async (format) => {
          const res = await fetch(`${s.stack.apiUrl}/tips/export?format=${format}`, { headers: s.auth });
          expect(res.status).toBe(200);
          return res.text();
        }),
      )),
    ];
    // Each answer is about these tips (none is an empty or error body).
    for (const answer of answers) expect(ids.some((id) => answer.includes(id))).toBe(true);
    for (const answer of answers) for (const code of codes) expect(answer).not.toContain(code);
    expect(answers[answers.length - 2]?.split('\n')[0]).not.toMatch(/receipt/i);
  });

  it('GET /tips?receipt= finds the tip by the code a reader reads out, and only it', async () => {
    const [code = '', id = ''] = [codes[1], ids[1]];
    const spoken = code.toLowerCase().replace(/-/g, ' ');

    const found = await s.getJson<ListBody>(`/tips?receipt=${encodeURIComponent(spoken)}`);

    expect(found.status).toBe(200);
    expect(found.body.items.map((t) => t.id)).toEqual([id]);
    expect(found.body.nextCursor).toBeNull();
    expect(JSON.stringify(found.body)).not.toContain(code);
  });

  it('GET /tips?receipt= with an unknown or malformed code is an empty list, with a filter a 400', async () => {
    for (const wrong of ['ZZZZ-ZZZZ-ZZZZ', 'not a code']) {
      const res = await s.getJson<ListBody>(`/tips?receipt=${encodeURIComponent(wrong)}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: [], nextCursor: null });
    }
    for (const extra of ['status=new', 'topic=europe', 'q=ferry', 'from=2026-01-01']) {
      const res = await s.getJson<{ error: string; issues: { path: string }[] }>(
        `/tips?receipt=${codes[0]}&${extra}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.issues.map((i) => i.path)).toContain('receipt');
    }
  });

  it('GET /tips?receipt= is for staff only', async () => {
    const res = await fetch(`${s.stack.apiUrl}/tips?receipt=${codes[0]}`);
    expect(res.status).toBe(401);
  });
});
