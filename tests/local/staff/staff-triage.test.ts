import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, TipRecord } from '#core/tips/tip-record';
import { makeTipStore } from '#core/tips/tip-store';
import { type ListBody, type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

describe('PATCH /tips/{id}: triage with history and optimistic concurrency', () => {
  let s: StaffStack;
  let bobAuth: Record<string, string>;
  const at = (minutes: number) => new Date(Date.parse('2026-11-01T08:00:00Z') + minutes * 60_000);
  const fresh = seedTip({ createdAt: at(1) });
  const racy = seedTip({ createdAt: at(2) });
  const spam = seedTip({ createdAt: at(3), status: 'quarantined' });
  const stale = seedTip({ createdAt: at(4) });
  const direct = seedTip({ createdAt: at(5) });

  beforeAll(async () => {
    s = await startStaffStack('staff-triage');
    bobAuth = { authorization: `Bearer ${await s.stack.issuer.mint({ user: 'bob' })}` };
    await batchWriteTips(s.doc, s.tableName, [fresh, racy, spam, stale, direct]);
  });
  afterAll(async () => s?.stop());

  it('records every change in history (who, when, what) and bumps the version each time', async () => {
    const started = new Date().toISOString();
    const steps: Array<[Record<string, unknown>, Record<string, string>]> = [
      [{ status: 'in-review' }, s.auth],
      [{ assignee: 'bob', tags: ['Ukraine', 'ports', 'ukraine'] }, s.auth],
      [{ note: 'called the harbour master' }, bobAuth],
      [{ status: 'followed-up', assignee: null, note: 'story filed' }, bobAuth],
    ];
    let version = 1;
    for (const [body, auth] of steps) {
      const res = await s.patch<TipRecord>(fresh.id, body, version, auth);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.version).toBe(version + 1);
      expect(res.headers.get('etag')).toBe(`"${version + 1}"`);
      version = res.body.version;
    }

    const { body: tip } = await s.getJson<TipRecord>(`/tips/${fresh.id}`);
    expect(tip).toMatchObject({ status: 'followed-up', tags: ['ukraine', 'ports'], version: 5 });
    expect(tip).not.toHaveProperty('assignee');
    const entries = tip.history.map(({ at: when, ...rest }: HistoryEntry, i) => {
      if (i > 0) expect(when >= started).toBe(true);
      return rest;
    });
    expect(entries).toEqual([
      { by: 'reader', action: 'received', to: 'new' },
      { by: 'alice', action: 'status', from: 'new', to: 'in-review' },
      { by: 'alice', action: 'assignee', to: 'bob' },
      { by: 'alice', action: 'tags', to: 'ukraine,ports' },
      { by: 'bob', action: 'note', note: 'called the harbour master' },
      { by: 'bob', action: 'status', from: 'in-review', to: 'followed-up' },
      { by: 'bob', action: 'assignee', from: 'bob' },
      { by: 'bob', action: 'note', note: 'story filed' },
    ]);
  });

  it('a status change moves the tip between the filtered lists in the same write', async () => {
    const before = await s.getJson<ListBody>('/tips?status=followed-up');
    const inNew = await s.getJson<ListBody>('/tips?status=new&topic=europe');

    expect(before.body.items.map((t) => t.id)).toEqual([fresh.id]);
    expect(inNew.body.items.map((t) => t.id)).not.toContain(fresh.id);
  });

  it('two concurrent PATCHes with the same version: one 200, one 409 carrying the current version', async () => {
    const [a, b] = await Promise.all([
      s.patch<{ version?: number }>(racy.id, { status: 'in-review', note: 'mine' }, 1),
      s.patch<{ version?: number }>(racy.id, { assignee: 'bob' }, 1, bobAuth),
    ]);

    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const conflict = (a.status === 409 ? a : b).body as { error: string; currentVersion: number };
    expect(conflict).toMatchObject({ error: 'version_conflict', currentVersion: 2 });
    const { body: tip } = await s.getJson<TipRecord>(`/tips/${racy.id}`);
    expect(tip.version).toBe(2);
    expect(tip.history).toHaveLength(a.status === 200 ? 3 : 2);
  });

  it('the conditional write itself decides a race, not the read before it', async () => {
    const store = makeTipStore({ doc: s.doc, tableName: s.tableName });
    const change = (by: string) => ({
      expectedVersion: 1,
      set: { status: 'in-review' as const },
      history: [{ at: new Date().toISOString(), by, action: 'status', from: 'new', to: 'in-review' }],
    });

    const outcomes = await Promise.all([
      store.updateTip(direct, change('a')),
      store.updateTip(direct, change('b')),
    ]);

    expect(outcomes.map((o) => o.ok).sort()).toEqual([false, true]);
    const tip = await store.getTip(direct.id, { consistent: true });
    expect(tip.history).toHaveLength(2);
  });

  it('a stale If-Match is 409 with the current version; a missing one is 428', async () => {
    const first = await s.patch<TipRecord>(stale.id, { note: 'first look' }, 1);
    const again = await s.patch<{ error: string; currentVersion: number }>(
      stale.id,
      { note: 'second look' },
      1,
    );
    const missing = await s.patch<{ error: string }>(stale.id, { note: 'no version' }, undefined);

    expect(first.status).toBe(200);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'version_conflict', currentVersion: 2 });
    expect(again.headers.get('etag')).toBe('"2"');
    expect(missing.status).toBe(428);
    expect(missing.body.error).toBe('precondition_required');
  });

  it('refuses a transition the workflow does not allow, naming the allowed ones', async () => {
    const res = await s.patch<{ error: string; allowed: string[]; message: string }>(
      stale.id,
      { status: 'published' },
      2,
    );

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'invalid_transition', allowed: ['in-review'] });
    expect(res.body.message).toContain('new to published');
  });

  it('releases a quarantined false positive back to new', async () => {
    const res = await s.patch<TipRecord>(spam.id, { status: 'new', note: 'a real reader' }, 1);

    expect(res.status).toBe(200);
    expect(res.body.status).toBe('new');
    const list = await s.getJson<ListBody>('/tips?status=quarantined');
    expect(list.body.items.map((t) => t.id)).not.toContain(spam.id);
  });

  it('refuses unknown fields, empty patches and bad values with 400', async () => {
    for (const body of [{}, { status: 'archived' }, { priority: 'high' }, { tags: 'one' }, { note: '' }]) {
      const res = await s.patch<{ error: string }>(stale.id, body, 2);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('validation_failed');
    }
    const missingTip = await s.patch<{ error: string }>(
      '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      { note: 'hello there' },
      1,
    );
    expect(missingTip.status).toBe(404);
  });
});
