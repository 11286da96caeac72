import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeUploadGrants, type UploadGrant } from '#core/uploads/upload-grant';
import { applyUploadCors, ensureBucket } from '../../../local/stack/buckets';

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

  it('a file over content-length-range is refused as S3 does: 400 EntityTooLarge, nothing stored', async () => {
    // s3rver itself enforces no policy; the local stack's postPolicyMiddleware stands in for S3's check.
    await ensureBucket(s3, bucket);
    const grant = await grants.grant(NONCE);

    const res = await post(grant, Buffer.alloc(1025, 7));

    expect(res.status).toBe(400);
    const xml = await res.text();
    expect(xml).toContain('<Code>EntityTooLarge</Code>');
    expect(xml).toContain('<MaxSizeAllowed>1024</MaxSizeAllowed>');
    await expect(stored(grants.objectKey(grant.uploadId, NONCE))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('an empty file is refused with 400 EntityTooSmall (the range starts at 1 byte)', async () => {
    await ensureBucket(s3, bucket);
    const grant = await grants.grant(NONCE);

    const res = await post(grant, Buffer.alloc(0));

    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>EntityTooSmall</Code>');
    await expect(stored(grants.objectKey(grant.uploadId, NONCE))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it("the refusal carries the bucket's CORS headers, so the form can read it", async () => {
    await ensureBucket(s3, bucket);
    await applyUploadCors(s3, bucket, ['http://127.0.0.1:9999']);
    const grant = await grants.grant(NONCE);
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
    form.append('file', new Blob([Buffer.alloc(2000, 1)]), 'file');

    const res = await fetch(grant.url, {
      method: 'POST',
      body: form,
      headers: { origin: 'http://127.0.0.1:9999' },
    });

    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:9999');
  });
});
