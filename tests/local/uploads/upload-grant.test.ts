import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeUploadGrants, type UploadGrant } from '#core/uploads/upload-grant';
import { ensureBucket } from '../../../local/stack/buckets';

const s3 = makeS3Client({ region: 'us-east-1', endpoint: inject('s3Url') });
const bucket = `uploads-${Date.now()}`;
const grants = makeUploadGrants({
  s3,
  bucket,
  secret: 'local-upload-id-secret-0123456789abcdef',
  maxFileBytes: 1024,
});
const NONCE = 'local-form-nonce';

afterAll(() => s3.destroy());

/** What the form's script does: the signed fields, then the file, as multipart/form-data. */
function post(grant: UploadGrant, bytes: Buffer): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
  form.append('file', new Blob([bytes]), 'photo.jpg');
  return fetch(grant.url, { method: 'POST', body: form });
}

async function stored(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

describe('a presigned POST against the local S3 server (s3rver)', () => {
  it('a file within the limit is stored under the key its upload id names', async () => {
    await ensureBucket(s3, bucket);
    const grant = await grants.grant(NONCE);
    const bytes = Buffer.alloc(1024, 7);

    const res = await post(grant, bytes);

    expect(res.status).toBe(204);
    expect(await stored(grants.objectKey(grant.uploadId, NONCE))).toEqual(bytes);
  });

  it('s3rver does NOT enforce the policy: a file over content-length-range is stored (S3 answers 400 EntityTooLarge)', async () => {
    // What the docs say of the local stack, held here: if s3rver starts enforcing, this fails
    // and the limit can be tested locally instead.
    await ensureBucket(s3, bucket);
    const grant = await grants.grant(NONCE);

    const res = await post(grant, Buffer.alloc(1025, 7));

    expect(res.status).toBe(204);
    expect((await stored(grants.objectKey(grant.uploadId, NONCE))).length).toBe(1025);
  });
});
