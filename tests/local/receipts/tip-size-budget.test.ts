import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_ATTACHMENTS_PER_TIP } from '#core/attachments/attachment-record';
import { loadConfig } from '#core/config/load-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { TipTooLargeError } from '#core/http/errors';
import { makeSubmitTip } from '#core/intake/submit-tip';
import { MAX_HISTORY } from '#core/receipts/follow-up';
import { makeTriageTip } from '#core/staff/triage-tip';
import {
  ATTACHMENTS_HEADROOM_BYTES,
  DYNAMODB_ITEM_LIMIT_BYTES,
  itemBytes,
  TIP_BUDGET_BYTES,
  TRIAGE_HEADROOM_BYTES,
} from '#core/tips/item-size';
import { newReceiptCode } from '#core/tips/receipt-code';
import type { TipRecord } from '#core/tips/tip-record';
import { SIZE_ATTRIBUTE, storedTipItem } from '#core/tips/tip-store';
import { receiptsFromConfig } from '../../../functions/receipts/wiring';
import { ensureTable, guardTableInput } from '../../../local/stack/tables';
import { largestAttachment } from '../../support/attachment-fixtures';
import { httpEvent } from '../../support/events';
import {
  makeTestTable,
  TEST_RECEIPT_HASH_SECRET,
  type TestTable,
  testReceiptKeys,
  validTip,
} from '../../support/local-env';

const SECRET = 'test-client-hash-secret-0123456789abcdef';

describe('a size budget per tip: reader messages and triage keep the item under 400 KB', () => {
  let table: TestTable;
  let receipts: ReturnType<typeof receiptsFromConfig>;

  const submit = () =>
    makeSubmitTip({ store: table.store, receiptKeys: testReceiptKeys })(validTip()).then((r) => ({
      ...r.tip,
      receipt: r.receipt,
    }));
  const addMessage = async (code: string, message: string) => {
    const event = httpEvent({
      path: `/receipts/${code}/messages`,
      routeKey: 'POST /receipts/{code}/messages',
      body: JSON.stringify({ message }),
    });
    event.pathParameters = { code };
    const res = await receipts(event);
    return { status: res.statusCode, body: JSON.parse(res.body as string) as Record<string, unknown> };
  };
  /** The item as DynamoDB holds it, measured as DynamoDB (in AWS) counts it: UTF-8 bytes. */
  const storedBytes = async (id: string) => {
    const { Item = {} } = await table.dynamo.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { id }, ConsistentRead: true }),
    );
    return { bytes: itemBytes(Item), counted: Item[SIZE_ATTRIBUTE] as number | undefined };
  };
  /** Keeps posting until the tip refuses: every answer's status, in order. */
  const fill = async (code: string, message: string, max = MAX_HISTORY) => {
    const answers: Array<{ status: number; body: Record<string, unknown> }> = [];
    for (let i = 0; i < max; i++) {
      const answer = await addMessage(code, `${i} ${message}`);
      answers.push(answer);
      if (answer.status !== 201) break;
    }
    return answers;
  };
  /** A tip written before tips kept their size (no SIZE_ATTRIBUTE), straight into the table. */
  const legacyTip = async (overrides: Partial<TipRecord>) => {
    const { receipt: _submitted, ...shape } = await submit();
    // Its own id and receipt: the submitted tip only lends its shape.
    const receipt = newReceiptCode();
    const item = storedTipItem(
      { ...shape, ...overrides, id: `01LEGACY${randomUUID().slice(0, 8)}` },
      testReceiptKeys.lookupKey(receipt),
    );
    delete item[SIZE_ATTRIBUTE];
    await table.dynamo.doc.send(new PutCommand({ TableName: table.tableName, Item: item }));
    return { ...(item as unknown as TipRecord), receipt };
  };

  beforeAll(async () => {
    vi.stubEnv('LOG_LEVEL', 'SILENT');
    table = await makeTestTable('size');
    const guardTable = `guard-${randomUUID().slice(0, 8)}`;
    await ensureTable(table.dynamo.client, guardTableInput(guardTable));
    receipts = receiptsFromConfig(
      loadConfig(receiptsConfigSchema, {
        TIPS_TABLE: table.tableName,
        GUARD_TABLE: guardTable,
        CLIENT_HASH_SECRET: SECRET,
        RECEIPT_HASH_SECRET: TEST_RECEIPT_HASH_SECRET,
        DYNAMODB_ENDPOINT: table.dynamoUrl,
      }),
      table.dynamo,
      { limit: 10_000, windowSeconds: 600 },
    );
  });

  it('32 messages of 5,000 CJK characters: refused with 413 tip_too_large before the tip passes 350 KB', async () => {
    const tip = await submit();

    const answers = await fill(tip.receipt, '北'.repeat(4_990), 32);

    const refused = answers.at(-1);
    expect(refused?.status).toBe(413);
    expect(refused?.body).toEqual({
      error: 'tip_too_large',
      message: 'this tip holds as much as it can; please send anything more as a new tip',
      limitBytes: TIP_BUDGET_BYTES,
    });
    expect(answers.slice(0, -1).every((a) => a.status === 201)).toBe(true);
    // 15 KB each in UTF-8: about 23 fit. The count kept on the item is never below the real size.
    expect(answers.length).toBeGreaterThan(20);
    const { bytes, counted } = await storedBytes(tip.id);
    expect(bytes).toBeLessThanOrEqual(TIP_BUDGET_BYTES);
    expect(counted).toBeGreaterThanOrEqual(bytes);
  });

  it('messages racing for the last of the budget: the conditional write lets through what fits, no more', async () => {
    const tip = await submit();
    const message = '北'.repeat(4_990);
    // Filled one by one to just under the budget (the next one is refused)...
    const answers = await fill(tip.receipt, message, 32);
    expect(answers.at(-1)?.status).toBe(413);
    // ...then a shorter message fits once more, and ten of them race for that room.
    const raced = await Promise.all(
      Array.from({ length: 10 }, (_, i) => addMessage(tip.receipt, `${i} ${'北'.repeat(2_000)}`)),
    );

    const statuses = raced.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 413)).toBe(true);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(2);
    const { bytes, counted } = await storedBytes(tip.id);
    expect(bytes).toBeLessThanOrEqual(TIP_BUDGET_BYTES);
    expect(counted).toBeGreaterThanOrEqual(bytes);
  });

  it('60 messages of 5,000 UTF-16 units of emoji (10 KB each): refused with 413, not stored past the budget', async () => {
    const tip = await submit();

    const answers = await fill(tip.receipt, '🌊'.repeat(2_495));

    expect(answers.at(-1)?.status).toBe(413);
    expect(answers.length).toBeLessThan(MAX_HISTORY - 1);
    expect((await storedBytes(tip.id)).bytes).toBeLessThanOrEqual(TIP_BUDGET_BYTES);
  });

  it('60 ASCII messages of 5,000 characters fit the budget: the history cap (409) comes first', async () => {
    const tip = await submit();

    const answers = await fill(tip.receipt, 'x'.repeat(4_990));

    expect(answers.filter((a) => a.status === 201)).toHaveLength(MAX_HISTORY - 1);
    expect(answers.at(-1)?.body.error).toBe('conversation_full');
  });

  it('the desk can still triage, note and reply on a tip the reader filled to its budget', async () => {
    const tip = await submit();
    await fill(tip.receipt, '北'.repeat(4_990), 32);
    const { version } = await table.store.getTip(tip.id, { consistent: true });

    const done = await makeTriageTip({ store: table.store })({
      id: tip.id,
      expectedVersion: version,
      patch: { status: 'in-review', note: '注'.repeat(2_000), reply: 'Thank you, we are on it.' },
      by: 'alice',
    });

    expect(done.status).toBe('in-review');
    const { bytes, counted } = await storedBytes(tip.id);
    expect(counted).toBe(bytes);
    expect(bytes).toBeLessThanOrEqual(TIP_BUDGET_BYTES + TRIAGE_HEADROOM_BYTES);
  });

  it('attachment records added after the reader filled the budget leave the desk its whole headroom', async () => {
    const tip = await submit();
    // Filled to within a few hundred bytes of the budget: big messages, then smaller ones.
    for (const chars of [4_990, 1_000, 100]) await fill(tip.receipt, '北'.repeat(chars), 32);
    // What the cleaner writes when the last files are done: the records, and the size kept.
    const attachments = Array.from({ length: MAX_ATTACHMENTS_PER_TIP }, (_, i) => largestAttachment(i));
    const before = await storedBytes(tip.id);
    expect(before.bytes).toBeGreaterThan(TIP_BUDGET_BYTES - 1_000);
    await table.dynamo.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { id: tip.id },
        UpdateExpression: 'SET attachments = :a ADD #size :n',
        ExpressionAttributeNames: { '#size': SIZE_ATTRIBUTE },
        ExpressionAttributeValues: { ':a': attachments, ':n': itemBytes({ attachments }) },
      }),
    );
    const { version } = await table.store.getTip(tip.id, { consistent: true });

    // A note and a reply of CJK text: about 21 KB, within the triage headroom alone.
    const done = await makeTriageTip({ store: table.store })({
      id: tip.id,
      expectedVersion: version,
      patch: { status: 'in-review', note: '注'.repeat(2_000), reply: '谢'.repeat(5_000) },
      by: 'alice',
    });

    expect(done.attachments).toHaveLength(MAX_ATTACHMENTS_PER_TIP);
    const { bytes } = await storedBytes(tip.id);
    expect(bytes).toBeGreaterThan(before.bytes + TRIAGE_HEADROOM_BYTES / 2);
    expect(bytes).toBeLessThanOrEqual(TIP_BUDGET_BYTES + TRIAGE_HEADROOM_BYTES + ATTACHMENTS_HEADROOM_BYTES);
    expect(bytes).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES);
  });

  it('a legacy tip that DynamoDB itself refuses to grow: the size error is a 413, never a 500', async () => {
    // No size kept and a 400,000-character message (an item from before the budget): the
    // reader's message passes the estimate, and dynalite refuses the UpdateItem itself.
    const tip = await legacyTip({ message: 'm'.repeat(DYNAMODB_ITEM_LIMIT_BYTES - 5_000) });

    const answer = await addMessage(tip.receipt, 'y'.repeat(5_000));

    expect(answer.status).toBe(413);
    expect(answer.body.error).toBe('tip_too_large');
  });

  it('a staff change that would take a tip past budget and headroom is refused with TipTooLargeError (413)', async () => {
    const tip = await legacyTip({ message: 'm'.repeat(DYNAMODB_ITEM_LIMIT_BYTES - 3_000) });

    const triage = makeTriageTip({ store: table.store })({
      id: tip.id,
      expectedVersion: tip.version,
      patch: { note: 'n'.repeat(2_000) },
      by: 'alice',
    });

    await expect(triage).rejects.toBeInstanceOf(TipTooLargeError);
    await expect(triage).rejects.toMatchObject({ limitBytes: TIP_BUDGET_BYTES });
  });
});
