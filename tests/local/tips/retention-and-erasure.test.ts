import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TipRecord } from '#core/tips/tip-record';
import { validTip } from '../../support/local-env';
import { type StaffStack, startStaffStack } from '../../support/staff-client';

const DAY = 86_400;

/** Seconds between an expiresAt and `days` after `since` (epoch ms): small when it was set then. */
const offBy = (expiresAt: unknown, days: number, since: number) =>
  Math.abs(Number(expiresAt) - (Math.floor(since / 1000) + days * DAY));

describe('retention (TTL per status, legal hold) and contact erasure, through the API', () => {
  let s: StaffStack;

  beforeAll(async () => {
    s = await startStaffStack('retention');
  });
  afterAll(async () => s?.stop());

  async function post(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${s.stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  /** The stored item itself: TTL works on what is in the table, not on what the API shows. */
  async function item(id: string): Promise<Record<string, unknown>> {
    const { Item } = await s.doc.send(
      new GetCommand({ TableName: s.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item ?? {};
  }

  it('sets expiresAt on write: a year for a new tip, 7 days for a quarantined one', async () => {
    const started = Date.now();
    const fresh = await item(await post(validTip()));
    const spam = await item(await post(validTip({ website: 'http://bot.example' })));

    expect(fresh.status).toBe('new');
    expect(offBy(fresh.expiresAt, 365, started)).toBeLessThan(60);
    expect(spam.status).toBe('quarantined');
    expect(offBy(spam.expiresAt, 7, started)).toBeLessThan(60);
  });

  it('recomputes expiresAt on each status change, removes it under legal hold and restores it on release', async () => {
    const id = await post(validTip());
    const inReview = await s.patch<TipRecord>(id, { status: 'in-review' }, 1);
    expect(inReview.status).toBe(200);

    const dismissedAt = Date.now();
    const dismissed = await s.patch<TipRecord>(id, { status: 'dismissed' }, 2);
    expect(dismissed.status).toBe(200);
    expect(offBy((await item(id)).expiresAt, 30, dismissedAt)).toBeLessThan(60);

    const held = await s.patch<TipRecord>(id, { legalHold: true, note: 'lawyers asked to keep it' }, 3);
    expect(held.status).toBe(200);
    const underHold = await item(id);
    expect(underHold.legalHold).toBe(true);
    expect(underHold).not.toHaveProperty('expiresAt');

    const releasedAt = Date.now();
    const released = await s.patch<TipRecord>(id, { legalHold: false }, 4);
    expect(released.status).toBe(200);
    const after = await item(id);
    expect(after).not.toHaveProperty('legalHold');
    expect(offBy(after.expiresAt, 30, releasedAt)).toBeLessThan(60);
    expect(
      released.body.history.filter((h) => h.action === 'legal-hold').map((h) => [h.from, h.to, h.by]),
    ).toEqual([
      ['off', 'on', 'alice'],
      ['on', 'off', 'alice'],
    ]);
  });

  it('a status change under legal hold keeps the tip without expiresAt', async () => {
    const id = await post(validTip());
    expect((await s.patch(id, { legalHold: true }, 1)).status).toBe(200);
    expect((await s.patch(id, { status: 'in-review' }, 2)).status).toBe(200);
    expect((await s.patch(id, { status: 'dismissed' }, 3)).status).toBe(200);
    expect(await item(id)).not.toHaveProperty('expiresAt');
  });

  it('erases the contact details but keeps the tip, recording the erasure without the values', async () => {
    const tip = validTip({ name: 'Rinkēvičs', email: 'source@example.org', phone: '+371 2000 0000' });
    const id = await post(tip);

    const res = await s.patch<TipRecord>(id, { eraseContact: true }, 1);

    expect(res.status).toBe(200);
    const stored = await item(id);
    expect(stored).not.toHaveProperty('name');
    expect(stored).not.toHaveProperty('email');
    expect(stored).not.toHaveProperty('phone');
    expect(stored.message).toBe(tip.message);
    const text = JSON.stringify(stored);
    for (const value of ['Rinkēvičs', 'source@example.org', '+371 2000 0000'])
      expect(text).not.toContain(value);
    expect(res.body.history.at(-1)).toEqual({
      at: expect.any(String),
      by: 'alice',
      action: 'contact-erased',
      note: 'name,email,phone',
    });
  });

  it('an anonymous tip stores no contact and no client hash or IP', async () => {
    const id = await post(validTip({ anonymous: true }));
    const stored = await item(id);
    expect(stored.anonymous).toBe(true);
    for (const field of ['name', 'email', 'phone', 'clientKey', 'sourceIp', 'ip']) {
      expect(stored).not.toHaveProperty(field);
    }
    expect(JSON.stringify(stored)).not.toContain('127.0.0.1');
  });
});
