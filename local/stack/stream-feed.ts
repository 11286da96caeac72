import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { TTL_DELETER } from '#core/uploads/expired-attachments';

/** The stream records a consumer's event source mapping lets through (its filter criteria). */
export type FeedEvent = 'INSERT' | 'REMOVE';

export interface StreamFeedProps {
  tableName: string;
  /**
   * INSERT (the notifier's): after each PutItem, the item as NewImage. REMOVE (the expiry
   * function's): after each DeleteItem of an item that existed, the item as OldImage (read just
   * before the delete), marked as a TTL deletion, since locally nothing else deletes a tip and
   * dynalite has no TTL. @default ['INSERT']
   */
  events?: readonly FeedEvent[];
  consumer: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  /** As the event source mapping's retryAttempts: retries after the first try. */
  retryAttempts?: number;
  /** First retry delay; doubles each time (the event source backs off too). */
  retryDelayMs?: number;
  batchSize?: number;
  /** Where records that exhausted their retries go, one JSON line each (the local DLQ). */
  deadLetterFile?: string;
  onError?: (err: unknown) => void;
}

export interface StreamFeed {
  /** Resolves once every record seen so far was delivered or dead-lettered. */
  drained(): Promise<void>;
  stop(): void;
}

/**
 * dynalite has no streams. This feeds a consumer what DynamoDB Streams would: after each
 * successful PutItem on the tips table, an INSERT record with the item as NewImage, and (with
 * `events: ['REMOVE']`) after each DeleteItem a REMOVE record with the old item as OldImage, in
 * batches, retried on batchItemFailures like the Lambda event source mapping, then
 * dead-lettered. It hooks the SDK client's middleware, so no function code knows about it.
 */
export function attachStreamFeed(client: DynamoDBClient, props: StreamFeedProps): StreamFeed {
  const {
    tableName,
    events = ['INSERT'],
    consumer,
    retryAttempts = 3,
    retryDelayMs = 200,
    batchSize = 100,
    deadLetterFile,
    onError,
  } = props;
  let sequence = BigInt(Date.now()) * 1000n;
  const pending: DynamoDBRecord[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;

  // At the build step the input is DynamoDB JSON whichever client sent it (the document client
  // marshalls before serializing), as the stream's images are.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        TableName?: string;
        Item?: Record<string, AttributeValue>;
        Key?: Record<string, AttributeValue>;
      };
      const ours = !stopped && input.TableName === tableName;
      if (ours && events.includes('REMOVE') && context.commandName === 'DeleteItemCommand' && input.Key) {
        // The stream has the deleted item; the request is already serialized, so read it first
        // (a local stand-in: nothing else writes between the two here).
        const { Item: old } = await client.send(
          new GetItemCommand({ TableName: tableName, Key: input.Key, ConsistentRead: true }),
        );
        const result = await next(args);
        if (old) {
          pending.push(removeRecord(old, (sequence++).toString()));
          kick();
        }
        return result;
      }
      const result = await next(args);
      if (ours && events.includes('INSERT') && context.commandName === 'PutItemCommand' && input.Item) {
        pending.push(insertRecord(input.Item, (sequence++).toString()));
        kick();
      }
      return result;
    },
    // One feed per consumer on the same client: each its own middleware.
    { step: 'build', name: `localStreamFeed-${events.join('-')}` },
  );

  function kick() {
    running ??= deliverAll().finally(() => {
      running = undefined;
      if (pending.length > 0 && !stopped) kick();
    });
  }

  async function deliverAll() {
    await new Promise((r) => setImmediate(r));
    while (pending.length > 0 && !stopped) {
      const batch = pending.splice(0, batchSize);
      await deliver(batch);
    }
  }

  async function deliver(batch: DynamoDBRecord[]) {
    let records = batch;
    for (let attempt = 0; attempt <= retryAttempts && records.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
      let failedIds: Set<string>;
      try {
        const response = await consumer({ Records: records });
        failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (err) {
        onError?.(err);
        failedIds = new Set(records.map((r) => r.dynamodb?.SequenceNumber ?? ''));
      }
      // As the event source does: retry from the lowest failed sequence number onwards.
      const firstFailed = records.findIndex((r) => failedIds.has(r.dynamodb?.SequenceNumber ?? ''));
      records = firstFailed === -1 ? [] : records.slice(firstFailed);
    }
    if (records.length > 0) deadLetter(records);
  }

  function deadLetter(records: DynamoDBRecord[]) {
    if (!deadLetterFile) {
      onError?.(new Error(`${records.length} stream record(s) exhausted their retries`));
      return;
    }
    mkdirSync(dirname(deadLetterFile), { recursive: true });
    for (const record of records) {
      appendFileSync(deadLetterFile, `${JSON.stringify({ failedAt: new Date().toISOString(), record })}\n`);
    }
  }

  return {
    async drained() {
      while (running || pending.length > 0) await (running ?? new Promise((r) => setImmediate(r)));
    },
    stop() {
      stopped = true;
    },
  };
}

export function insertRecord(image: Record<string, AttributeValue>, sequenceNumber: string): DynamoDBRecord {
  const id = image.id?.S ?? '';
  return {
    eventID: `local-${sequenceNumber}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: 'arn:aws:dynamodb:local:000000000000:table/tips/stream/local',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { id: { S: id } },
      // The aws-lambda types model attribute values loosely; the shape is DynamoDB's own.
      NewImage: image as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      SequenceNumber: sequenceNumber,
      SizeBytes: JSON.stringify(image).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/**
 * A REMOVE as DynamoDB's TTL writes it: the old item, no new one, and the service as the
 * deleter (userIdentity), which is what tells an expiry from a delete by someone.
 */
export function removeRecord(
  oldImage: Record<string, AttributeValue>,
  sequenceNumber: string,
): DynamoDBRecord {
  const id = oldImage.id?.S ?? '';
  return {
    eventID: `local-${sequenceNumber}`,
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    eventSourceARN: 'arn:aws:dynamodb:local:000000000000:table/tips/stream/local',
    userIdentity: { ...TTL_DELETER },
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { id: { S: id } },
      OldImage: oldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
      SequenceNumber: sequenceNumber,
      SizeBytes: JSON.stringify(oldImage).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
