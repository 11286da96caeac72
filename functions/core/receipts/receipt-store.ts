import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/http/errors';
import type { ReceiptKeys } from '#core/tips/receipt-key';
import { RECEIPT_INDEX } from '#core/tips/table-design';
import type { HistoryEntry, TipRecord } from '#core/tips/tip-record';
import { isConditionFailure, toStoreError } from '#core/tips/tip-store';

/** What the receipt index holds of a tip: only what a reader's follow-up needs (never the code). */
export type ReceiptView = Pick<
  TipRecord,
  'id' | 'kind' | 'topic' | 'status' | 'createdAt' | 'history' | 'version'
>;

export interface ReceiptStore {
  /** The tip behind a receipt code, or undefined: one Query whether or not the code exists. */
  findByReceipt(code: string): Promise<ReceiptView | undefined>;
  /**
   * Appends to the tip's history (and bumps its version, so an editor's stale PATCH sees it),
   * in one conditional UpdateItem: only while the tip exists, still has this receipt, and its
   * history is under `maxHistory` entries (a DynamoDB item is capped at 400 KB).
   */
  appendReaderEntry(
    code: string,
    tip: Pick<ReceiptView, 'id'>,
    entry: HistoryEntry,
    maxHistory: number,
  ): Promise<'appended' | 'full'>;
}

/** The receipt index's items, as found by a code's keyed hash. */
export function toReceiptView(item: Record<string, unknown>): ReceiptView {
  const { id, kind, topic, status, createdAt, history, version } = item as ReceiptView;
  return { id, kind, topic, status, createdAt, history, version };
}

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
          new QueryCommand({
            TableName: tableName,
            IndexName: RECEIPT_INDEX.indexName,
            KeyConditionExpression: '#k = :k',
            ExpressionAttributeNames: { '#k': RECEIPT_INDEX.partitionKey },
            ExpressionAttributeValues: { ':k': receiptKeys.lookupKey(code) },
            Limit: 1,
          }),
        );
        const [item] = Items;
        return item ? toReceiptView(item) : undefined;
      } catch (err) {
        throw toStoreError(err);
      }
    },

    async appendReaderEntry(code, tip, entry, maxHistory) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: tip.id },
            UpdateExpression: 'SET #history = list_append(#history, :entries), #version = #version + :one',
            ConditionExpression: 'attribute_exists(id) AND #k = :k AND size(#history) < :max',
            ExpressionAttributeNames: {
              '#history': 'history',
              '#version': 'version',
              '#k': RECEIPT_INDEX.partitionKey,
            },
            ExpressionAttributeValues: {
              ':entries': [entry],
              ':one': 1,
              ':k': receiptKeys.lookupKey(code),
              ':max': maxHistory,
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
      return 'full';
    },
  };
}
