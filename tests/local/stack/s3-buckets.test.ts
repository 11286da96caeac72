import { GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { ensureBucket } from '../../../local/stack/buckets';
import type { LocalStack } from '../../../local/stack/stack';
import { startTestStack } from '../../support/test-stack';

describe('the local stack runs an S3 server with the attachment buckets', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('s3');
  });
  afterAll(async () => stack?.stop());

  it("gives the functions S3_ENDPOINT and both buckets' names, and the buckets exist", async () => {
    expect(stack.env.S3_ENDPOINT).toBe(stack.s3Url);
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.env.S3_ENDPOINT });
    for (const bucket of [stack.env.UPLOADS_BUCKET, stack.env.CLEAN_BUCKET]) {
      const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      expect(head.$metadata.httpStatusCode).toBe(200);
    }
    s3.destroy();
  });

  it('the client of aws-clients.ts stores and reads back bytes, by path', async () => {
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
    const key = `uploads/${crypto.randomUUID()}`;
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]);

    await s3.send(new PutObjectCommand({ Bucket: stack.env.UPLOADS_BUCKET, Key: key, Body: bytes }));
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.env.UPLOADS_BUCKET, Key: key }));

    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).toEqual(bytes);
    s3.destroy();
  });

  it('ensureBucket creates a bucket once and finds it the next time', async () => {
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
    const bucket = `ensure-${Date.now()}`;

    expect(await ensureBucket(s3, bucket)).toBe('created');
    expect(await ensureBucket(s3, bucket)).toBe('existed');
    s3.destroy();
  });

  it('ensureBucket called by several stacks at once creates the bucket once and fails none of them', async () => {
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
    const bucket = `race-${Date.now()}`;

    const outcomes = await Promise.all(Array.from({ length: 4 }, () => ensureBucket(s3, bucket)));

    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'existed')).toHaveLength(3);
    s3.destroy();
  });

  it('refuses a bucket name S3 would refuse before anything starts', async () => {
    await expect(startTestStack('s3-bad', { env: { UPLOADS_BUCKET: 'Not_A_Bucket' } })).rejects.toThrow(
      /UPLOADS_BUCKET/,
    );
  });
});

describe("the local uploads bucket's CORS: the gateway's origin only, as infra gives CloudFront's", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('s3-cors');
  });
  afterAll(async () => stack?.stop());

  const preflight = (origin: string) =>
    fetch(`${stack.s3Url}/${stack.env.UPLOADS_BUCKET}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it("lets the form's page (the gateway, by either name) post a file, and no other origin", async () => {
    const { port } = new URL(stack.apiUrl);
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const res = await preflight(origin);
      expect(res.status, origin).toBe(200);
      expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    }
    expect((await preflight('http://evil.example')).status).toBe(403);
    expect((await preflight('http://127.0.0.1:1')).status).toBe(403);
  });

  it('names its buckets after its tips table, so stacks on one server never share a CORS rule', () => {
    const table = stack.env.TIPS_TABLE as string;
    expect(stack.env.UPLOADS_BUCKET).toBe(`${table}-uploads`);
    expect(stack.env.CLEAN_BUCKET).toBe(`${table}-clean`);
  });
});
