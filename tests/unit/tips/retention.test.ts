import { describe, expect, it } from 'vitest';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { triagePatchSchema } from '#core/staff/triage-tip';
import { DEFAULT_RETENTION, expiresAtFor, retentionDays } from '#core/tips/retention';
import { planProtections } from '#core/tips/tip-protections';

const at = '2026-11-25T12:00:00.000Z';
const nowS = Date.parse(at) / 1000;
const DAY = 86_400;

describe('retention policy', () => {
  it('keeps dismissed 30 days, quarantined 7 and everything else 365 by default', () => {
    expect(retentionDays(DEFAULT_RETENTION, 'dismissed')).toBe(30);
    expect(retentionDays(DEFAULT_RETENTION, 'quarantined')).toBe(7);
    for (const status of ['new', 'in-review', 'followed-up', 'published'] as const) {
      expect(retentionDays(DEFAULT_RETENTION, status)).toBe(365);
    }
  });

  it('counts from now, in epoch seconds, and sets nothing under legal hold', () => {
    expect(expiresAtFor(DEFAULT_RETENTION, { status: 'dismissed' }, new Date(at))).toBe(nowS + 30 * DAY);
    expect(
      expiresAtFor(DEFAULT_RETENTION, { status: 'dismissed', legalHold: true }, new Date(at)),
    ).toBeUndefined();
  });

  it('reads RETENTION_POLICY from config, defaulting when unset, and names the variable when bad', () => {
    const base = { TIPS_TABLE: 'tips-test', RECEIPT_HASH_SECRET: 'x'.repeat(32) };
    expect(loadConfig(intakeConfigSchema, base).RETENTION_POLICY).toEqual(DEFAULT_RETENTION);
    const custom = loadConfig(intakeConfigSchema, {
      ...base,
      RETENTION_POLICY: JSON.stringify({ default: 90, byStatus: { published: 3650 } }),
    });
    expect(custom.RETENTION_POLICY).toEqual({ default: 90, byStatus: { published: 3650 } });
    expect(() =>
      loadConfig(intakeConfigSchema, { ...base, RETENTION_POLICY: JSON.stringify({ default: 0 }) }),
    ).toThrow(/RETENTION_POLICY\.default/);
    expect(() =>
      loadConfig(intakeConfigSchema, {
        ...base,
        RETENTION_POLICY: JSON.stringify({ default: 9, byStatus: { archived: 1 } }),
      }),
    ).toThrow(/RETENTION_POLICY\.byStatus/);
  });
});

describe('planProtections: what a staff PATCH does for retention and the source', () => {
  const tip = { status: 'in-review' as const, name: 'Оксана', email: 'o@example.org' };

  it('recomputes expiresAt on a status change, from the new status', () => {
    const plan = planProtections(tip, {}, { by: 'alice', at, nextStatus: 'dismissed' });
    expect(plan).toEqual({ set: { expiresAt: nowS + 30 * DAY }, remove: [], history: [] });
  });

  it('leaves expiresAt alone when nothing about retention changes', () => {
    expect(planProtections(tip, {}, { by: 'alice', at, nextStatus: 'in-review' }).set).toEqual({});
  });

  it('removes expiresAt under legal hold, even across a status change, and records the hold', () => {
    const plan = planProtections(tip, { legalHold: true }, { by: 'alice', at, nextStatus: 'dismissed' });
    expect(plan.set).toEqual({ legalHold: true });
    expect(plan.remove).toEqual(['expiresAt']);
    expect(plan.history).toEqual([{ at, by: 'alice', action: 'legal-hold', from: 'off', to: 'on' }]);
    const held = { ...tip, legalHold: true };
    expect(planProtections(held, {}, { by: 'alice', at, nextStatus: 'dismissed' })).toEqual({
      set: {},
      remove: [],
      history: [],
    });
  });

  it('restores expiresAt from the release when the hold is lifted', () => {
    const plan = planProtections(
      { ...tip, legalHold: true },
      { legalHold: false },
      { by: 'bob', at, nextStatus: 'in-review' },
    );
    expect(plan.set).toEqual({ expiresAt: nowS + 365 * DAY });
    expect(plan.remove).toEqual(['legalHold']);
    expect(plan.history).toEqual([{ at, by: 'bob', action: 'legal-hold', from: 'on', to: 'off' }]);
  });

  it('erases only the contact fields present and records which kinds, never the values', () => {
    const plan = planProtections(tip, { eraseContact: true }, { by: 'alice', at, nextStatus: 'in-review' });
    expect(plan.remove).toEqual(['name', 'email']);
    expect(plan.history).toEqual([{ at, by: 'alice', action: 'contact-erased', note: 'name,email' }]);
    expect(JSON.stringify(plan)).not.toContain('Оксана');
    expect(JSON.stringify(plan)).not.toContain('o@example.org');
  });

  it('records a reply for the reader as a history entry', () => {
    const plan = planProtections(
      tip,
      { reply: 'Thank you, we are checking this.' },
      { by: 'alice', at, nextStatus: 'in-review' },
    );
    expect(plan.history).toEqual([
      { at, by: 'alice', action: 'reply', note: 'Thank you, we are checking this.' },
    ]);
  });

  it('the staff PATCH schema accepts the three fields and refuses eraseContact: false', () => {
    expect(
      triagePatchSchema.safeParse({ reply: 'Thanks', eraseContact: true, legalHold: false }).success,
    ).toBe(true);
    expect(triagePatchSchema.safeParse({ eraseContact: false }).success).toBe(false);
    expect(triagePatchSchema.safeParse({ reply: ' ' }).success).toBe(false);
    expect(triagePatchSchema.parse({ reply: ' Thanks,\r\nthe desk\r\n' }).reply).toBe('Thanks,\nthe desk');
  });
});
