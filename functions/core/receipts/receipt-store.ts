import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Attachment } from '#core/attachments/attachment-record';
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
  /** The files a reader adds from the follow-up page, appended as pending records (issue 12). */
  attachments: 'attachments',
} as const;

/**
 * What the receipts function reads of a tip besides the receipt index (GetItem, these only): its
 * files' records, to keep a follow-up's files within the tip's count and size limits. infra/
 * allows that GetItem for these attributes only: no message, no contact details.
 */
export const READER_FILES_READ_ATTRIBUTES = [
  READER_ENTRY_ATTRIBUTES.key,
  READER_ENTRY_ATTRIBUTES.attachments,
];

/** Files added with a reader's entry: appended to the tip's list, written when it still holds `seen`. */
export interface ReaderFiles {
  attachments: Attachment[];
  /** How many records the tip had when the limits were checked: the write fails if that changed. */
  seen: number;
}

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
    entry: HistoryEntry | HistoryEntry[],
    limits: { maxHistory: number; maxBytes: number },
    files?: ReaderFiles,
  ): Promise<'appended' | 'full' | 'too-large' | 'files-changed'>;
  /**
   * The tip's attachment records (consistent read, the attachments alone), for the limits of a
   * follow-up's files; the cleaner rewrites them in place, never removes one.
   */
  attachmentsOf(tipId: string): Promise<Attachment[]>;
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
const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

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

    async attachmentsOf(tipId) {
      try {
        const { Item } = await doc.send(
          new GetCommand({
            TableName: tableName,
            Key: { [READER_ENTRY_ATTRIBUTES.key]: tipId },
            ProjectionExpression: '#att',
            ExpressionAttributeNames: { '#att': READER_ENTRY_ATTRIBUTES.attachments },
            ConsistentRead: true,
          }),
        );
        return (Item?.[READER_ENTRY_ATTRIBUTES.attachments] as Attachment[] | undefined) ?? [];
      } catch (err) {
        throw toStoreError(err);
      }
    },

    async appendReaderEntry(code, tip, entry, { maxHistory, maxBytes }, files) {
      const entries = Array.isArray(entry) ? entry : [entry];
      const added = files?.attachments ?? [];
      const delta =
        listAppendBytes(entries) +
        (added.length > 0 ? listAppendBytes(added) + utf8Bytes(READER_ENTRY_ATTRIBUTES.attachments) : 0) +
        COUNTER_GROWTH_BYTES;
      const legacy = itemBytes(tip) + UNSEEN_BYTES;
      // Room left under the budget, checked by the write itself: two messages at once cannot
      // both take the last of it.
      const sized = '#size <= :room';
      const fits = legacy + delta <= maxBytes ? `(attribute_not_exists(#size) OR ${sized})` : sized;
      // Appended at the end (the cleaner finds a record by its id and position), only while the
      // list is as long as when its limits were checked: two follow-ups at once cannot both fit.
      const withFiles = added.length > 0;
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [READER_ENTRY_ATTRIBUTES.key]: tip.id },
            UpdateExpression: `SET #history = list_append(#history, :entries), #version = #version + :one, #size = if_not_exists(#size, :legacy) + :delta${withFiles ? ', #att = list_append(if_not_exists(#att, :none), :att)' : ''}`,
            ConditionExpression: `attribute_exists(#id) AND #k = :k AND size(#history) < :max AND ${fits}${withFiles ? ' AND (attribute_not_exists(#att) OR size(#att) = :seen)' : ''}`,
            ExpressionAttributeNames: {
              '#id': READER_ENTRY_ATTRIBUTES.key,
              '#history': READER_ENTRY_ATTRIBUTES.history,
              '#version': READER_ENTRY_ATTRIBUTES.version,
              '#k': READER_ENTRY_ATTRIBUTES.receiptKey,
              '#size': READER_ENTRY_ATTRIBUTES.size,
              ...(withFiles ? { '#att': READER_ENTRY_ATTRIBUTES.attachments } : {}),
            },
            ExpressionAttributeValues: {
              ...(withFiles ? { ':att': added, ':none': [], ':seen': files?.seen ?? 0 } : {}),
              ':entries': entries,
              ':one': 1,
              ':k': receiptKeys.lookupKey(code),
              ':max': maxHistory - entries.length + 1,
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
      if (still.history.length + entries.length > maxHistory) return 'full';
      if (withFiles && (await this.attachmentsOf(tip.id)).length !== files?.seen) return 'files-changed';
      return 'too-large';
    },
  };
}
