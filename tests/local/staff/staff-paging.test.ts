import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TipRecord } from '#core/tips/tip-record';
import { listAll, type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, tipsOverTime } from '../../support/staff-seed';

describe('paging through 1,000 tips', () => {
  let s: StaffStack;
  let tips: TipRecord[];

  beforeAll(async () => {
    s = await startStaffStack('staff-paging');
    tips = [
      ...tipsOverTime(600, new Date('2026-11-20T12:00:00Z'), { topic: 'europe' }),
      ...tipsOverTime(400, new Date('2026-11-20T12:00:00Z'), { topic: 'middle-east', kind: 'question' }),
    ];
    await batchWriteTips(s.doc, s.tableName, tips);
  });
  afterAll(async () => s?.stop());

  it('limit=37 returns each tip exactly once, newest first, in ceil(1000/37) pages', async () => {
    const { ids, pages } = await listAll(s, '', 37);

    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(ids).toEqual(tips.map((t) => t.id).sort((a, b) => (a < b ? 1 : -1)));
    // 27 full pages and one of 1; DynamoDB may add one empty page when the last one is exactly full.
    expect(pages).toBeGreaterThanOrEqual(28);
    expect(pages).toBeLessThanOrEqual(29);
  });

  it('a filtered list pages the same way', async () => {
    const { ids } = await listAll(s, 'topic=middle-east&kind=question', 37);

    expect(ids).toHaveLength(400);
    expect(new Set(ids).size).toBe(400);
  });
});
