import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { makeCursorCodec } from '#core/staff/cursor';
import { type ListQuery, makeListTips } from '#core/staff/list-tips';
import type { TipStatus } from '#core/tips/tip-record';
import type { TipTopic } from '#core/tips/tip-schema';
import { makeTipStore } from '#core/tips/tip-store';
import { makeTestTable, type TestTable, testReceiptKeys } from '../../support/local-env';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

const STATUSES: TipStatus[] = ['in-review', 'dismissed', 'published', 'new'];
const TOPICS: TipTopic[] = ['africa', 'asia-pacific', 'europe'];

/**
 * `count` tips of identical size from tip number `from`: two in five are new/europe (the page
 * probed), the rest spread over other statuses and topics, so the probed partition grows too.
 */
function tips(from: number, count: number) {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return seedTip({
      createdAt: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000),
      status: i % 5 < 2 ? 'new' : STATUSES[i % STATUSES.length],
      topic: i % 5 < 2 ? 'europe' : TOPICS[i % TOPICS.length],
      message: `Capacity probe tip number ${String(i).padStart(6, '0')} ${'x'.repeat(300)}`,
    });
  });
}

describe('read capacity of a filtered first page does not grow with the table', () => {
  let table: TestTable;

  beforeAll(async () => {
    table = await makeTestTable('staff-capacity');
  });
  afterAll(() => table?.dynamo.client.destroy());

  async function measure() {
    const store = makeTipStore({ doc: table.dynamo.doc, tableName: table.tableName });
    const listTips = makeListTips({
      receiptKeys: testReceiptKeys,
      store,
      cursors: makeCursorCodec('capacity-test-cursor-key-0123456789abcdef'),
    });
    const page = await listTips({ status: 'new', topic: 'europe', limit: 25 });
    // What reading the whole table costs (a Scan-based list would pay this on every page).
    let stored = 0;
    let scanCapacity = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const scan = await table.dynamo.doc.send(
        new ScanCommand({
          TableName: table.tableName,
          Select: 'COUNT',
          ReturnConsumedCapacity: 'TOTAL',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      stored += scan.Count ?? 0;
      scanCapacity += scan.ConsumedCapacity?.CapacityUnits ?? 0;
      startKey = scan.LastEvaluatedKey;
    } while (startKey);
    return { page: page.consumedCapacity, items: page.items.length, stored, scanCapacity };
  }

  it('100 vs 5,000 stored tips: the same read units for the same page', async () => {
    await batchWriteTips(table.dynamo.doc, table.tableName, tips(0, 100));
    const small = await measure();
    await batchWriteTips(table.dynamo.doc, table.tableName, tips(100, 4_900));
    const large = await measure();

    console.log(
      `filtered first page (status=new, topic=europe, limit 25): ${small.page} RCU with ${small.stored} tips stored, ` +
        `${large.page} RCU with ${large.stored}; a Scan for comparison: ${small.scanCapacity} vs ${large.scanCapacity} RCU`,
    );
    expect(small.stored).toBe(100);
    expect(large.stored).toBe(5_000);
    expect(small.items).toBe(25);
    expect(large.items).toBe(25);
    // dynalite does report capacity for GSI queries: a missing number must fail, not pass as equal.
    expect(small.page).toBeGreaterThan(0);
    expect(large.page).toBe(small.page);
    // The probe is sensitive: a full read of the table (what a Scan-based list would cost) grows ~50×.
    expect(large.scanCapacity).toBeGreaterThan(small.scanCapacity * 20);
  });

  it('every list request is exactly one Query on a GSI, never a Scan: each filter combination, cursor, q, time range', async () => {
    const { client, doc } = makeDynamoClients({ region: 'us-east-1', endpoint: table.dynamoUrl });
    const sent: Array<{ command: string; index?: string }> = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { IndexName?: string };
        sent.push({
          command: context.commandName ?? '?',
          ...(input.IndexName ? { index: input.IndexName } : {}),
        });
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    const listTips = makeListTips({
      receiptKeys: testReceiptKeys,
      store: makeTipStore({ doc, tableName: table.tableName }),
      cursors: makeCursorCodec('capacity-test-cursor-key-0123456789abcdef'),
    });
    const base = { limit: 25 } as ListQuery;
    const queries: ListQuery[] = [
      base,
      { ...base, status: 'new' },
      { ...base, kind: 'tip' },
      { ...base, topic: 'africa' },
      { ...base, status: 'new', kind: 'tip' },
      { ...base, status: 'dismissed', topic: 'africa' },
      { ...base, kind: 'tip', topic: 'europe' },
      {
        ...base,
        status: 'new',
        kind: 'tip',
        topic: 'europe',
        q: 'probe',
        from: Date.parse('2026-01-02T00:00:00Z'),
      },
    ];
    const indexes = new Set<string>();

    for (const query of queries) {
      const first = await listTips(query);
      const second = await listTips({ ...query, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
      expect(first.items.length + second.items.length).toBeGreaterThan(0);
      expect(sent.map((c) => c.command)).toEqual(['QueryCommand', 'QueryCommand']);
      indexes.add(sent[0]?.index ?? '');
      sent.length = 0;
    }
    // Eight combinations, eight different indexes.
    expect(indexes.size).toBe(8);
    client.destroy();
  });
});
