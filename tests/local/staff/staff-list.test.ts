import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TipRecord, TipStatus } from '#core/tips/tip-record';
import type { TipKind, TipTopic } from '#core/tips/tip-schema';
import { type ListBody, listAll, type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

const STATUSES: TipStatus[] = ['new', 'in-review', 'dismissed', 'quarantined'];
const KINDS: TipKind[] = ['tip', 'question'];
const TOPICS: TipTopic[] = ['europe', 'africa', 'other'];

describe('GET /tips: filters, order, paging and cursors', () => {
  let s: StaffStack;
  const tips: TipRecord[] = [];
  const start = Date.parse('2026-10-01T00:00:00Z');

  beforeAll(async () => {
    s = await startStaffStack('staff-list');
    // Every combination of status × kind × topic, three times over, one minute apart.
    let minute = 0;
    for (let round = 0; round < 3; round++) {
      for (const status of STATUSES)
        for (const kind of KINDS)
          for (const topic of TOPICS) {
            tips.push(
              seedTip({
                createdAt: new Date(start + minute++ * 60_000),
                status,
                kind,
                topic,
                message:
                  round === 1 && topic === 'africa'
                    ? 'Flooding reported near the KHARTOUM bridge'
                    : undefined,
              }),
            );
          }
    }
    await batchWriteTips(s.doc, s.tableName, tips);
  });
  afterAll(async () => s?.stop());

  const newestFirst = (list: TipRecord[]) => list.map((t) => t.id).sort((a, b) => (a < b ? 1 : -1));

  it('every combination of status, kind and topic returns exactly the matching tips, newest first', async () => {
    const combos: Array<Partial<Record<'status' | 'kind' | 'topic', string>>> = [];
    for (const status of [undefined, 'new', 'dismissed'])
      for (const kind of [undefined, 'question'])
        for (const topic of [undefined, 'africa'])
          combos.push({
            ...(status ? { status } : {}),
            ...(kind ? { kind } : {}),
            ...(topic ? { topic } : {}),
          });

    for (const filters of combos) {
      const expected = newestFirst(
        tips.filter((t) =>
          Object.entries(filters).every(([k, v]) => (t as unknown as Record<string, string>)[k] === v),
        ),
      );
      // A page size that does not divide the result: the last page is a partial one.
      const { ids } = await listAll(s, new URLSearchParams(filters).toString(), 7);
      expect(ids, JSON.stringify(filters)).toEqual(expected);
    }
  });

  it('a time range returns the tips that arrived from `from` (inclusive) to `to` (exclusive)', async () => {
    const from = new Date(start + 10 * 60_000).toISOString();
    const to = new Date(start + 40 * 60_000).toISOString();
    const inRange = (t: TipRecord) => t.createdAt >= from && t.createdAt < to;

    const all = await listAll(s, new URLSearchParams({ from, to }).toString(), 100);
    const filtered = await listAll(
      s,
      new URLSearchParams({ from, to, status: 'new', topic: 'europe' }).toString(),
      3,
    );

    expect(all.ids).toEqual(newestFirst(tips.filter(inRange)));
    expect(all.ids).toHaveLength(30);
    expect(filtered.ids).toEqual(
      newestFirst(tips.filter((t) => inRange(t) && t.status === 'new' && t.topic === 'europe')),
    );
  });

  it('q searches subject and message case-insensitively within the filtered range', async () => {
    const { ids } = await listAll(s, 'q=khartoum&kind=question', 10);

    expect(ids).toEqual(
      newestFirst(tips.filter((t) => t.kind === 'question' && t.message.includes('KHARTOUM'))),
    );
    expect(ids.length).toBeGreaterThan(0);
  });

  it('returns summaries without contact details, and limit defaults to 25', async () => {
    const res = await s.getJson<ListBody & { items: Record<string, unknown>[] }>('/tips');

    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(25);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    expect(Object.keys(res.body.items[0] ?? {})).toEqual(
      expect.arrayContaining(['id', 'createdAt', 'kind', 'topic', 'status', 'excerpt', 'version']),
    );
    expect(res.body.items[0]).not.toHaveProperty('message');
    expect(res.body.items[0]).not.toHaveProperty('history');
    expect(res.body.items[0]).not.toHaveProperty('receipt');
  });

  it('refuses bad parameters with 400 and every issue', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=ten',
      'status=archived',
      'topic=mars',
      'from=yesterday',
      'sort=asc',
    ]) {
      const res = await s.getJson<{ error: string; issues: unknown[] }>(`/tips?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe('validation_failed');
    }
    const both = await s.getJson<{ issues: { path: string }[] }>('/tips?limit=500&kind=rumour');
    expect(both.body.issues.map((i) => i.path).sort()).toEqual(['kind', 'limit']);
  });

  it('a tampered, forged or foreign cursor is 400 invalid_cursor, never a page', async () => {
    const first = await s.getJson<ListBody>('/tips?status=new&limit=5');
    const cursor = first.body.nextCursor as string;
    const [payload = '', signature = ''] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { k: Record<string, string> };
    // Point the start key somewhere else, keep the old signature.
    decoded.k.id = '00000000000000000000000000';
    const altered = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
    const flipped = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const forged = Buffer.from(JSON.stringify({ id: tips[0]?.id, gsi_status: 'new' })).toString('base64url');

    const attempts = [
      `/tips?status=new&limit=5&cursor=${encodeURIComponent(altered)}`,
      `/tips?status=new&limit=5&cursor=${encodeURIComponent(flipped)}`,
      `/tips?status=new&limit=5&cursor=${forged}`,
      `/tips?status=new&limit=5&cursor=not-a-cursor`,
      // A genuine cursor, but for another list.
      `/tips?status=dismissed&limit=5&cursor=${encodeURIComponent(cursor)}`,
      `/tips?status=new&topic=europe&limit=5&cursor=${encodeURIComponent(cursor)}`,
    ];
    for (const path of attempts) {
      const res = await s.getJson<{ error: string }>(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error).toBe('invalid_cursor');
    }
    // The genuine cursor still works where it belongs (and with another page size).
    const second = await s.getJson<ListBody>(`/tips?status=new&limit=9&cursor=${encodeURIComponent(cursor)}`);
    expect(second.status).toBe(200);
    expect((second.body.items[0]?.id ?? '') < (first.body.items.at(-1)?.id ?? '')).toBe(true);
  });

  it('GET /tips/{id} returns the whole tip with its history and version; unknown ids are 404', async () => {
    const tip = tips[5] as TipRecord;

    const found = await s.getJson<TipRecord>(`/tips/${tip.id}`);
    const missing = await s.getJson<{ error: string }>('/tips/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    const notAnId = await s.getJson<{ error: string }>('/tips/..%2F..%2Fetc');

    expect(found.status).toBe(200);
    expect(found.body).toEqual(tip);
    expect(found.headers.get('etag')).toBe('"1"');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
    expect(notAnId.status).toBe(404);
  });
});
