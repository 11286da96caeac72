import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeUploadGrants } from '#core/uploads/upload-grant';
import { makeVerifyUploads } from '#core/uploads/verify-uploads';
import { ensureBucket } from '../../../local/stack/buckets';

const s3 = makeS3Client({ region: 'us-east-1', endpoint: inject('s3Url') });
const bucket = `verify-${Date.now()}`;
const grants = makeUploadGrants({
  s3,
  bucket,
  secret: 'verify-upload-id-secret-0123456789abcdef',
  maxFileBytes: 100,
});
const verify = makeVerifyUploads({ s3, bucket, grants, maxFiles: 3, maxFileBytes: 100, maxTotalBytes: 150 });
const NONCE = 'this-submission-01';
const OTHER = 'other-submission-02';

beforeAll(() => ensureBucket(s3, bucket));
afterAll(() => s3.destroy());

/** An upload as the browser makes it: a grant, then the object under its key. */
async function uploaded(bytes: number, nonce = NONCE): Promise<string> {
  const grant = await grants.grant(nonce);
  await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: grant.fields.key, Body: Buffer.alloc(bytes, 1) }),
  );
  return grant.uploadId;
}

describe("verifying a tip's upload ids against the uploads bucket (local S3)", () => {
  it("accepts this submission's finished uploads, with the sizes S3 measured", async () => {
    const ids = [await uploaded(10), await uploaded(100)];

    const verified = await verify(ids, NONCE);

    expect(verified.map((v) => v.bytes)).toEqual([10, 100]);
    expect(verified.map((v) => v.uploadId)).toEqual(ids);
    expect(verified.every((v) => v.key.startsWith('uploads/'))).toBe(true);
  });

  it("refuses another submission's upload (400), naming the file", async () => {
    const mine = await uploaded(10);
    const theirs = await uploaded(10, OTHER);

    await expect(verify([mine, theirs], NONCE)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments.1', message: 'not an upload of this submission' }],
    });
  });

  it('takes the 403 S3 gives a caller without s3:ListBucket for a missing object as missing, not a 500', async () => {
    // s3rver checks no permission, so the answer S3 gives intake's role (no ListBucket) is made here.
    const forbidding = makeS3Client({ region: 'us-east-1', endpoint: inject('s3Url') });
    forbidding.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('Forbidden'), { name: '403', $metadata: { httpStatusCode: 403 } });
      },
      { step: 'finalizeRequest', name: 'forbidden-head' },
    );
    const verifyAs = makeVerifyUploads({ s3: forbidding, bucket, grants, maxFileBytes: 100 });
    const grant = await grants.grant(NONCE);

    await expect(verifyAs([grant.uploadId], NONCE)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments.0', message: 'no such upload: not finished, or expired' }],
    });
    forbidding.destroy();
  });

  it('refuses a granted upload whose object is missing (never posted, or expired)', async () => {
    const grant = await grants.grant(NONCE);

    await expect(verify([grant.uploadId], NONCE)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments.0', message: 'no such upload: not finished, or expired' }],
    });
  });

  it('refuses more files than the limit, and the same file twice', async () => {
    const id = await uploaded(1);
    await expect(verify([id, id, id, id], NONCE)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments', message: 'at most 3 files per tip' }],
    });
    await expect(verify([id, id], NONCE)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments.1', message: 'the same file twice' }],
    });
  });

  it('refuses a file over the per-file limit put past any policy (verify checks the size itself)', async () => {
    const big = await uploaded(101);

    await expect(verify([big], NONCE)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments.0', message: 'must be 1 to 100 bytes' }],
    });
  });

  it('refuses files within the per-file limit that are over the per-tip total together', async () => {
    const ids = [await uploaded(100), await uploaded(60)];

    await expect(verify(ids, NONCE)).rejects.toMatchObject({
      name: 'ValidationError',
      issues: [{ path: 'attachments', message: 'at most 150 bytes per tip together' }],
    });
  });
});
