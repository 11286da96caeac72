import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '#core/http/errors';
import { makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { makeAttachmentFiles } from '#core/staff/attachment-files';
import { tipRecordSchema } from '#core/tips/tip-record';
import { SCAN_NO_THREATS, SCAN_THREATS_FOUND } from '#core/uploads/malware-scan-tag';
import { cleanKey, originalKey } from '#core/uploads/storage-layout';
import type { LocalStack } from '../../../local/stack/stack';
import { attachmentRecord } from '../../support/attachment-fixtures';
import { cleanBucketOf, tinyJpeg } from '../../support/attachment-objects';
import { batchWriteTips, seedTip } from '../../support/staff-seed';
import { startTestStack } from '../../support/test-stack';

/*
 * MALWARE_SCAN=guardduty, as the stack sets it: a file is handed out only once GuardDuty tagged
 * it NO_THREATS_FOUND. No GuardDuty runs here, so the test tags the objects in the S3 server
 * itself, as GuardDuty Malware Protection for S3 would.
 */
describe('downloads gated on the malware scan (MALWARE_SCAN=guardduty)', () => {
  let stack: LocalStack;
  let bucket: ReturnType<typeof cleanBucketOf>;
  let dynamo: ReturnType<typeof makeDynamoClients>;
  let auth: Record<string, string>;
  const ids = ['scan-none', 'scan-clean', 'scan-threat', 'scan-failed', 'scan-original'];
  const tip = seedTip({
    createdAt: new Date('2026-11-27T08:00:00Z'),
    attachments: ids.map((id) => attachmentRecord({ id })),
  });

  beforeAll(async () => {
    stack = await startTestStack('staff-scan', { env: { MALWARE_SCAN: 'guardduty' } });
    dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    bucket = cleanBucketOf(stack);
    auth = { authorization: `Bearer ${await stack.issuer.mint({ user: 'bob' })}` };
    await batchWriteTips(dynamo.doc, stack.env.TIPS_TABLE as string, [tip]);
    const jpeg = await tinyJpeg();
    for (const id of ids) await bucket.put(cleanKey(id), jpeg, 'image/jpeg');
    await bucket.tagScan(cleanKey('scan-clean'), SCAN_NO_THREATS);
    await bucket.tagScan(cleanKey('scan-threat'), SCAN_THREATS_FOUND);
    await bucket.tagScan(cleanKey('scan-failed'), 'UNSUPPORTED');
    // The clean copy passed; the kept original (scanned on its own) not yet.
    await bucket.tagScan(cleanKey('scan-original'), SCAN_NO_THREATS);
    await bucket.put(originalKey('scan-original'), jpeg, 'image/jpeg');
  });
  afterAll(async () => {
    bucket?.close();
    dynamo?.client.destroy();
    await stack?.stop();
  });

  const download = async (attachmentId: string, body?: unknown) => {
    const res = await fetch(`${stack.apiUrl}/tips/${tip.id}/attachments/${attachmentId}/download`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  it('hands out a file GuardDuty found no threat in, and the URL works', async () => {
    const { status, body } = await download('scan-clean');
    const file = await fetch(String(body.url));

    expect(status).toBe(200);
    expect(file.status).toBe(200);
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses one not scanned yet (409, retry later), one infected (403) and one the scan could not judge (409)', async () => {
    const pending = await download('scan-none');
    const infected = await download('scan-threat');
    const failed = await download('scan-failed');
    const original = await download('scan-original', { original: true });
    const inline = await download('scan-threat', { inline: true });

    expect([pending.status, pending.body.error]).toEqual([409, 'scan_pending']);
    expect(pending.headers.get('retry-after')).toBe('60');
    expect([infected.status, infected.body.error]).toEqual([403, 'attachment_infected']);
    expect([failed.status, failed.body.error]).toEqual([409, 'scan_failed']);
    expect(String(failed.body.message)).toContain('UNSUPPORTED');
    expect([original.status, original.body.error]).toEqual([409, 'scan_pending']);
    expect([inline.status, inline.body.error]).toEqual([403, 'attachment_infected']);
  });

  it('records only the download that was handed out', async () => {
    const res = await fetch(`${stack.apiUrl}/tips/${tip.id}`, { headers: auth });
    const stored = tipRecordSchema.parse(await res.json());

    expect(stored.history.filter((h) => h.action.startsWith('download')).map((h) => h.attachment)).toEqual([
      'scan-clean',
    ]);
  });
});

describe('the clean bucket not answering', () => {
  it('is a 503 with Retry-After (StoreUnavailableError), not a 500', async () => {
    // A port nothing listens on: S3 down, as a real client meets it.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const s3 = makeS3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}` });
    const files = makeAttachmentFiles({ s3, bucket: 'tipline-clean' });

    await expect(files.scanTag(cleanKey('x'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(files.exists(cleanKey('x'))).rejects.toBeInstanceOf(StoreUnavailableError);
    s3.destroy();
  });
});
