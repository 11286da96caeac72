import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeTriageTip } from '#core/staff/triage-tip';
import type { TipRecord } from '#core/tips/tip-record';
import { makeTipStore } from '#core/tips/tip-store';
import { makeAttachmentObjects } from '#core/uploads/attachment-objects';
import { cleanKey, originalKey } from '#core/uploads/storage-layout';
import { typicalAttachments } from '../../support/attachment-fixtures';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

describe('eraseAttachments in the staff PATCH: the files go from S3, the records say "erased"', () => {
  let s: StaffStack;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    s = await startStaffStack('erase-files');
    s3 = makeS3Client({ region: 'us-east-1', endpoint: s.stack.s3Url });
    bucket = s.stack.env.CLEAN_BUCKET as string;
  });
  afterAll(async () => {
    s3?.destroy();
    await s?.stop();
  });

  /** A tip with the four typical attachments, their clean copies stored and the photos' originals kept. */
  async function tipWithFiles(over: Partial<TipRecord> = {}): Promise<TipRecord> {
    const suffix = Math.random().toString(36).slice(2, 8);
    const attachments = typicalAttachments().map((a) => ({ ...a, id: `${a.id}-${suffix}` }));
    const tip = { ...seedTip({ createdAt: new Date(), attachments }), ...over };
    await batchWriteTips(s.doc, s.tableName, [tip]);
    for (const a of attachments) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: cleanKey(a.id), Body: `clean ${a.id}` }));
      if (a.kind === 'photo') {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: originalKey(a.id), Body: `orig ${a.id}` }));
      }
    }
    return tip;
  }

  async function exists(key: string): Promise<boolean> {
    return s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      .then(() => true)
      .catch((err: { $metadata?: { httpStatusCode?: number } }) => {
        if (err.$metadata?.httpStatusCode === 404) return false;
        throw err;
      });
  }

  const keysOf = (tip: TipRecord) =>
    (tip.attachments ?? []).flatMap((a) => [cleanKey(a.id), originalKey(a.id)]);
  const stored = async (id: string) =>
    (await s.doc.send(new GetCommand({ TableName: s.tableName, Key: { id }, ConsistentRead: true })))
      .Item as TipRecord;

  it('deletes every clean copy and original, keeps the tip, and records the erasure by id', async () => {
    const tip = await tipWithFiles();
    expect(await exists(cleanKey(tip.attachments?.[0]?.id ?? ''))).toBe(true);

    const res = await s.patch<TipRecord>(tip.id, { eraseAttachments: true }, tip.version);

    expect(res.status).toBe(200);
    for (const key of keysOf(tip)) expect(await exists(key), key).toBe(false);
    const after = await stored(tip.id);
    expect(after.message).toBe(tip.message);
    expect(after.attachments?.map((a) => [a.id, a.cleaning.status, a.sizeBytes, a.mime, a.kind])).toEqual(
      tip.attachments?.map((a) => [a.id, 'erased', 0, 'application/octet-stream', 'other']),
    );
    // Nothing of what the files were: no dimensions, duration or cleaning report.
    expect(JSON.stringify(after.attachments)).not.toMatch(/width|durationSeconds|GPS|cannot clean/);
    expect(res.body.history.at(-1)).toEqual({
      at: expect.any(String),
      by: 'alice',
      action: 'attachments-erased',
      note: tip.attachments?.map((a) => a.id).join(','),
    });
  });

  it('an erased file has no download: 404, and no download entry in the history', async () => {
    const tip = await tipWithFiles();
    const id = tip.attachments?.[0]?.id ?? '';
    const before = await fetch(`${s.stack.apiUrl}/tips/${tip.id}/attachments/${id}/download`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(before.status).toBe(200);
    const { version } = (await before.json()) as { version: number };
    expect((await s.patch(tip.id, { eraseAttachments: true }, version)).status).toBe(200);

    const after = await fetch(`${s.stack.apiUrl}/tips/${tip.id}/attachments/${id}/download`, {
      method: 'POST',
      headers: { ...s.auth, 'content-type': 'application/json' },
      body: '{}',
    });

    expect(after.status).toBe(404);
    expect((await stored(tip.id)).history.filter((h) => h.action === 'download')).toHaveLength(1);
  });

  it('the inbox data, the CSV export and a second erase all see "erased" (the second is a no-op)', async () => {
    const tip = await tipWithFiles();
    expect((await s.patch(tip.id, { eraseAttachments: true }, tip.version)).status).toBe(200);

    const again = await s.patch<TipRecord>(tip.id, { eraseAttachments: true }, tip.version + 1);
    const csv = await fetch(`${s.stack.apiUrl}/tips/export?format=csv`, { headers: s.auth });

    expect(again.status).toBe(200);
    // No second history entry: nothing was left to erase.
    expect(again.body.version).toBe(tip.version + 1);
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain(`${tip.attachments?.[0]?.id} erased 0`);
  });

  it('under legal hold the files are erased too, as eraseContact is (the hold only stops retention)', async () => {
    const tip = await tipWithFiles({ legalHold: true });

    const res = await s.patch<TipRecord>(tip.id, { eraseAttachments: true }, tip.version);

    expect(res.status).toBe(200);
    for (const key of keysOf(tip)) expect(await exists(key)).toBe(false);
    expect(res.body.legalHold).toBe(true);
  });

  it('refuses eraseAttachments: false (erasing cannot be undone) and deletes nothing', async () => {
    const tip = await tipWithFiles();

    const res = await s.patch<{ error: { code: string; details?: unknown } }>(
      tip.id,
      { eraseAttachments: false },
      tip.version,
    );

    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('eraseAttachments can only be true');
    for (const a of tip.attachments ?? []) expect(await exists(cleanKey(a.id))).toBe(true);
  });

  it('objects first: a write lost to another editor leaves the records, and the retry erases them', async () => {
    const tip = await tipWithFiles();
    const store = makeTipStore({ doc: s.doc, tableName: s.tableName });
    const objects = makeAttachmentObjects({ s3, bucket });
    let raced = false;
    const triage = makeTriageTip({
      store,
      attachmentObjects: {
        async deleteAll(ids) {
          await objects.deleteAll(ids);
          // Another editor's note lands between the deletion and this write.
          if (!raced) {
            raced = true;
            expect((await s.patch(tip.id, { note: 'calling the source' }, tip.version)).status).toBe(200);
          }
        },
      },
    });

    const first = triage({
      id: tip.id,
      expectedVersion: tip.version,
      patch: { eraseAttachments: true },
      by: 'bob',
    });
    await expect(first).rejects.toMatchObject({ name: 'VersionConflictError' });
    // The files are gone, the records still name them: nothing says "erased" that is not.
    for (const key of keysOf(tip)) expect(await exists(key)).toBe(false);
    expect((await stored(tip.id)).attachments?.every((a) => a.cleaning.status !== 'erased')).toBe(true);

    const retried = await triage({
      id: tip.id,
      expectedVersion: tip.version + 1,
      patch: { eraseAttachments: true },
      by: 'bob',
    });

    expect(retried.attachments?.every((a) => a.cleaning.status === 'erased')).toBe(true);
    expect(retried.history.map((h) => h.action).slice(-2)).toEqual(['note', 'attachments-erased']);
  });
});
