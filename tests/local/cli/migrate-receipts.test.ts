import { createHash, randomUUID } from 'node:crypto';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTipRecord, validateSubmission } from '#core/intake/submit-tip';
import { makeReceiptStore } from '#core/receipts/receipt-store';
import { newReceiptCode } from '#core/tips/receipt-code';
import { indexAttributes, RECEIPT_INDEX } from '#core/tips/table-design';
import { migrateReceipts } from '../../../local/cli/migrate-receipts';
import { ensureTable, idempotencyTableInput } from '../../../local/stack/tables';
import {
  makeTestTable,
  TEST_RECEIPT_HASH_SECRET,
  type TestTable,
  testReceiptKeys,
  validTip,
} from '../../support/local-env';

const bareSha256 = (code: string) => createHash('sha256').update(code).digest('hex');

describe('npm run migrate:receipts: old items (code in clear, bare SHA-256 key) → keyed hash only', () => {
  let table: TestTable;
  let idempotencyTable: string;
  let env: Record<string, string>;
  const oldCodes: string[] = [];
  const oldIds: string[] = [];

  /** An item as the intake wrote it before receipt codes were hashed with a key. */
  async function putOldFormatTip() {
    const now = new Date();
    const tip = buildTipRecord(validateSubmission(validTip()), { id: ulid(now.getTime()), now });
    const receipt = newReceiptCode();
    await table.dynamo.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...tip, receipt, ...indexAttributes(tip), [RECEIPT_INDEX.partitionKey]: bareSha256(receipt) },
      }),
    );
    oldCodes.push(receipt);
    oldIds.push(tip.id);
  }

  const scan = async (name: string) =>
    (await table.dynamo.doc.send(new ScanCommand({ TableName: name, ConsistentRead: true }))).Items ?? [];

  beforeAll(async () => {
    table = await makeTestTable('migrate');
    idempotencyTable = `idem-${randomUUID().slice(0, 8)}`;
    await ensureTable(table.dynamo.client, idempotencyTableInput(idempotencyTable));
    env = {
      TIPS_TABLE: table.tableName,
      IDEMPOTENCY_TABLE: idempotencyTable,
      RECEIPT_HASH_SECRET: TEST_RECEIPT_HASH_SECRET,
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: table.dynamoUrl,
    };
    for (let i = 0; i < 5; i++) await putOldFormatTip();
    // A tip written by today's intake, and an idempotency answer of each era.
    const now = new Date();
    const fresh = buildTipRecord(validateSubmission(validTip()), { id: ulid(now.getTime()), now });
    await table.store.putTip(fresh, testReceiptKeys.lookupKey(newReceiptCode()));
    const expiration = Math.floor(Date.now() / 1000) + 600;
    for (const [id, data] of [
      ['tipline-intake#old', { id: oldIds[0], receipt: oldCodes[0], kind: 'tip', status: 'new' }],
      ['tipline-intake#new', { id: fresh.id, sealedReceipt: 'sealed', kind: 'tip', status: 'new' }],
    ] as const) {
      await table.dynamo.doc.send(
        new PutCommand({ TableName: idempotencyTable, Item: { id, expiration, status: 'COMPLETED', data } }),
      );
    }
  });

  it('the old items are not found by the keyed hash before the migration (the test seeds what it claims)', async () => {
    const receipts = makeReceiptStore({
      doc: table.dynamo.doc,
      tableName: table.tableName,
      receiptKeys: testReceiptKeys,
    });
    expect(await receipts.findByReceipt(oldCodes[0] as string)).toBeUndefined();
    expect(JSON.stringify(await scan(table.tableName))).toContain(oldCodes[0]);
  });

  it('rewrites each to the keyed hash, removes the clear code, and readers find their tips again', async () => {
    const summary = await migrateReceipts(env);

    expect(summary).toEqual({ scanned: 6, migrated: 5, raced: 0, idempotencyRecordsRemoved: 1 });
    const dump = JSON.stringify([...(await scan(table.tableName)), ...(await scan(idempotencyTable))]);
    for (const code of oldCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(bareSha256(code));
    }
    const items = await scan(table.tableName);
    expect(items.filter((i) => 'receipt' in i)).toEqual([]);
    const receipts = makeReceiptStore({
      doc: table.dynamo.doc,
      tableName: table.tableName,
      receiptKeys: testReceiptKeys,
    });
    for (const [i, code] of oldCodes.entries()) {
      expect((await receipts.findByReceipt(code.toLowerCase()))?.id).toBe(oldIds[i]);
    }
    // Nothing else of a tip changed: its text, history and list-index keys are as they were.
    const first = items.find((i) => i.id === oldIds[0]);
    expect(first).toMatchObject({ status: 'new', version: 1, gsi_all: 'TIP', gsi_status: 'new' });
    expect((await scan(idempotencyTable)).map((r) => r.id)).toEqual(['tipline-intake#new']);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const before = await scan(table.tableName);

    const summary = await migrateReceipts(env);

    expect(summary).toEqual({ scanned: 6, migrated: 0, raced: 0, idempotencyRecordsRemoved: 0 });
    const after = await scan(table.tableName);
    const byId = (items: Record<string, unknown>[]) =>
      [...items].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(byId(after)).toEqual(byId(before));
  });

  it('in AWS reads the secret by its ARN, as the functions do', async () => {
    const { RECEIPT_HASH_SECRET: _value, ...withoutValue } = env;
    const asked: string[] = [];
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ReceiptHashSecret-abc';

    const summary = await migrateReceipts({ ...withoutValue, RECEIPT_HASH_SECRET_ARN: arn }, async (a) => {
      asked.push(a);
      return TEST_RECEIPT_HASH_SECRET;
    });

    expect(asked).toEqual([arn]);
    expect(summary.migrated).toBe(0);
  });

  it('refuses to run without the secret, naming the variable', async () => {
    await expect(migrateReceipts({ ...env, RECEIPT_HASH_SECRET: '' })).rejects.toThrow(/RECEIPT_HASH_SECRET/);
  });
});
