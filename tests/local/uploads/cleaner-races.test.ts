import { GetObjectTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StoreUnavailableError } from '#core/http/errors';
import { makeSubmitTip } from '#core/intake/submit-tip';
import { makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { makeTriageTip } from '#core/staff/triage-tip';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import type { TipStore } from '#core/tips/tip-store';
import { makeTipStore } from '#core/tips/tip-store';
import { makeAttachToTip } from '#core/uploads/attach-to-tip';
import { makeMarkAttached } from '#core/uploads/attached-tag';
import { makeAttachmentClaims } from '#core/uploads/attachment-claims';
import { makeAttachmentObjects } from '#core/uploads/attachment-objects';
import { makeCleanUpload, TipNotStoredError } from '#core/uploads/clean-upload';
import { ATTACHED_TAG, cleanKey } from '#core/uploads/storage-layout';
import { makeUploadGrants } from '#core/uploads/upload-grant';
import { makeVerifyUploads } from '#core/uploads/verify-uploads';
import { ensureBucket } from '../../../local/stack/buckets';
import { ensureTable, guardTableInput, tipsTableInput } from '../../../local/stack/tables';
import { sourceJpeg } from '../../support/attachment-files';
import { validTip } from '../../support/local-env';

// Intake and the cleaner on the run's dynalite and S3 server, their failures real ones: a
// guard table that does not answer is a client pointed at a closed port.
const run = Date.now();
const TIPS = `cleaner-races-${run}`;
const GUARD = `cleaner-races-guard-${run}`;
const UPLOADS = `cleaner-races-${run}-uploads`;
const CLEAN = `cleaner-races-${run}-clean`;
const SECRET = 'races-test-client-hash-secret-0123456789abc';
const NONCE = 'form-submission-races-0123456';

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
const receiptKeys = makeReceiptKeys('races-test-receipt-secret-0123456789abcdef');
const submitWith = (tipStore: TipStore, tipClaims = claims) =>
  makeSubmitTip({
    store: tipStore,
    receiptKeys,
    verifyUploads,
    attachmentClaims: { claims: tipClaims, markAttached },
  });

/** An upload as the browser leaves it: granted to NONCE, the photo in the uploads bucket. */
async function uploaded() {
  const grant = await grants.grant(NONCE);
  const key = grant.fields.key as string;
  await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: key, Body: sourceJpeg() }));
  return { uploadId: grant.uploadId, id: key.slice('uploads/'.length) };
}

const tipWith = (uploadIds: string[]) => ({ ...validTip(), submission: NONCE, attachments: uploadIds });

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

describe('intake and the cleaner, whichever finishes first, and when either fails', () => {
  it("the cleaner finishing between intake's claim and its PutItem fails the event, and the retry applies", async () => {
    const { uploadId, id } = await uploaded();
    // Intake has claimed the file for its tip (the tip's id is made before the write)...
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const slowStore: TipStore = {
      ...store,
      async putTip(tip, key) {
        await held;
        return store.putTip(tip, key);
      },
    };
    const submitting = submitWith(slowStore)(tipWith([uploadId]));
    await expect.poll(async () => (await claims.read(id))?.tipId).toEqual(expect.any(String));

    // ...and the cleaner finishes before the tip is stored: its event fails, to be retried.
    await expect(cleanUpload(id, { uploadedAt: new Date() })).rejects.toBeInstanceOf(TipNotStoredError);
    release();
    const { tip } = await submitting;
    expect(tip.attachments?.[0]?.cleaning.status).toBe('pending');

    const retried = await cleanUpload(id, { uploadedAt: new Date() });

    expect(retried).toMatchObject({ attached: 'applied', resumed: true, status: 'cleaned' });
    expect((await store.getTip(tip.id, { consistent: true })).attachments?.[0]).toMatchObject({
      id,
      cleaning: { status: 'cleaned' },
    });
  });

  it("intake's PutItem failing gives the claims back: the reader's retry gets the file, on one tip", async () => {
    const { uploadId, id } = await uploaded();
    await cleanUpload(id, { uploadedAt: new Date() });
    const downStore: TipStore = {
      ...store,
      async putTip() {
        throw new StoreUnavailableError(5);
      },
    };

    await expect(submitWith(downStore)(tipWith([uploadId]))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await claims.read(id))?.tipId).toBeUndefined();

    const { tip } = await submitWith(store)(tipWith([uploadId]));
    expect((await claims.read(id))?.tipId).toBe(tip.id);
    // Cleaned before the tip came: the tip is stored with the record, not pending.
    expect((await store.getTip(tip.id, { consistent: true })).attachments?.[0]).toMatchObject({
      id,
      mime: 'image/jpeg',
      cleaning: { status: 'cleaned' },
    });
  });

  it('a guard table that does not answer refuses the tip with 503 before anything is stored; the cleaner applies later', async () => {
    const { uploadId, id } = await uploaded();
    const dead = makeDynamoClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' });
    const deadClaims = makeAttachmentClaims({ doc: dead.doc, tableName: GUARD });
    let stored = 0;
    const countingStore: TipStore = {
      ...store,
      async putTip(tip, key) {
        stored += 1;
        return store.putTip(tip, key);
      },
    };

    await expect(submitWith(countingStore, deadClaims)(tipWith([uploadId]))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    dead.client.destroy();
    expect(stored).toBe(0);

    // The reader retries once the table answers; the cleaner, arriving after, applies its record.
    const { tip } = await submitWith(countingStore)(tipWith([uploadId]));
    const cleaned = await cleanUpload(id, { uploadedAt: new Date() });
    expect(cleaned).toMatchObject({ attached: 'applied', resumed: false });
    expect((await store.getTip(tip.id, { consistent: true })).attachments?.[0]?.cleaning.status).toBe(
      'cleaned',
    );
  });
});

describe('a failure after the file was cleaned', () => {
  it('does not count towards giving up on the file: the third attempt still cleans it', async () => {
    // S3 refusing the clean copy twice (a throttle s3rver cannot be made to answer), then taking it.
    const flaky = makeS3Client({ region: 'us-east-1', endpoint: inject('s3Url') });
    let refusals = 2;
    flaky.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Bucket?: string };
        if (context.commandName === 'PutObjectCommand' && input.Bucket === CLEAN && refusals > 0) {
          refusals -= 1;
          throw Object.assign(new Error('Please reduce your request rate.'), {
            name: 'SlowDown',
            $fault: 'server',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'slowDownTwice' },
    );
    const cleanFlaky = makeCleanUpload({
      s3: flaky,
      uploadsBucket: UPLOADS,
      cleanBucket: CLEAN,
      claims,
      attachToTip: makeAttachToTip({ doc: dynamo.doc, tableName: TIPS }),
      markAttached,
    });
    const { id } = await uploaded();

    await expect(cleanFlaky(id, { uploadedAt: new Date() })).rejects.toThrow('reduce your request rate');
    await expect(cleanFlaky(id, { uploadedAt: new Date() })).rejects.toThrow('reduce your request rate');
    const third = await cleanFlaky(id, { uploadedAt: new Date() });
    flaky.destroy();

    expect(third).toMatchObject({ status: 'cleaned', mime: 'image/jpeg' });
    expect((await claims.read(id))?.attempts).toBe(0);
  });
});

describe('an editor erasing the attachments while a file is still being cleaned', () => {
  it('the cleaner leaves the record erased and its copy unattached (the lifecycle rule deletes it)', async () => {
    const { uploadId, id } = await uploaded();
    const { tip } = await submitWith(store)(tipWith([uploadId]));
    expect(tip.attachments?.[0]?.cleaning.status).toBe('pending');
    // The editor erases before the cleaner has run: nothing is in the clean bucket yet.
    const erased = await makeTriageTip({
      store,
      attachmentObjects: makeAttachmentObjects({ s3, bucket: CLEAN }),
    })({ id: tip.id, expectedVersion: tip.version, patch: { eraseAttachments: true }, by: 'alice' });
    expect(erased.attachments?.[0]?.cleaning.status).toBe('erased');

    const result = await cleanUpload(id, { uploadedAt: new Date() });

    expect(result).toMatchObject({ attached: 'erased', status: 'cleaned' });
    expect((await store.getTip(tip.id, { consistent: true })).attachments?.[0]).toMatchObject({
      id,
      sizeBytes: 0,
      cleaning: { status: 'erased' },
    });
    // Never tagged attached: the clean bucket's rule for unattached copies expires it. (s3rver
    // drops PutObject's tagging header, so the cleaner's `no` is not there to read locally.)
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: CLEAN, Key: cleanKey(id) }));
    expect(tags.TagSet ?? []).not.toContainEqual({ Key: ATTACHED_TAG.key, Value: ATTACHED_TAG.attached });
  });
});
