import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, PreconditionRequiredError, ValidationError } from '#core/http/errors';
import { parseIfMatch, parseTriagePatch, planTriage, TRANSITIONS } from '#core/staff/triage-tip';
import { TIP_STATUSES, type TipRecord } from '#core/tips/tip-record';
import { typicalAttachments } from '../../support/attachment-fixtures';

const tip = (over: Partial<TipRecord> = {}): TipRecord => ({
  id: '01KDVKAJS0JCPVCBP08PMQX13Q',
  createdAt: '2026-11-25T09:00:00.000Z',
  kind: 'tip',
  topic: 'europe',
  message: 'Ferries stopped this morning',
  anonymous: true,
  status: 'new',
  version: 1,
  history: [],
  ...over,
});
const who = { by: 'alice', at: '2026-11-25T10:00:00.000Z' };

describe('the triage workflow', () => {
  it('allows exactly the transitions of the issue', () => {
    const allowed = TIP_STATUSES.flatMap((from) => TRANSITIONS[from].map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        'new→in-review',
        'in-review→followed-up',
        'in-review→published',
        'in-review→dismissed',
        'quarantined→new',
      ].sort(),
    );
  });

  it('refuses every other status change, naming what is allowed', () => {
    for (const from of TIP_STATUSES)
      for (const to of TIP_STATUSES) {
        if (from === to || TRANSITIONS[from].includes(to)) continue;
        expect(() => planTriage(tip({ status: from }), { status: to }, who), `${from}→${to}`).toThrow(
          InvalidTransitionError,
        );
      }
  });

  it('plans one history entry per change, and none for what did not change', () => {
    const plan = planTriage(
      tip({ status: 'in-review', assignee: 'bob', tags: ['ports'] }),
      { status: 'in-review', assignee: 'carol', tags: ['ports'], note: 'handing over' },
      who,
    );

    expect(plan.set).toEqual({ assignee: 'carol' });
    expect(plan.history).toEqual([
      { ...who, action: 'assignee', from: 'bob', to: 'carol' },
      { ...who, action: 'note', note: 'handing over' },
    ]);
  });

  it('removes the assignee on null and the tags on []', () => {
    const plan = planTriage(tip({ assignee: 'bob', tags: ['a'] }), { assignee: null, tags: [] }, who);

    expect(plan.remove).toEqual(['assignee', 'tags']);
    expect(plan.set).toEqual({});
  });

  it('validates patches strictly', () => {
    expect(parseTriagePatch({ tags: [' Kyiv ', 'kyiv', 'Ports'] }).tags).toEqual(['kyiv', 'ports']);
    for (const bad of [
      {},
      { status: 'archived' },
      { extra: 1 },
      { assignee: 'a\nb' },
      { tags: ['a,b'] },
      { note: '' },
    ]) {
      expect(() => parseTriagePatch(bad), JSON.stringify(bad)).toThrow(ValidationError);
    }
  });

  it('reads If-Match as a bare, quoted or weak version', () => {
    expect(parseIfMatch('3')).toBe(3);
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('W/"12"')).toBe(12);
    expect(() => parseIfMatch(undefined)).toThrow(PreconditionRequiredError);
    expect(() => parseIfMatch('*')).toThrow(ValidationError);
  });
});

describe('eraseAttachments', () => {
  const files = typicalAttachments();

  it('plans erased records, the objects to delete first, and one history entry naming the ids', () => {
    const plan = planTriage(tip({ attachments: files }), parseTriagePatch({ eraseAttachments: true }), who);

    expect(plan.eraseObjects).toEqual(files.map((a) => a.id));
    expect(plan.set.attachments?.map((a) => [a.id, a.cleaning.status, a.sizeBytes])).toEqual(
      files.map((a) => [a.id, 'erased', 0]),
    );
    expect(plan.history).toEqual([
      { ...who, action: 'attachments-erased', note: files.map((a) => a.id).join(',') },
    ]);
  });

  it('erases only what is not erased yet, and plans nothing for a tip without files', () => {
    const [first, ...rest] = files;
    const once =
      planTriage(tip({ attachments: files }), { eraseAttachments: true }, who).set.attachments ?? [];
    const partly = [once[0], ...rest].filter((a) => a !== undefined);

    expect(planTriage(tip({ attachments: partly }), { eraseAttachments: true }, who).eraseObjects).toEqual(
      rest.map((a) => a.id),
    );
    expect(planTriage(tip({ attachments: once }), { eraseAttachments: true }, who)).toEqual({
      set: {},
      remove: [],
      history: [],
    });
    expect(planTriage(tip(), { eraseAttachments: true }, who).history).toEqual([]);
    expect(first?.cleaning.status).toBe('cleaned');
  });

  it('takes only true', () => {
    expect(() => parseTriagePatch({ eraseAttachments: false })).toThrow(ValidationError);
    expect(() => parseTriagePatch({ eraseAttachments: 'yes' })).toThrow(ValidationError);
  });
});
