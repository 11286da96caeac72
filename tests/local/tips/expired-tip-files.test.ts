import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import type { TipRecord } from '#core/tips/tip-record';
import { cleanKey, originalKey } from '#core/uploads/storage-layout';
import { typicalAttachments } from '../../support/attachment-fixtures';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

const DAY_MS = 86_400_000;

describe('retention reaches the files: a tip TTL deletes takes its attachments with it', () => {
  let s: StaffStack;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    s = await startStaffStack('expired-files');
    s3 = makeS3Client({ region: 'us-east-1', endpoint: s.stack.s3Url });
    bucket = s.stack.env.CLEAN_BUCKET as string;
  });
  afterAll(async () => {
    s3?.destroy();
    await s?.stop();
  });

  /** A tip with files, expiring `days` from now (the way intake and triage set expiresAt). */
  async function tipWithFiles(days: number): Promise<TipRecord> {
    const suffix = Math.random().toString(36).slice(2, 8);
    const attachments = typicalAttachments().map((a) => ({ ...a, id: `${a.id}-${suffix}` }));
    const tip = {
      ...seedTip({ createdAt: new Date(), attachments }),
      expiresAt: Math.floor((Date.now() + days * DAY_MS) / 1000),
    };
    await batchWriteTips(s.doc, s.tableName, [tip]);
    for (const a of attachments) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: cleanKey(a.id), Body: `clean ${a.id}` }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: originalKey(a.id), Body: `orig ${a.id}` }));
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
    (await s.doc.send(new GetCommand({ TableName: s.tableName, Key: { id }, ConsistentRead: true }))).Item;

  it('TTL deleting the item (the local sweep: dynalite has no TTL) deletes every copy and original', async () => {
    const tip = await tipWithFiles(30);
    expect(await exists(cleanKey(tip.attachments?.[0]?.id ?? ''))).toBe(true);

    expect(await s.stack.expireTips(new Date(Date.now() + 31 * DAY_MS))).toBeGreaterThanOrEqual(1);
    await s.stack.expiryFeed.drained();

    expect(await stored(tip.id)).toBeUndefined();
    for (const key of keysOf(tip)) expect(await exists(key), key).toBe(false);
  });

  it('a tip under legal hold has no expiresAt: the sweep keeps it and its files; the tip next to it goes', async () => {
    const held = await tipWithFiles(30);
    const dismissed = await tipWithFiles(30);
    const hold = await s.patch<TipRecord>(held.id, { legalHold: true }, held.version);
    expect(hold.status).toBe(200);
    expect(await stored(held.id)).not.toHaveProperty('expiresAt');

    // Ten years on: everything with an expiresAt has gone.
    await s.stack.expireTips(new Date(Date.now() + 3650 * DAY_MS));
    await s.stack.expiryFeed.drained();

    expect(await stored(held.id)).toMatchObject({ id: held.id, legalHold: true });
    for (const key of keysOf(held)) expect(await exists(key), key).toBe(true);
    expect(await stored(dismissed.id)).toBeUndefined();
    for (const key of keysOf(dismissed)) expect(await exists(key), key).toBe(false);
  });

  it('a tip not expired yet is left alone, files and all', async () => {
    const tip = await tipWithFiles(30);

    await s.stack.expireTips(new Date(Date.now() + 29 * DAY_MS));
    await s.stack.expiryFeed.drained();

    expect(await stored(tip.id)).toMatchObject({ id: tip.id });
    for (const key of keysOf(tip)) expect(await exists(key)).toBe(true);
  });
});
