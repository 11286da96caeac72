import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { buildTipRecord, validateSubmission } from '#core/intake/submit-tip';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { makeCursorCodec } from '#core/staff/cursor';
import { makeListTips, parseListQuery } from '#core/staff/list-tips';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { indexAttributes } from '#core/tips/table-design';
import { TIP_STATUSES, type TipRecord } from '#core/tips/tip-record';
import { TIP_KINDS, TIP_TOPICS } from '#core/tips/tip-schema';
import { makeTipStore } from '#core/tips/tip-store';
import { ensureTable, tipsTableInput } from '../local/stack/tables';
import { benchTip, round, type Summary, summarize } from './support';

export interface StaffListPoint {
  stored: number;
  /** Read capacity units of the first page (DynamoDB's own count, ReturnConsumedCapacity). */
  capacity: number;
  items: number;
  latency: Summary;
  seedSeconds: number;
}

/** The filtered first page a desk editor opens most: new tips on one topic, newest first. */
export const STAFF_QUERY = { status: 'new', topic: 'europe' } as const;

const SEED_BATCH = 25;
const SEED_IN_FLIGHT = 16;
const PAGES_PER_POINT = 40;

/**
 * Seeds tips straight into the table with BatchWrite (with their gsi_* index attributes,
 * as putTip writes them) and measures the staff list's first page at each size: one Query
 * on the filter's GSI, so its capacity should not move as the table grows.
 */
export async function staffList(
  dynamoUrl: string,
  sizes = [1_000, 10_000, 50_000],
): Promise<StaffListPoint[]> {
  const tableName = `bench-staff-${Date.now()}`;
  const { client, doc } = makeDynamoClients({ region: 'us-east-1', endpoint: dynamoUrl });
  await ensureTable(client, tipsTableInput(tableName));
  const store = makeTipStore({ doc, tableName });
  const listTips = makeListTips({
    store,
    cursors: makeCursorCodec('bench-cursor-secret-0123456789abcdef'),
    receiptKeys: makeReceiptKeys('bench-receipt-hash-secret-0123456789abcdef'),
  });
  const query = parseListQuery({ ...STAFF_QUERY });

  const base = validateSubmission(benchTip(0));
  const start = Date.now() - 90 * 24 * 3600 * 1000;
  let stored = 0;
  const tipAt = (i: number): TipRecord => {
    const t = buildTipRecord(
      {
        ...base,
        kind: TIP_KINDS[i % TIP_KINDS.length] as TipRecord['kind'],
        topic: TIP_TOPICS[(i >> 1) % TIP_TOPICS.length] as TipRecord['topic'],
      },
      { id: ulid(start + i * 60_000), now: new Date(start + i * 60_000) },
    );
    // Most tips are still new; the rest spread over the other statuses.
    const status = i % 5 < 2 ? 'new' : (TIP_STATUSES[i % TIP_STATUSES.length] ?? 'new');
    return { ...t, status } as TipRecord;
  };

  const points: StaffListPoint[] = [];
  for (const size of sizes) {
    const seedStarted = performance.now();
    const batches: Record<string, unknown>[][] = [];
    for (let i = stored; i < size; i += SEED_BATCH) {
      const batch: Record<string, unknown>[] = [];
      for (let j = i; j < Math.min(size, i + SEED_BATCH); j++) {
        const tip = tipAt(j);
        batch.push({ ...tip, ...indexAttributes(tip) });
      }
      batches.push(batch);
    }
    const writeBatch = async (items: Record<string, unknown>[]) => {
      let pending: unknown[] = items.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const out = await doc.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }),
        );
        pending = (out.UnprocessedItems?.[tableName] as unknown[] | undefined) ?? [];
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: SEED_IN_FLIGHT }, async () => {
        while (next < batches.length) {
          const mine = batches[next++];
          if (mine) await writeBatch(mine);
        }
      }),
    );
    stored = size;
    const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);

    await listTips(query); // warm the connection
    const latencies: number[] = [];
    let capacity = Number.NaN;
    let items = 0;
    for (let k = 0; k < PAGES_PER_POINT; k++) {
      const t = performance.now();
      const page = await listTips(query);
      latencies.push(performance.now() - t);
      capacity = page.consumedCapacity ?? Number.NaN;
      items = page.items.length;
    }
    points.push({ stored: size, capacity, items, latency: summarize(latencies), seedSeconds });
  }
  client.destroy();
  return points;
}
