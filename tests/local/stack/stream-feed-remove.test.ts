import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { makeTipStore } from '#core/tips/tip-store';
import { attachStreamFeed, type StreamFeed } from '../../../local/stack/stream-feed';
import { makeTestTable, type TestTable } from '../../support/local-env';
import { storeTip } from '../../support/stream-records';

describe('the local stream feed, REMOVE records (what the expiry function reads)', () => {
  let table: TestTable;
  const dynamo = () => makeDynamoClients({ region: 'us-east-1', endpoint: table.dynamoUrl });
  let clients: ReturnType<typeof dynamo>;
  let feeds: StreamFeed[];
  const inserts: DynamoDBRecord[] = [];
  const removes: DynamoDBRecord[] = [];

  beforeAll(async () => {
    table = await makeTestTable('feed-remove');
    clients = dynamo();
    const record = (into: DynamoDBRecord[]) => async (event: { Records: DynamoDBRecord[] }) => {
      into.push(...event.Records);
      return { batchItemFailures: [] };
    };
    // Two consumers on one client, as the notifier and the expiry function share the stream.
    feeds = [
      attachStreamFeed(clients.client, { tableName: table.tableName, consumer: record(inserts) }),
      attachStreamFeed(clients.client, {
        tableName: table.tableName,
        events: ['REMOVE'],
        consumer: record(removes),
      }),
    ];
  });
  afterAll(() => {
    for (const f of feeds ?? []) f.stop();
    clients?.client.destroy();
  });

  const drained = () => Promise.all(feeds.map((f) => f.drained()));

  it("a DeleteItem of a stored tip gives a REMOVE with the whole old item and TTL's identity, to that consumer only", async () => {
    // Stored through the watched client: its INSERT goes to the other consumer.
    const tip = await storeTip(makeTipStore({ doc: clients.doc, tableName: table.tableName }), {
      subject: 'to expire',
    });
    await drained();
    const insertsBefore = inserts.length;

    const out = await clients.doc.send(
      new DeleteCommand({ TableName: table.tableName, Key: { id: tip.id } }),
    );
    await drained();

    // The caller gets what it asked for (no old item) and the insert consumer nothing.
    expect(out.Attributes).toBeUndefined();
    expect(insertsBefore).toBeGreaterThan(0);
    expect(inserts.length).toBe(insertsBefore);
    expect(removes).toHaveLength(1);
    const [remove] = removes;
    expect(remove).toMatchObject({
      eventName: 'REMOVE',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      dynamodb: { Keys: { id: { S: tip.id } }, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(remove?.dynamodb?.NewImage).toBeUndefined();
    const old = unmarshall(remove?.dynamodb?.OldImage as never);
    expect(old).toMatchObject({ id: tip.id, subject: 'to expire', message: tip.message, status: 'new' });
  });

  it('deleting an item that is not there (or a delete whose condition fails) gives no record', async () => {
    const kept = await storeTip(makeTipStore({ doc: clients.doc, tableName: table.tableName }));
    await drained();
    const before = removes.length;

    await clients.client.send(
      new DeleteItemCommand({ TableName: table.tableName, Key: { id: { S: 'no-such-tip' } } }),
    );
    const refused = clients.doc.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: { id: kept.id },
        ConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'dismissed' },
      }),
    );
    await expect(refused).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await drained();

    expect(removes.length).toBe(before);
  });
});
