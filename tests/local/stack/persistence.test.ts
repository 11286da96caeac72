import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { type LocalStack, startLocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';

describe('the local stack keeps its data in DATA_DIR across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tipline-persist-'));
  const running: LocalStack[] = [];

  afterAll(async () => {
    for (const stack of running) await stack.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(dir = dataDir): Promise<LocalStack> {
    // Its own dynalite, SES emulator and S3 server on free ports, dynalite and S3 writing under dataDir.
    const stack = await startLocalStack({ dataDir: dir, retryDelayMs: 20 });
    running.push(stack);
    return stack;
  }

  async function getItem(stack: LocalStack, id: string) {
    const { client, doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    try {
      const { Item } = await doc.send(
        new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id }, ConsistentRead: true }),
      );
      return Item;
    } finally {
      client.destroy();
    }
  }

  it('a tip posted before a stop is still there after a start on the same folder', async () => {
    const first = await start();
    const tip = validTip({ name: 'Rinkēvičs' });
    const res = await fetch(`${first.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tip),
    });
    expect(res.status).toBe(201);
    const { id, receipt } = (await res.json()) as { id: string; receipt: string };
    await first.stop();
    running.pop();

    const second = await start();

    expect(await getItem(second, id)).toMatchObject({
      id,
      message: tip.message,
      name: 'Rinkēvičs',
      status: 'new',
    });
    // The alert went out before the stop and is recorded: the restart does not resend it.
    expect((await getItem(second, id))?.alertedAt).toEqual(expect.any(String));
    // The receipt, kept only as its keyed hash, still finds the tip after the restart.
    expect((await fetch(`${second.apiUrl}/receipts/${receipt}`)).status).toBe(200);
    const health = await fetch(`${second.apiUrl}/health`);
    expect(health.status).toBe(200);
  });

  it("an upload's clean copy made before a stop is still there after a start on the same folder", async () => {
    // A folder of its own: the first test's second stack still holds dynalite's lock on dataDir.
    const dir = join(dataDir, 'objects');
    const first = await start(dir);
    const id = `persist-${Date.now()}`;
    const put = makeS3Client({ region: 'us-east-1', endpoint: first.s3Url });
    await put.send(
      new PutObjectCommand({ Bucket: first.env.UPLOADS_BUCKET, Key: `uploads/${id}`, Body: 'kept bytes' }),
    );
    put.destroy();
    // The stack's own S3 server feeds its cleaner, which moves the upload to the clean bucket.
    await first.uploadFeed?.drained();
    await first.stop();
    running.pop();

    const second = await start(dir);
    const get = makeS3Client({ region: 'us-east-1', endpoint: second.s3Url });
    const object = await get.send(
      new GetObjectCommand({ Bucket: second.env.CLEAN_BUCKET, Key: `clean/${id}` }),
    );

    expect(await object.Body?.transformToString()).toBe('kept bytes');
    get.destroy();
  });
});
