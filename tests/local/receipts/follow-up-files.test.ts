import { PutObjectCommand } from '@aws-sdk/client-s3';
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
const MAX_FILE_BYTES = 4096;

interface StoredTip {
  id: string;
  attachments?: { id: string; sizeBytes: number; cleaning: { status: string } }[];
  history: { action: string; by: string; note?: string }[];
}

describe('a reader adds files from the follow-up page: the same uploads path, verified as intake does', () => {
  let stack: LocalStack;
  let s3: ReturnType<typeof makeS3Client>;

  beforeAll(async () => {
    silenceFunctions();
    stack = await startTestStack('follow-up-files', { env: { MAX_FILE_BYTES: String(MAX_FILE_BYTES) } });
    s3 = makeS3Client({ region: 'us-east-1', endpoint: stack.s3Url });
  });
  afterAll(async () => {
    s3?.destroy();
    await stack?.stop();
  });

  /** POST /uploads for `submission`, then the bytes with the grant, as the page does. */
  async function upload(submission: string, bytes: Buffer) {
    const res = await fetch(`${stack.apiUrl}/uploads`, json({ submission }));
    expect(res.status).toBe(201);
    const grant = uploadGrantSchema.parse(await res.json());
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
    form.append('file', new Blob([bytes]), 'file');
    expect((await fetch(grant.url, { method: 'POST', body: form })).status).toBe(204);
    return { uploadId: grant.uploadId, key: grant.fields.key as string };
  }

  async function newTip(body: Record<string, unknown> = {}) {
    const res = await fetch(`${stack.apiUrl}/tips`, json({ ...validTip(), ...body }));
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; receipt: string };
  }

  const addTo = (receipt: string, body: unknown) =>
    fetch(`${stack.apiUrl}/receipts/${encodeURIComponent(receipt)}/messages`, json(body));

  async function stored(id: string): Promise<StoredTip> {
    const token = await stack.issuer.mint({ user: 'alice' });
    const res = await fetch(`${stack.apiUrl}/tips/${id}`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as StoredTip;
  }

  const nonce = (label: string) => `follow-up-${label}-${Date.now()}`.slice(0, 64);

  it('files alone, then files with a message: appended after the tip’s own as pending records, with history', async () => {
    const first = nonce('tip');
    const own = await upload(first, Buffer.alloc(100, 1));
    const tip = await newTip({ submission: first, attachments: [own.uploadId] });
    const later = nonce('later');
    const a = await upload(later, Buffer.alloc(200, 2));
    const b = await upload(later, Buffer.alloc(300, 3));

    const alone = await addTo(tip.receipt, { submission: later, attachments: [a.uploadId, b.uploadId] });
    const again = nonce('again');
    const c = await upload(again, Buffer.alloc(400, 4));
    const withText = await addTo(tip.receipt, {
      message: 'One more photo, from the other side of the street',
      submission: again,
      attachments: [c.uploadId],
    });

    expect(alone.status).toBe(201);
    expect(withText.status).toBe(201);
    expect(((await withText.json()) as { messagesAdded: number }).messagesAdded).toBe(1);
    const saved = await stored(tip.id);
    expect(saved.attachments?.map((x) => [`uploads/${x.id}`, x.sizeBytes, x.cleaning.status])).toEqual([
      [own.key, 100, 'pending'],
      [a.key, 200, 'pending'],
      [b.key, 300, 'pending'],
      [c.key, 400, 'pending'],
    ]);
    expect(
      saved.history.filter((h) => h.action.startsWith('reader-')).map((h) => [h.action, h.note]),
    ).toEqual([
      ['reader-files', '2 files added'],
      ['reader-message', 'One more photo, from the other side of the street'],
      ['reader-files', '1 file added'],
    ]);
    // Neither nonce nor upload id is kept.
    const text = JSON.stringify(saved);
    for (const secret of [later, again, a.uploadId, c.uploadId]) expect(text).not.toContain(secret);
  });

  it('refuses files of another submission, a missing object and one over MAX_FILE_BYTES, storing nothing', async () => {
    const tip = await newTip();
    const mine = nonce('mine');
    const theirs = await upload(nonce('theirs'), Buffer.alloc(10, 1));
    const never = uploadGrantSchema.parse(
      await (await fetch(`${stack.apiUrl}/uploads`, json({ submission: mine }))).json(),
    );
    const big = await upload(mine, Buffer.alloc(10, 1));
    // Past the policy (a grant under a larger limit): the size is checked again here.
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.env.UPLOADS_BUCKET,
        Key: big.key,
        Body: Buffer.alloc(MAX_FILE_BYTES + 1),
      }),
    );

    const results = await Promise.all(
      [[theirs.uploadId], [never.uploadId], [big.uploadId]].map((ids) =>
        addTo(tip.receipt, { submission: mine, attachments: ids }),
      ),
    );

    const bodies = await Promise.all(results.map((r) => r.json()));
    expect(results.map((r) => r.status)).toEqual([400, 400, 400]);
    expect(bodies.map((b) => (b as { issues: { message: string }[] }).issues[0]?.message)).toEqual([
      'not an upload of this submission',
      'no such upload: not finished, or expired',
      `must be 1 to ${MAX_FILE_BYTES} bytes`,
    ]);
    const saved = await stored(tip.id);
    expect(saved.attachments).toBeUndefined();
    expect(saved.history.filter((h) => h.action.startsWith('reader-'))).toEqual([]);
  });

  it('a retry naming files already attached (its answer was lost) is refused, not attached twice', async () => {
    const tip = await newTip();
    const later = nonce('retry');
    const a = await upload(later, Buffer.alloc(50, 1));

    const first = await addTo(tip.receipt, { submission: later, attachments: [a.uploadId] });
    const retry = await addTo(tip.receipt, { submission: later, attachments: [a.uploadId] });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(400);
    expect(await retry.json()).toMatchObject({
      issues: [{ path: 'attachments.0', message: 'already attached to this tip' }],
    });
    expect((await stored(tip.id)).attachments).toHaveLength(1);
  });

  it('keeps a tip within 10 files: 8 of its own and 3 more is a 400 saying how many it can take', async () => {
    const first = nonce('eight');
    const eight = await Promise.all(Array.from({ length: 8 }, (_, i) => upload(first, Buffer.alloc(10, i))));
    const tip = await newTip({ submission: first, attachments: eight.map((u) => u.uploadId) });
    const more = nonce('three');
    const three = await Promise.all([1, 2, 3].map((i) => upload(more, Buffer.alloc(10, i))));

    const over = await addTo(tip.receipt, { submission: more, attachments: three.map((u) => u.uploadId) });
    const fits = await addTo(tip.receipt, {
      submission: more,
      attachments: three.slice(0, 2).map((u) => u.uploadId),
    });

    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({
      error: 'validation_failed',
      issues: [{ path: 'attachments', message: 'at most 10 files per tip: this one can take 2 more' }],
    });
    expect(fits.status).toBe(201);
    expect((await stored(tip.id)).attachments).toHaveLength(10);
  });

  it('refuses an empty body, and ids without their submission, with 400', async () => {
    const tip = await newTip();

    const empty = await addTo(tip.receipt, {});
    const orphan = await addTo(tip.receipt, { attachments: ['u1.x.y'] });

    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      issues: [{ path: 'message', message: 'write your message' }],
    });
    expect(orphan.status).toBe(400);
    expect(await orphan.json()).toMatchObject({
      issues: [{ path: 'attachments', message: 'attachments need the submission they were uploaded for' }],
    });
  });
});
