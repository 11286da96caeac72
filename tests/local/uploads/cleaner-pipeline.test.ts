import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Attachment } from '#core/attachments/attachment-record';
import { cleanerConfigSchema } from '#core/config/cleaner-config';
import { loadConfig } from '#core/config/load-config';
import { makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { RECEIPT_INDEX } from '#core/tips/table-design';
import type { TipRecord } from '#core/tips/tip-record';
import { SIZE_ATTRIBUTE, storedTipItem } from '#core/tips/tip-store';
import { UNREADABLE_REASON } from '#core/uploads/clean-upload';
import { uploadGrantSchema } from '#core/uploads/request-upload';
import { ATTACHED_TAG, cleanKey, originalKey, uploadKey } from '#core/uploads/storage-layout';
import { cleanerFromConfig } from '../../../functions/cleaner/wiring';
import type { LocalStack } from '../../../local/stack/stack';
import { exiftoolRead, identifyingTags, SOURCE, sourceJpeg } from '../../support/attachment-files';
import { captureOutput } from '../../support/capture-output';
import { validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import { startTestStack } from '../../support/test-stack';

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** A page that runs script, named like a photo: a browser must never get it as HTML. */
const HTML_AS_JPG = Buffer.from(
  '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
);

/** What a test needs of one running stack: upload, submit, read back as staff and from storage. */
function pipeline(get: () => LocalStack) {
  let s3: S3Client | undefined;
  const client = () => {
    s3 ??= makeS3Client({ region: 'us-east-1', endpoint: get().s3Url });
    return s3;
  };
  const submission = `form-submission-${Math.random().toString(36).slice(2)}-cleaner`;

  return {
    submission,
    destroy: () => s3?.destroy(),
    /** Asks for a grant and posts the file with it, named as a phone names it. */
    async upload(bytes: Buffer, fileName = 'IMG_20261114_Kherson.jpg') {
      const res = await fetch(`${get().apiUrl}/uploads`, json({ submission }));
      expect(res.status).toBe(201);
      const grant = uploadGrantSchema.parse(await res.json());
      const form = new FormData();
      for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
      form.append('file', new Blob([bytes]), fileName);
      expect((await fetch(grant.url, { method: 'POST', body: form })).status).toBe(204);
      const key = grant.fields.key as string;
      return { uploadId: grant.uploadId, id: key.slice('uploads/'.length) };
    },
    async submit(uploadIds: string[], body: Record<string, unknown> = {}) {
      return fetch(`${get().apiUrl}/tips`, json({ ...validTip(body), submission, attachments: uploadIds }));
    },
    async staffTip(id: string): Promise<TipRecord & { attachments: Attachment[] }> {
      const token = await get().issuer.mint({ user: 'alice' });
      const res = await fetch(`${get().apiUrl}/tips/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as TipRecord & { attachments: Attachment[] };
    },
    async object(bucket: string, key: string) {
      const got = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return {
        bytes: Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array())),
        type: got.ContentType,
      };
    },
    async exists(bucket: string, key: string) {
      return client()
        .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
        .then(() => true)
        .catch((err) => {
          if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
            return false;
          throw err;
        });
    },
    async attachedTag(bucket: string, key: string) {
      const { TagSet = [] } = await client().send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      return TagSet.find((t) => t.Key === ATTACHED_TAG.key)?.Value;
    },
    async keys(bucket: string) {
      const { Contents = [] } = await client().send(new ListObjectsV2Command({ Bucket: bucket }));
      return Contents.map((c) => c.Key);
    },
  };
}

/** The event S3 sends for a new upload, as the cleaner gets it a second time. */
const createdEvent = (bucket: string, id: string): S3Event =>
  ({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Post',
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: uploadKey(id), size: 1 },
        },
      },
    ],
  }) as unknown as S3Event;

describe('the cleaner pipeline on the local stack: upload → S3 event → cleaner → the tip (issue 12)', () => {
  let stack: LocalStack;
  const p = pipeline(() => stack);

  beforeAll(async () => {
    silenceFunctions();
    stack = await startTestStack('cleaner-pipeline', { ownS3: true, retryDelayMs: 1 });
  });
  afterAll(async () => {
    p.destroy();
    await stack?.stop();
  });

  const bucket = (name: 'UPLOADS_BUCKET' | 'CLEAN_BUCKET') => stack.env[name] as string;
  async function rawTip(tipId: string): Promise<Record<string, unknown>> {
    const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const { Item = {} } = await dynamo.doc.send(
      new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id: tipId }, ConsistentRead: true }),
    );
    dynamo.client.destroy();
    return Item;
  }
  /** The item's size as storedTipItem measures it (what a staff change would write). */
  const measured = (raw: Record<string, unknown>) =>
    storedTipItem(raw as unknown as TipRecord, raw[RECEIPT_INDEX.partitionKey] as string)[
      SIZE_ATTRIBUTE
    ] as number;

  it('cleans a photo before its tip arrives: the tip gets the record, staff the clean copy, the upload goes', async () => {
    const photo = sourceJpeg();
    expect(identifyingTags(exiftoolRead(photo, 'jpg'))).toHaveProperty(['GPS:GPSLatitude']);
    const { uploadId, id } = await p.upload(photo);
    await stack.uploadFeed?.drained();
    // Cleaned and gone from the uploads bucket before the reader even sends the tip.
    expect(await p.exists(bucket('UPLOADS_BUCKET'), uploadKey(id))).toBe(false);

    const res = await p.submit([uploadId]);
    expect(res.status).toBe(201);
    const tip = await p.staffTip(((await res.json()) as { id: string }).id);

    const clean = await p.object(bucket('CLEAN_BUCKET'), cleanKey(id));
    expect(tip.attachments).toEqual([
      expect.objectContaining({
        id,
        mime: 'image/jpeg',
        kind: 'photo',
        sizeBytes: clean.bytes.length,
        cleaning: expect.objectContaining({
          status: 'cleaned',
          removed: expect.arrayContaining(['GPS position', 'camera serial number']),
        }),
        scan: { status: 'not-scanned' },
      }),
    ]);
    expect(clean.type).toBe('image/jpeg');
    expect(identifyingTags(exiftoolRead(clean.bytes, 'jpg'))).toEqual({});
    expect(clean.bytes.includes(Buffer.from(SOURCE.name))).toBe(false);
    expect(await p.attachedTag(bucket('CLEAN_BUCKET'), cleanKey(id))).toBe(ATTACHED_TAG.attached);
    // No original is kept by default.
    expect(await p.exists(bucket('CLEAN_BUCKET'), originalKey(id))).toBe(false);
    // The reader's file name is nowhere.
    expect(JSON.stringify(tip)).not.toContain('Kherson');
  });

  it('cleans a photo after its tip is stored: pending first, then the record, the kept size raised with it', async () => {
    const release = stack.uploadFeed?.hold();
    const { uploadId, id } = await p.upload(sourceJpeg());
    const res = await p.submit([uploadId]);
    expect(res.status).toBe(201);
    const tipId = ((await res.json()) as { id: string }).id;
    await stack.feed.drained();
    const before = await p.staffTip(tipId);
    const rawBefore = await rawTip(tipId);
    expect(before.attachments[0]?.cleaning.status).toBe('pending');

    release?.();
    await stack.uploadFeed?.drained();

    const after = await p.staffTip(tipId);
    const clean = await p.object(bucket('CLEAN_BUCKET'), cleanKey(id));
    expect(after.attachments[0]).toMatchObject({
      id,
      mime: 'image/jpeg',
      sizeBytes: clean.bytes.length,
      cleaning: { status: 'cleaned', removed: expect.arrayContaining(['GPS position']) },
    });
    expect(after.version).toBe(before.version);
    expect(await p.exists(bucket('UPLOADS_BUCKET'), uploadKey(id))).toBe(false);
    expect(await p.attachedTag(bucket('CLEAN_BUCKET'), cleanKey(id))).toBe(ATTACHED_TAG.attached);
    // The kept size grew by exactly what the record added to the item.
    const rawAfter = await rawTip(tipId);
    const growth = measured(rawAfter) - measured(rawBefore);
    expect(growth).toBeGreaterThan(50);
    expect((rawAfter[SIZE_ATTRIBUTE] as number) - (rawBefore[SIZE_ATTRIBUTE] as number)).toBe(growth);
  });

  it('a redelivered event changes nothing: the tip, its size and the clean copy stay as they were', async () => {
    const { uploadId, id } = await p.upload(sourceJpeg());
    const res = await p.submit([uploadId]);
    const tipId = ((await res.json()) as { id: string }).id;
    await stack.uploadFeed?.drained();
    const first = await p.staffTip(tipId);
    const firstItem = await rawTip(tipId);
    const copy = await p.object(bucket('CLEAN_BUCKET'), cleanKey(id));
    expect(first.attachments[0]?.cleaning.status).toBe('cleaned');

    const cleaner = cleanerFromConfig(loadConfig(cleanerConfigSchema, stack.env));
    await cleaner(createdEvent(bucket('UPLOADS_BUCKET'), id));
    await cleaner(createdEvent(bucket('UPLOADS_BUCKET'), id));

    expect(await p.staffTip(tipId)).toEqual(first);
    expect(await rawTip(tipId)).toEqual(firstItem);
    expect((await p.object(bucket('CLEAN_BUCKET'), cleanKey(id))).bytes.equals(copy.bytes)).toBe(true);
  });

  it('keeps an HTML page named .jpg inert: refused, served as application/octet-stream, never a photo', async () => {
    const { uploadId, id } = await p.upload(HTML_AS_JPG, 'holiday.jpg');
    await stack.uploadFeed?.drained();
    const res = await p.submit([uploadId]);
    const tip = await p.staffTip(((await res.json()) as { id: string }).id);

    expect(tip.attachments[0]).toMatchObject({
      id,
      kind: 'other',
      sizeBytes: HTML_AS_JPG.length,
      cleaning: { status: 'refused-inert' },
    });
    const stored = await p.object(bucket('CLEAN_BUCKET'), cleanKey(id));
    expect(stored.type).toBe('application/octet-stream');
    expect(stored.bytes.equals(HTML_AS_JPG)).toBe(true);
  });

  it('refuses a second tip naming an upload the first one has (400), and stores nothing for it', async () => {
    const { uploadId } = await p.upload(sourceJpeg());
    expect((await p.submit([uploadId])).status).toBe(201);

    const again = await p.submit([uploadId], { message: `Another text with the same photo ${Date.now()}` });

    expect(again.status).toBe(400);
    expect(((await again.json()) as { issues: unknown[] }).issues).toEqual([
      { path: 'attachments.0', message: 'already sent with another tip' },
    ]);
  });
});

describe('KEEP_ORIGINALS=true on the local stack', () => {
  let stack: LocalStack;
  const p = pipeline(() => stack);

  beforeAll(async () => {
    silenceFunctions();
    stack = await startTestStack('cleaner-originals', { ownS3: true, env: { KEEP_ORIGINALS: 'true' } });
  });
  afterAll(async () => {
    p.destroy();
    await stack?.stop();
  });

  it('keeps the original as received under originals/, tagged with the clean copy once attached', async () => {
    const photo = sourceJpeg();
    const { uploadId, id } = await p.upload(photo);
    await stack.uploadFeed?.drained();
    expect((await p.submit([uploadId])).status).toBe(201);

    const clean = stack.env.CLEAN_BUCKET as string;
    const original = await p.object(clean, originalKey(id));
    expect(original.bytes.equals(photo)).toBe(true);
    expect(original.type).toBe('application/octet-stream');
    expect(identifyingTags(exiftoolRead(original.bytes, 'jpg'))).toHaveProperty(['GPS:GPSLatitude']);
    expect(await p.attachedTag(clean, originalKey(id))).toBe(ATTACHED_TAG.attached);
    expect(await p.exists(stack.env.UPLOADS_BUCKET as string, uploadKey(id))).toBe(false);
  });
});

describe('a file the cleaner crashes on, at every attempt', () => {
  let stack: LocalStack;
  const p = pipeline(() => stack);
  let calls = 0;

  beforeAll(async () => {
    silenceFunctions();
    stack = await startTestStack('cleaner-crash', {
      ownS3: true,
      retryDelayMs: 1,
      // A crash or a timeout of the Lambda (sharp running out of memory on a hostile picture): no
      // real file does that within a test's time, so the cleaning core fails as one would.
      cleaner: {
        clean: async () => {
          calls += 1;
          throw new RangeError('Array buffer allocation failed');
        },
      },
    });
  });
  afterAll(async () => {
    p.destroy();
    await stack?.stop();
  });

  it('is tried twice, then stored as received, never opened: not cleaned, "could not be read", octet-stream', async () => {
    const photo = sourceJpeg();
    const release = stack.uploadFeed?.hold();
    const { uploadId, id } = await p.upload(photo);
    const res = await p.submit([uploadId]);
    const tipId = ((await res.json()) as { id: string }).id;
    release?.();
    await stack.uploadFeed?.drained();

    const tip = await p.staffTip(tipId);
    expect(calls).toBe(2);
    expect(tip.attachments[0]).toMatchObject({
      id,
      mime: 'application/octet-stream',
      kind: 'other',
      sizeBytes: photo.length,
      cleaning: { status: 'not-cleaned', reason: UNREADABLE_REASON },
    });
    const stored = await p.object(stack.env.CLEAN_BUCKET as string, cleanKey(id));
    expect(stored.type).toBe('application/octet-stream');
    expect(stored.bytes.equals(photo)).toBe(true);
    expect(await p.exists(stack.env.UPLOADS_BUCKET as string, uploadKey(id))).toBe(false);
  });
});

describe("the cleaner's logs", () => {
  let stack: LocalStack;
  const p = pipeline(() => stack);

  beforeAll(async () => {
    // Logging on (the other stacks' silenceFunctions undone): what the cleaner writes is what is checked.
    vi.unstubAllEnvs();
    stack = await startTestStack('cleaner-logs', { ownS3: true });
  });
  afterAll(async () => {
    p.destroy();
    await stack?.stop();
  });

  it("name the object, its type, sizes and what was removed, never the file's name or what it said", async () => {
    let id = '';
    const output = await captureOutput(async () => {
      const uploaded = await p.upload(sourceJpeg(), `IMG_20261114_Kherson_${SOURCE.name}.jpg`);
      id = uploaded.id;
      await stack.uploadFeed?.drained();
    });

    const line = output.split('\n').find((l) => l.includes('upload cleaned'));
    expect(line && JSON.parse(line)).toMatchObject({
      id,
      status: 'cleaned',
      mime: 'image/jpeg',
      uploadBytes: expect.any(Number),
      cleanBytes: expect.any(Number),
      removed: expect.arrayContaining(['GPS position']),
    });
    for (const secret of ['Kherson', SOURCE.name, SOURCE.serial, SOURCE.latitude, SOURCE.software])
      expect(output.includes(secret), secret).toBe(false);
  });
});
