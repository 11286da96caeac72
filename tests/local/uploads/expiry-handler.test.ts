import { createServer } from 'node:net';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeAttachmentObjects } from '#core/uploads/attachment-objects';
import { cleanKey, originalKey } from '#core/uploads/storage-layout';
import { makeExpiryHandler } from '../../../functions/expiry/make-expiry-handler';
import { ensureBucket } from '../../../local/stack/buckets';
import { quietLogger } from '../../support/quiet-logger';
import { streamEventFixture } from '../../support/stream-records';

const FILES = ['att-expired-photo-1', 'att-expired-photo-2'];
const ERASED = 'att-expired-erased';

/** A port nothing listens on: S3 "down" (connection refused), a fault no server can be asked for. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('the expiry function: stream REMOVEs by TTL delete the expired tip’s attachments', () => {
  let s3: S3Client;
  const bucket = `expiry-${Date.now()}`;

  beforeAll(async () => {
    s3 = makeS3Client({ region: 'us-east-1', endpoint: inject('s3Url') });
    await ensureBucket(s3, bucket);
  });
  afterAll(() => s3?.destroy());

  const handler = (client = s3) =>
    makeExpiryHandler({ objects: makeAttachmentObjects({ s3: client, bucket }), logger: quietLogger() });

  async function storeAll(ids: string[]) {
    for (const id of ids) {
      for (const Key of [cleanKey(id), originalKey(id)]) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: id }));
      }
    }
  }
  const exists = (key: string) =>
    s3
      .send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
      .then(() => true)
      .catch(() => false);
  const present = async (ids: string[]) => {
    const out: string[] = [];
    for (const id of ids) for (const k of [cleanKey(id), originalKey(id)]) if (await exists(k)) out.push(k);
    return out;
  };

  it('deletes the clean copy and original of each attachment of the OLD_IMAGE (the AWS-shaped fixture)', async () => {
    await storeAll(FILES);

    const result = await handler()(streamEventFixture('remove-tip'));

    expect(result.batchItemFailures).toEqual([]);
    expect(await present(FILES)).toEqual([]);
  });

  it('leaves an erased record alone (its files went when it was erased), and a delete that finds nothing is fine', async () => {
    await storeAll([ERASED]);

    // The first run deleted FILES already: the same record again (a redelivery) still succeeds.
    const result = await handler()(streamEventFixture('remove-tip'));

    expect(result.batchItemFailures).toEqual([]);
    expect(await present([ERASED])).toEqual([cleanKey(ERASED), originalKey(ERASED)]);
  });

  it('ignores a REMOVE that is not TTL’s (someone deleted the item), an INSERT and a MODIFY', async () => {
    await storeAll(FILES);
    const byUser = streamEventFixture('remove-tip');
    const [record] = byUser.Records;
    if (record) record.userIdentity = undefined;

    for (const event of [byUser, streamEventFixture('insert-new-tip'), streamEventFixture('modify-tip')]) {
      expect((await handler()(event)).batchItemFailures).toEqual([]);
    }

    expect(await present(FILES)).toHaveLength(4);
  });

  it('reports the record as failed when S3 cannot be reached, so the stream retries it', async () => {
    const down = makeS3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${await deadPort()}` });
    const event: DynamoDBStreamEvent = streamEventFixture('remove-tip');

    const result = await handler(down)(event);
    down.destroy();

    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: event.Records[0]?.dynamodb?.SequenceNumber },
    ]);
    expect(await present(FILES)).toHaveLength(4);
  });
});
