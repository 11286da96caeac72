import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/http/errors';
import { itemBytes, listAppendBytes } from '#core/tips/item-size';
import type { ReceiptKeys } from '#core/tips/receipt-key';
import { RECEIPT_INDEX, TIPS_TABLE_KEY } from '#core/tips/table-design';
import type { HistoryEntry, TipRecord } from '#core/tips/tip-record';
import { isConditionFailure, receiptIndexQuery, SIZE_ATTRIBUTE, toStoreError } from '#core/tips/tip-store';

/** What the receipt index holds of a tip: only what a reader's follow-up needs (never the code). */
export type ReceiptView = Pick<
  TipRecord,
  'id' | 'kind' | 'topic' | 'status' | 'createdAt' | 'history' | 'version'
>;

/**
 * Every top-level attribute the receipts function's UpdateItem on the tips table names: the key,
 * what it writes (history, version, the size count) and what its condition reads (the receipt
 * index key).
 * infra/ allows the receipts role that UpdateItem for these attributes only (dynamodb:Attributes),
 * so a write that names another one is refused in AWS: add it here, not in a string of its own.
 */
export const READER_ENTRY_ATTRIBUTES = {
  key: TIPS_TABLE_KEY.partitionKey,
  history: 'history',
  version: 'version',
  receiptKey: RECEIPT_INDEX.partitionKey,
  /** The tip's byte count, kept up to date by every write (the size budget). */
  size: SIZE_ATTRIBUTE,
} as const;

export interface ReceiptStore {
  /** The tip behind a receipt code, or undefined: one Query whether or not the code exists. */
  findByReceipt(code: string): Promise<ReceiptView | undefined>;
  /**
   * Appends to the tip's history (and bumps its version, so an editor's stale PATCH sees it),
   * in one conditional UpdateItem: only while the tip exists, still has this receipt, its
   * history is under `maxHistory` entries and the tip stays under `maxBytes` as DynamoDB
   * counts it (SIZE_ATTRIBUTE; a DynamoDB item is capped at 400 KB).
   */
  appendReaderEntry(
    code: string,
    tip: ReceiptView,
    entry: HistoryEntry,
    limits: { maxHistory: number; maxBytes: number },
  ): Promise<'appended' | 'full' | 'too-large'>;
}

/** The receipt index's items, as found by a code's keyed hash. */
export function toReceiptView(item: Record<string, unknown>): ReceiptView {
  const { id, kind, topic, status, createdAt, history, version } = item as ReceiptView;
  return { id, kind, topic, status, createdAt, history, version };
}

/**
 * A tip stored before it kept its size has none: its size is taken as what the receipt index
 * shows plus the most the rest can be (the submission's fields fit in the 64 KiB body, plus
 * the index keys and staff fields), an over-estimate that the next staff change corrects.
 */
const UNSEEN_BYTES = 64 * 1024 + 4 * 1024;
// A version and a size that gain a digit on this write.
const COUNTER_GROWTH_BYTES = 4;

export function makeReceiptStore({
  doc,
  tableName,
  receiptKeys,
}: {
  doc: DynamoDBDocumentClient;
  tableName: string;
  receiptKeys: ReceiptKeys;
}): ReceiptStore {
  return {
    async findByReceipt(code) {
      try {
        const { Items = [] } = await doc.send(
          new QueryCommand(receiptIndexQuery(tableName, receiptKeys.lookupKey(code))),
        );
        const [item] = Items;
        return item ? toReceiptView(item) : undefined;
      } catch (err) {
        throw toStoreError(err);
      }
    },

    async appendReaderEntry(code, tip, entry, { maxHistory, maxBytes }) {
      const delta = listAppendBytes([entry]) + COUNTER_GROWTH_BYTES;
      const legacy = itemBytes(tip) + UNSEEN_BYTES;
      // Room left under the budget, checked by the write itself: two messages at once cannot
      // both take the last of it.
      const sized = '#size <= :room';
      const fits = legacy + delta <= maxBytes ? `(attribute_not_exists(#size) OR ${sized})` : sized;
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [READER_ENTRY_ATTRIBUTES.key]: tip.id },
            UpdateExpression:
              'SET #history = list_append(#history, :entries), #version = #version + :one, #size = if_not_exists(#size, :legacy) + :delta',
            ConditionExpression: `attribute_exists(#id) AND #k = :k AND size(#history) < :max AND ${fits}`,
            ExpressionAttributeNames: {
              '#id': READER_ENTRY_ATTRIBUTES.key,
              '#history': READER_ENTRY_ATTRIBUTES.history,
              '#version': READER_ENTRY_ATTRIBUTES.version,
              '#k': READER_ENTRY_ATTRIBUTES.receiptKey,
              '#size': READER_ENTRY_ATTRIBUTES.size,
            },
            ExpressionAttributeValues: {
              ':entries': [entry],
              ':one': 1,
              ':k': receiptKeys.lookupKey(code),
              ':max': maxHistory,
              ':room': maxBytes - delta,
              ':legacy': legacy,
              ':delta': delta,
            },
          }),
        );
        return 'appended';
      } catch (err) {
        if (!isConditionFailure(err)) throw toStoreError(err);
      }
      // Which condition failed: the tip is gone (expired, erased) or its history is full.
      const still = await this.findByReceipt(code);
      if (!still) throw new NotFoundError('no such receipt');
      return still.history.length >= maxHistory ? 'full' : 'too-large';
    },
  };
}
