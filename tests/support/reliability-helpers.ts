import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { type DynamoClients, makeDynamoClients } from '#core/platform/aws-clients';
import { intakeFromConfig } from '../../functions/intake/wiring';
import { ensureTable, guardTableInput, idempotencyTableInput } from '../../local/stack/tables';
import { httpEvent } from './events';
import { makeTestTable, TEST_RECEIPT_HASH_SECRET, type TestTable } from './local-env';

export const TEST_SECRET = 'test-only-client-hash-secret-0123456789abcdef';

export interface ReliableIntake {
  handler: ReturnType<typeof intakeFromConfig>;
  table: TestTable;
  env: Record<string, string>;
  /** Every item of a table, read consistently (dynalite is small; a Scan is fine in tests). */
  scan(tableName: string): Promise<Record<string, unknown>[]>;
}

/**
 * The intake function as infra/ wires it (tips, idempotency and guard tables, secret), on
 * fresh tables in the shared dynalite. `dynamo` lets a test hand in a fault-injecting client.
 */
export async function makeReliableIntake(
  overrides: Record<string, string> = {},
  dynamo?: DynamoClients,
): Promise<ReliableIntake> {
  const table = await makeTestTable('rel');
  const suffix = randomUUID().slice(0, 8);
  const env: Record<string, string> = {
    TIPS_TABLE: table.tableName,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: table.dynamoUrl,
    IDEMPOTENCY_TABLE: `idem-${suffix}`,
    GUARD_TABLE: `guard-${suffix}`,
    CLIENT_HASH_SECRET: TEST_SECRET,
    RECEIPT_HASH_SECRET: TEST_RECEIPT_HASH_SECRET,
    MIN_FILL_SECONDS: '0',
    ...overrides,
  };
  await ensureTable(table.dynamo.client, idempotencyTableInput(env.IDEMPOTENCY_TABLE as string));
  await ensureTable(table.dynamo.client, guardTableInput(env.GUARD_TABLE as string));
  const handler = intakeFromConfig(
    loadConfig(intakeConfigSchema, env),
    dynamo ?? makeDynamoClients({ region: 'us-east-1', endpoint: table.dynamoUrl }),
  );
  return {
    handler,
    table,
    env,
    async scan(tableName) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await table.dynamo.doc.send(
          new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },
  };
}

/** A JSON POST /tips from `sourceIp`, with extra headers. */
export function postTipEvent(
  body: unknown,
  { sourceIp = '203.0.113.7', headers = {} }: { sourceIp?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const event = httpEvent({
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  event.requestContext.http.sourceIp = sourceIp;
  return event;
}

export const parse = (body: string | undefined) => JSON.parse(body ?? '{}') as Record<string, unknown>;
