import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { uploadGrantSchema } from '#core/uploads/request-upload';
import type { LocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import { startTestStack } from '../../support/test-stack';

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const SUBMISSION = 'form-submission-attach-0123';
const OTHER_SUBMISSION = 'form-submission-other-4567';
const MAX_FILE_BYTES = 2048;

describe('a tip with attachments on the local stack: POST /uploads, the file to S3, POST /tips with the ids', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    silenceFunctions();
    stack = await startTestStack('tip-attachments', { env: { MAX_FILE_BYTES: String(MAX_FILE_BYTES) } });
  });
  afterAll(async () => stack?.stop());

  /** Asks for a grant and posts `bytes` with it (or nothing, when bytes is undefined). */
  async function upload(submission: string, bytes: Buffer | undefined) {
    const res = await fetch(`${stack.apiUrl}/uploads`, json({ submission }));
    expect(res.status).toBe(201);
    const grant = uploadGrantSchema.parse(await res.json());
    if (bytes) {
      const form = new FormData();
      for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
      form.append('file', new Blob([bytes]), 'IMG_20261114_Kherson.jpg');
      const posted = await fetch(grant.url, { method: 'POST', body: form });
      expect(posted.status).toBe(204);
    }
    return { uploadId: grant.uploadId, key: grant.fields.key as string };
  }

  const submitTip = (body: Record<string, unknown>) =>
    fetch(`${stack.apiUrl}/tips`, json({ ...validTip(), ...body }));

  async function issuesOf(res: Response) {
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe('validation_failed');
    return body.issues;
  }

  it('stores the tip with one pending attachment per upload, which the staff API lists', async () => {
    const a = await upload(SUBMISSION, Buffer.alloc(700, 1));
    const b = await upload(SUBMISSION, Buffer.alloc(MAX_FILE_BYTES, 2));

    const res = await submitTip({ submission: SUBMISSION, attachments: [a.uploadId, b.uploadId] });

    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const token = await stack.issuer.mint({ user: 'alice' });
    const got = await fetch(`${stack.apiUrl}/tips/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(got.status).toBe(200);
    const tip = (await got.json()) as Record<string, unknown> & { attachments: Record<string, unknown>[] };
    expect(tip.attachments).toEqual([
      expect.objectContaining({
        id: a.key.slice('uploads/'.length),
        sizeBytes: 700,
        mime: 'application/octet-stream',
        kind: 'other',
        cleaning: { status: 'pending', removed: [] },
        scan: { status: 'not-scanned' },
      }),
      expect.objectContaining({ id: b.key.slice('uploads/'.length), sizeBytes: MAX_FILE_BYTES }),
    ]);
    // Neither the nonce nor the upload ids (nor the reader's file name) are kept on the tip.
    const text = JSON.stringify(tip);
    expect(text).not.toContain(SUBMISSION);
    expect(text).not.toContain(a.uploadId);
    expect(text).not.toContain('Kherson');
  });

  it('an idempotent retry is answered with the stored tip, not verified again (its object deleted meanwhile)', async () => {
    const a = await upload(SUBMISSION, Buffer.alloc(10, 3));
    const body = { ...validTip(), submission: SUBMISSION, attachments: [a.uploadId] };
    const headers = { 'idempotency-key': `attach-${Date.now()}` };
    const first = await fetch(`${stack.apiUrl}/tips`, json(body, headers));
    // The object is gone by the retry (cleaned, or expired): the stored answer is replayed all the same.
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
    await s3.send(new DeleteObjectCommand({ Bucket: stack.env.UPLOADS_BUCKET, Key: a.key }));
    s3.destroy();
    const again = await fetch(`${stack.apiUrl}/tips`, json(body, headers));

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
  });

  it('refuses an upload of another submission with 400 naming attachments, and stores nothing', async () => {
    const theirs = await upload(OTHER_SUBMISSION, Buffer.alloc(10, 4));

    const issues = await issuesOf(
      await submitTip({ submission: SUBMISSION, attachments: [theirs.uploadId] }),
    );

    expect(issues).toEqual([{ path: 'attachments.0', message: 'not an upload of this submission' }]);
  });

  it('refuses an id whose object was never uploaded with 400 naming attachments', async () => {
    const granted = await upload(SUBMISSION, undefined);

    const issues = await issuesOf(
      await submitTip({ submission: SUBMISSION, attachments: [granted.uploadId] }),
    );

    expect(issues).toEqual([{ path: 'attachments.0', message: 'no such upload: not finished, or expired' }]);
  });

  it('refuses an object over MAX_FILE_BYTES that got past the policy with 400 naming attachments', async () => {
    // The local S3 refuses such a POST (s3-post-policy.ts), so the object is put beside it, as a
    // grant made under a larger limit (or a server that enforces none) would have let it in.
    const big = await upload(SUBMISSION, undefined);
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.env.UPLOADS_BUCKET,
        Key: big.key,
        Body: Buffer.alloc(MAX_FILE_BYTES + 1, 5),
      }),
    );
    s3.destroy();

    const issues = await issuesOf(await submitTip({ submission: SUBMISSION, attachments: [big.uploadId] }));

    expect(issues).toEqual([{ path: 'attachments.0', message: `must be 1 to ${MAX_FILE_BYTES} bytes` }]);
  });

  it('refuses 11 ids, and ids without their submission, with 400 naming attachments', async () => {
    const one = await upload(SUBMISSION, Buffer.alloc(10, 6));

    const eleven = await issuesOf(
      await submitTip({ submission: SUBMISSION, attachments: Array(11).fill(one.uploadId) }),
    );
    const orphan = await issuesOf(await submitTip({ attachments: [one.uploadId] }));

    expect(eleven).toEqual([{ path: 'attachments', message: 'at most 10 files per tip' }]);
    expect(orphan).toEqual([
      { path: 'attachments', message: 'attachments need the submission they were uploaded for' },
    ]);
  });
});
