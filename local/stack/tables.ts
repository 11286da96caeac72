import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { ENV } from '#core/config/env-names';
import { GUARD_TABLE_KEY, IDEMPOTENCY_TABLE_KEY } from '#core/guards/guard-tables';
import { LIST_INDEXES, RECEIPT_INDEX, TIPS_TABLE_KEY } from '#core/tips/table-design';

/** The tips table as infra/ declares it (keys, list indexes); streams and TTL are AWS-only. */
/** The tips table `npm start` uses when nothing names another. */
export const LOCAL_TIPS_TABLE = 'tipline-tips';

/**
 * The local stack's tables, named after its tips table: what the stack creates and what the
 * local tools (`npm run redrive`, `npm run migrate:receipts`) reach by default.
 */
export function localTableNames(tipsTable: string) {
  return {
    [ENV.TIPS_TABLE]: tipsTable,
    [ENV.IDEMPOTENCY_TABLE]: `${tipsTable}-idempotency`,
    [ENV.GUARD_TABLE]: `${tipsTable}-guard`,
  };
}

export function tipsTableInput(tableName: string): CreateTableCommandInput {
  const attributes = new Set<string>([
    TIPS_TABLE_KEY.partitionKey,
    ...LIST_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey]),
    RECEIPT_INDEX.partitionKey,
  ]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [{ AttributeName: TIPS_TABLE_KEY.partitionKey, KeyType: 'HASH' }],
    GlobalSecondaryIndexes: LIST_INDEXES.map<GlobalSecondaryIndex>((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' },
        { AttributeName: i.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })).concat({
      IndexName: RECEIPT_INDEX.indexName,
      KeySchema: [{ AttributeName: RECEIPT_INDEX.partitionKey, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...RECEIPT_INDEX.projected] },
    }),
  };
}

/** A table with only a string partition key: the idempotency and guard tables (TTL is AWS-only). */
export function keyOnlyTableInput(tableName: string, partitionKey: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: partitionKey, KeyType: 'HASH' }],
  };
}

export const idempotencyTableInput = (tableName: string) =>
  keyOnlyTableInput(tableName, IDEMPOTENCY_TABLE_KEY.partitionKey);
export const guardTableInput = (tableName: string) =>
  keyOnlyTableInput(tableName, GUARD_TABLE_KEY.partitionKey);

/** Creates the table unless it exists (kept data survives a restart). */
export async function ensureTable(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
): Promise<'created' | 'existed'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return 'existed';
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'ResourceNotFoundException') throw err;
  }
  await client.send(new CreateTableCommand(input));
  return 'created';
}
