import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export interface StreamFeedProps {
  tableName: string;
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
 * dynalite has no streams. This feeds the notifier what DynamoDB Streams would: after each
 * successful PutItem on the tips table, an INSERT record with the item as NEW_IMAGE, in
 * batches, retried on batchItemFailures like the Lambda event source mapping, then
 * dead-lettered. It hooks the SDK client's middleware, so no function code knows about it.
 */
export function attachStreamFeed(client: DynamoDBClient, props: StreamFeedProps): StreamFeed {
  const {
    tableName,
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

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const input = args.input as { TableName?: string; Item?: Record<string, AttributeValue> };
      if (
        !stopped &&
        context.commandName === 'PutItemCommand' &&
        input.TableName === tableName &&
        input.Item
      ) {
        pending.push(insertRecord(input.Item, (sequence++).toString()));
        kick();
      }
      return result;
    },
    { step: 'build', name: 'localStreamFeed' },
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
      StreamViewType: 'NEW_IMAGE',
    },
  };
}
