import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoClients } from '#core/platform/aws-clients';
import { ensureTable, tipsTableInput } from '../local/stack/tables';
import { BENCH_ENV } from './support';

/**
 * The env every function of the bench is configured from: what `npm start` uses, with fixed
 * dev secrets. Rate limiting, where configured, is set so high that the bench measures work,
 * not 429s: its counters are still written on every request, so their cost is in the numbers.
 */
export function benchEnv(extra: Record<string, string>): Record<string, string> {
  return {
    ...BENCH_ENV,
    DESK_ADDRESS: 'world-desk@newsroom.example',
    SENDER_ADDRESS: 'tipline@newsroom.example',
    CURSOR_SECRET: 'bench-cursor-secret-0123456789abcdef',
    CLIENT_HASH_SECRET: 'bench-client-hash-secret-0123456789abcdef',
    RECEIPT_HASH_SECRET: 'bench-receipt-hash-secret-0123456789abcdef',
    // One client (127.0.0.1) sends every request of the bench: the per-client limit is set out
    // of reach so the bench measures work, not 429s. Its counter is still written each time.
    RATE_LIMIT_MAX: '1000000000',
    ...extra,
  };
}

/**
 * The tips table and the defences' own tables (keyed as infra declares them: idempotency `id`,
 * guard `pk`), so every function runs with idempotency, rate limit and duplicate check on, as
 * deployed. Returns the env naming them.
 */
export async function createBenchTables(
  dynamo: DynamoClients,
  tipsTable: string,
): Promise<Record<string, string>> {
  await ensureTable(dynamo.client, tipsTableInput(tipsTable));
  const tables = { IDEMPOTENCY_TABLE: `${tipsTable}-idempotency`, GUARD_TABLE: `${tipsTable}-guard` };
  for (const [tableName, key] of [
    [tables.IDEMPOTENCY_TABLE, 'id'],
    [tables.GUARD_TABLE, 'pk'],
  ] as const) {
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      }),
    );
  }
  return { TIPS_TABLE: tipsTable, ...tables };
}
