import { GetObjectTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeSubmitTip } from '#core/intake/submit-tip';
import { makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { makeFollowUp } from '#core/receipts/follow-up';
import { makeReceiptStore } from '#core/receipts/receipt-store';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { makeTipStore } from '#core/tips/tip-store';
import { makeAttachToTip } from '#core/uploads/attach-to-tip';
import { makeMarkAttached } from '#core/uploads/attached-tag';
import { makeAttachmentClaims } from '#core/uploads/attachment-claims';
import { makeCleanUpload } from '#core/uploads/clean-upload';
import { makeUploadGrants } from '#core/uploads/upload-grant';
import { makeVerifyUploads } from '#core/uploads/verify-uploads';
import { ensureBucket } from '../../../local/stack/buckets';
import { ensureTable, guardTableInput, tipsTableInput } from '../../../local/stack/tables';
import { sourceJpeg } from '../../support/attachment-files';
import { validTip } from '../../support/local-env';

// The follow-up's files and the cleaner on the run's dynalite and S3 server, as intake's are in
// tests/local/uploads/cleaner-races.test.ts: whichever finishes first, the record ends on the tip.
const run = Date.now();
const TIPS = `follow-up-cleaner-${run}`;
const GUARD = `follow-up-cleaner-guard-${run}`;
const UPLOADS = `follow-up-cleaner-${run}-uploads`;
const CLEAN = `follow-up-cleaner-${run}-clean`;
const SECRET = 'follow-up-cleaner-client-hash-secret-0123456';
const NONCE = 'follow-up-cleaner-nonce-012345';

const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: inject('dynamoUrl') });
const s3 = makeS3Client({ region: 'us-east-1', endpoint: inject('s3Url') });
const claims = makeAttachmentClaims({ doc: dynamo.doc, tableName: GUARD });
const store = makeTipStore({ doc: dynamo.doc, tableName: TIPS });
const grants = makeUploadGrants({ s3, bucket: UPLOADS, secret: SECRET });
const verifyUploads = makeVerifyUploads({ s3, bucket: UPLOADS, grants, claims });
const markAttached = makeMarkAttached({ s3, bucket: CLEAN });
const cleanUpload = makeCleanUpload({
  s3,
  uploadsBucket: UPLOADS,
  cleanBucket: CLEAN,
  claims,
  attachToTip: makeAttachToTip({ doc: dynamo.doc, tableName: TIPS }),
  markAttached,
});
const receiptKeys = makeReceiptKeys('follow-up-cleaner-receipt-secret-0123456789');
const submitTip = makeSubmitTip({
  store,
  receiptKeys,
  verifyUploads,
  attachmentClaims: { claims, markAttached },
});
const followUp = makeFollowUp({
  receipts: makeReceiptStore({ doc: dynamo.doc, tableName: TIPS, receiptKeys }),
  verifyUploads,
  attachmentClaims: { claims, markAttached },
});

async function uploaded() {
  const grant = await grants.grant(NONCE);
  const key = grant.fields.key as string;
  await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: sourceJpeg() }));
  return { uploadId: grant.uploadId, id: key.slice('uploads/'.length) };
}

/** A tip with one file of its own, so a follow-up's file goes at position 1. */
async function tipWithOneFile() {
  const own = await uploaded();
  const { tip, receipt } = await submitTip({ ...validTip(), submission: NONCE, attachments: [own.uploadId] });
  return { tip, receipt };
}

const tagsOf = async (id: string) =>
  (await s3.send(new GetObjectTaggingCommand({ Bucket: CLEAN, Key: `clean/${id}` }))).TagSet ?? [];

beforeAll(async () => {
  await ensureTable(dynamo.client, tipsTableInput(TIPS));
  await ensureTable(dynamo.client, guardTableInput(GUARD));
  await ensureBucket(s3, UPLOADS);
  await ensureBucket(s3, CLEAN);
});
afterAll(() => {
  dynamo.client.destroy();
  s3.destroy();
});

describe('files added by receipt code meet the cleaner as a new tip’s do', () => {
  it('cleaned after the follow-up: the cleaner finds the tip and position in the claim and applies its record there', async () => {
    const { tip, receipt } = await tipWithOneFile();
    const later = await uploaded();

    await followUp.addMessage(receipt, { submission: NONCE, attachments: [later.uploadId] });
    const claim = await claims.read(later.id);
    const cleaned = await cleanUpload(later.id, { uploadedAt: new Date() });

    expect(claim).toMatchObject({ tipId: tip.id, position: 1 });
    expect(cleaned).toBeDefined();
    const stored = await store.getTip(tip.id, { consistent: true });
    expect(stored.attachments?.map((a) => [a.id, a.cleaning.status])).toEqual([
      [tip.attachments?.[0]?.id, 'pending'],
      [later.id, 'cleaned'],
    ]);
  });

  it('cleaned before the follow-up (the upload is gone): accepted by its claim and recorded as cleaned', async () => {
    const { tip, receipt } = await tipWithOneFile();
    const early = await uploaded();
    await cleanUpload(early.id, { uploadedAt: new Date() });

    await followUp.addMessage(receipt, {
      message: 'The photo, cleaned already',
      submission: NONCE,
      attachments: [early.uploadId],
    });

    const stored = await store.getTip(tip.id, { consistent: true });
    expect(stored.attachments?.[1]).toMatchObject({
      id: early.id,
      cleaning: { status: 'cleaned' },
      mime: 'image/jpeg',
    });
    // Its clean copy is tagged attached, so the lifecycle rule for unattached copies leaves it.
    expect(await tagsOf(early.id)).toContainEqual({ Key: 'tipline-attached', Value: 'yes' });
    expect(await claims.read(early.id)).toMatchObject({ tipId: tip.id, position: 1 });
  });

  it('a file another tip has is refused (400): its claim stays with that tip, nothing is appended', async () => {
    const first = await tipWithOneFile();
    const second = await tipWithOneFile();
    const shared = await uploaded();
    await followUp.addMessage(first.receipt, { submission: NONCE, attachments: [shared.uploadId] });

    await expect(
      followUp.addMessage(second.receipt, { submission: NONCE, attachments: [shared.uploadId] }),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments.0', message: 'already sent with another tip' }],
    });
    expect(await claims.read(shared.id)).toMatchObject({ tipId: first.tip.id });
    expect((await store.getTip(second.tip.id, { consistent: true })).attachments).toHaveLength(1);
  });
});
