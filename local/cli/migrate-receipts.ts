import { pathToFileURL } from 'node:url';
import { DeleteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ENV } from '#core/config/env-names';
import { loadConfigWithSecrets, type SecretReader, secretShape } from '#core/config/secrets';
import { storeConfigShape } from '#core/config/store-config';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { RECEIPT_INDEX } from '#core/tips/table-design';
import { isConditionFailure, LEGACY_RECEIPT_ATTRIBUTE } from '#core/tips/tip-store';
import { LOCAL_RECEIPT_HASH_SECRET } from '../stack/stack';
import { LOCAL_TIPS_TABLE, localTableNames } from '../stack/tables';

/** What the migration needs: the tables and the secret the functions key receipt hashes with. */
export const migrateReceiptsConfigSchema = z.object({
  ...storeConfigShape,
  // The value, or in AWS its RECEIPT_HASH_SECRET_ARN (read like the functions read it).
  ...secretShape(ENV.RECEIPT_HASH_SECRET),
  [ENV.IDEMPOTENCY_TABLE]: z.string().min(3).optional(),
});

export interface ReceiptMigrationSummary {
  /** Tip items read. */
  scanned: number;
  /** Items that held the code in clear: now only its keyed hash. */
  migrated: number;
  /** Items changed by someone else between the read and the write: left for the next run. */
  raced: number;
  /** Idempotency records whose answer held a code in clear: deleted. */
  idempotencyRecordsRemoved: number;
}

/**
 * Rewrites tips stored before receipt codes were hashed with a key: such an item holds the
 * code in clear (`receipt`) and a bare SHA-256 of it as its receipt-index key. Each becomes
 * what intake writes now, in one conditional UpdateItem: the index key set to the keyed hash
 * (HMAC, receipt-key.ts), the clear code removed. Items without a clear code are left as they
 * are, so a second run changes nothing. Idempotency records (10-minute answers) that hold a
 * clear code are deleted: a retry of such a submit is then a new submit.
 */
export async function migrateReceipts(
  env: Record<string, string | undefined> = process.env,
  readSecret?: SecretReader,
): Promise<ReceiptMigrationSummary> {
  const config = await loadConfigWithSecrets(migrateReceiptsConfigSchema, env, readSecret);
  const keys = makeReceiptKeys(config.RECEIPT_HASH_SECRET);
  const { doc, client } = makeDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  });
  const summary: ReceiptMigrationSummary = {
    scanned: 0,
    migrated: 0,
    raced: 0,
    idempotencyRecordsRemoved: 0,
  };
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: config.TIPS_TABLE,
          // Only what the rewrite needs: the scan never carries tip text or contact details.
          ProjectionExpression: '#id, #receipt',
          ExpressionAttributeNames: { '#id': 'id', '#receipt': LEGACY_RECEIPT_ATTRIBUTE },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        summary.scanned++;
        const code = item[LEGACY_RECEIPT_ATTRIBUTE];
        if (typeof code !== 'string') continue;
        try {
          await doc.send(
            new UpdateCommand({
              TableName: config.TIPS_TABLE,
              Key: { id: item.id },
              UpdateExpression: 'SET #k = :k REMOVE #receipt',
              ConditionExpression: '#receipt = :code',
              ExpressionAttributeNames: {
                '#k': RECEIPT_INDEX.partitionKey,
                '#receipt': LEGACY_RECEIPT_ATTRIBUTE,
              },
              ExpressionAttributeValues: { ':k': keys.lookupKey(code), ':code': code },
            }),
          );
          summary.migrated++;
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
          summary.raced++;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);

    if (config.IDEMPOTENCY_TABLE) {
      let idemKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new ScanCommand({
            TableName: config.IDEMPOTENCY_TABLE,
            ...(idemKey ? { ExclusiveStartKey: idemKey } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          if (!holdsClearReceipt(item.data)) continue;
          await doc.send(new DeleteCommand({ TableName: config.IDEMPOTENCY_TABLE, Key: { id: item.id } }));
          summary.idempotencyRecordsRemoved++;
        }
        idemKey = page.LastEvaluatedKey;
      } while (idemKey);
    }
  } finally {
    client.destroy();
  }
  return summary;
}

function holdsClearReceipt(data: unknown): boolean {
  let answer = data;
  if (typeof data === 'string') {
    try {
      answer = JSON.parse(data);
    } catch {
      return false;
    }
  }
  return (
    typeof answer === 'object' &&
    answer !== null &&
    typeof (answer as { receipt?: unknown }).receipt === 'string'
  );
}

/**
 * `npm run migrate:receipts`: against `npm start`'s stack by default (its tables, its development
 * secret); with TIPS_TABLE set (and RECEIPT_HASH_SECRET_ARN or RECEIPT_HASH_SECRET,
 * IDEMPOTENCY_TABLE, AWS_REGION and AWS credentials), against AWS (docs/operations.md).
 */
async function main() {
  const aws = Boolean(process.env.TIPS_TABLE);
  const env = aws
    ? process.env
    : {
        ...localTableNames(LOCAL_TIPS_TABLE),
        RECEIPT_HASH_SECRET: LOCAL_RECEIPT_HASH_SECRET,
        AWS_REGION: 'us-east-1',
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`,
        ...process.env,
      };
  const summary = await migrateReceipts(env);
  console.log(JSON.stringify({ level: 'INFO', message: 'receipt migration finished', ...summary }));
  if (summary.raced > 0) {
    console.error(`${summary.raced} tip(s) changed during the run: run it again`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(`receipt migration failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  });
}
