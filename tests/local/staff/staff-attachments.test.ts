import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tipListSchema } from '#core/staff/tip-summary';
import { tipRecordSchema } from '#core/tips/tip-record';
import { typicalAttachments } from '../../support/attachment-fixtures';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

describe('attachments through the staff API', () => {
  let s: StaffStack;
  const withFiles = seedTip({
    createdAt: new Date('2026-11-25T08:00:00Z'),
    topic: 'asia-pacific',
    attachments: typicalAttachments(),
  });
  // A tip stored before attachments existed: no attribute at all.
  const old = seedTip({ createdAt: new Date('2026-11-25T07:00:00Z'), topic: 'asia-pacific' });

  beforeAll(async () => {
    s = await startStaffStack('staff-attachments');
    await batchWriteTips(s.doc, s.tableName, [withFiles, old]);
  });
  afterAll(async () => s?.stop());

  const get = async (path: string) => {
    const res = await fetch(`${s.stack.apiUrl}${path}`, { headers: s.auth });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('GET /tips/{id} answers with the records as stored, valid by the Tip schema', async () => {
    const { status, body } = await get(`/tips/${withFiles.id}`);

    expect(status).toBe(200);
    const tip = tipRecordSchema.parse(body);
    expect(tip.attachments).toEqual(withFiles.attachments);
    expect(tip.attachments?.map((a) => [a.kind, a.cleaning.status, a.scan.status])).toEqual([
      ['photo', 'cleaned', 'not-scanned'],
      ['photo', 'cleaned', 'not-scanned'],
      ['video', 'cleaned', 'not-scanned'],
      ['document', 'not-cleaned', 'not-scanned'],
    ]);
  });

  it('an old tip without attachments reads as before, and the list carries them in the summaries', async () => {
    const one = await get(`/tips/${old.id}`);
    const list = await get('/tips?topic=asia-pacific');

    expect(one.status).toBe(200);
    expect(tipRecordSchema.parse(one.body).attachments).toBeUndefined();
    expect(list.status).toBe(200);
    const { items } = tipListSchema.parse(list.body);
    expect(items.map((t) => [t.id, t.attachments?.length])).toEqual([
      [withFiles.id, 4],
      [old.id, undefined],
    ]);
  });
});
