import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { uploadGrantSchema } from '#core/uploads/request-upload';
import type { LocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import { startTestStack } from '../../support/test-stack';

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const SUBMISSION = 'form-submission-0123';

describe('POST /uploads on the local stack: a presigned POST straight to the local S3 server', () => {
  let stack: LocalStack;
  let limited: LocalStack;

  beforeAll(async () => {
    silenceFunctions();
    [stack, limited] = await Promise.all([
      startTestStack('uploads', { env: { MAX_FILE_BYTES: '2048' } }),
      startTestStack('uploads-limited', { env: { UPLOAD_RATE_LIMIT_MAX: '3' } }),
    ]);
  });
  afterAll(async () => Promise.all([stack?.stop(), limited?.stop()]));

  it('answers 201 with a grant; the file posted with it is stored under uploads/, in the uploads bucket', async () => {
    const res = await fetch(`${stack.apiUrl}/uploads`, json({ submission: SUBMISSION }));

    expect(res.status).toBe(201);
    const grant = uploadGrantSchema.parse(await res.json());
    expect(grant.maxBytes).toBe(2048);
    expect(grant.url).toBe(`${stack.s3Url}/${stack.env.UPLOADS_BUCKET}`);
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
    const bytes = Buffer.from('%PDF-1.7 a small document');
    form.append('file', new Blob([bytes]), 'leak.pdf');
    const upload = await fetch(grant.url, { method: 'POST', body: form });
    expect(upload.status).toBe(204);
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
    const key = grant.fields.key as string;
    expect(key).toMatch(/^uploads\/[\w-]{22}$/);
    const object = await s3.send(new GetObjectCommand({ Bucket: stack.env.UPLOADS_BUCKET, Key: key }));
    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).toEqual(bytes);
    s3.destroy();
  });

  it('refuses a body without a well-formed submission nonce, or with other fields, with 400 and the issues', async () => {
    for (const body of [{}, { submission: 'short' }, { submission: SUBMISSION, filename: 'gps.jpg' }]) {
      const res = await fetch(`${stack.apiUrl}/uploads`, json(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'validation_failed', issues: expect.any(Array) });
    }
  });

  it('a storm of upload requests from one client gets 429 with Retry-After; its tips are counted apart', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${limited.apiUrl}/uploads`, json({ submission: SUBMISSION }));
      statuses.push(last.status);
    }

    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last?.json()).toMatchObject({ error: 'rate_limited' });
    const tip = await fetch(`${limited.apiUrl}/tips`, json(validTip()));
    expect(tip.status).toBe(201);
  });

  it('the reader form and the follow-up page get the limits from config and may post to the uploads origin', async () => {
    for (const path of ['/', '/follow-up']) {
      const res = await fetch(`${stack.apiUrl}${path}`);
      const page = await res.text();

      expect(res.status).toBe(200);
      // MAX_FILE_BYTES as the stack set it; the count and total as verifyUploads enforces them.
      expect(page).toContain(
        'data-max-files="10" data-max-file-bytes="2048" data-max-total-bytes="262144000"',
      );
      expect(page).toContain('Up to 10 files, each at most 2 KB, 250 MB together.');
      expect(page).toContain('Photos and documents can reveal where and by whom they were made');
      expect(res.headers.get('content-security-policy')).toContain(
        `connect-src 'self' ${new URL(stack.s3Url).origin};`,
      );
    }
  });
});
