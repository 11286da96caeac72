import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Attachment } from '#core/attachments/attachment-record';
import { valueBytes } from '#core/tips/item-size';
import { TIPS_TABLE_KEY } from '#core/tips/table-design';
import { isConditionFailure, SIZE_ATTRIBUTE, toStoreError } from '#core/tips/tip-store';
import { pendingAttachment } from './pending-attachment';
import { uploadKey } from './storage-layout';

/**
 * The only attributes of a tip the cleaner writes or reads: infra allows its role UpdateItem and
 * GetItem for these alone (dynamodb:Attributes), so it can never touch what a reader wrote.
 */
export const ATTACH_ATTRIBUTES = {
  key: TIPS_TABLE_KEY.partitionKey,
  attachments: 'attachments',
  size: SIZE_ATTRIBUTE,
} as const;

/** Where the cleaner's record of one file goes: the tip, and the place of the file in it. */
export interface AttachTarget {
  tipId: string;
  position: number;
  record: Attachment;
  /** The upload's size: what the pending record intake stored says, so the growth is exact. */
  uploadBytes: number;
}

/**
 * `applied`: the pending record is now the cleaner's; `already`: it was before (a redelivered
 * event, or intake and the cleaner both saw the finished claim); `erased`: an editor erased the
 * tip's attachments while the file was being cleaned (the record stays erased); `tip-missing`:
 * no such tip (yet).
 */
export type AttachOutcome = 'applied' | 'already' | 'erased' | 'tip-missing';

/**
 * Puts the cleaner's record of a file in its place on the tip, in ONE conditional UpdateItem:
 * only where that place still holds the same file's `pending` record (so a second apply is a
 * no-op), raising the tip's kept size (`itemBytes`) by the growth in the same write, as a
 * reader message does (item-size.ts). When the condition fails, one projected read (the id and
 * the records only: nothing a reader wrote) tells an applied record from a tip not stored yet.
 */
export function makeAttachToTip({ doc, tableName }: { doc: DynamoDBDocumentClient; tableName: string }) {
  return async function attachToTip({
    tipId,
    position,
    record,
    uploadBytes,
  }: AttachTarget): Promise<AttachOutcome> {
    if (!Number.isInteger(position) || position < 0) throw new Error(`bad attachment position ${position}`);
    const pending = pendingAttachment(
      { uploadId: '', key: uploadKey(record.id), bytes: uploadBytes },
      new Date(record.uploadedAt),
    );
    const growth = valueBytes(record) - valueBytes(pending);
    const slot = `#attachments[${position}]`;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [ATTACH_ATTRIBUTES.key]: tipId },
          UpdateExpression: `SET ${slot} = :record, #size = #size + :growth`,
          ConditionExpression: `attribute_exists(#key) AND ${slot}.id = :id AND ${slot}.cleaning.#status = :pending`,
          ExpressionAttributeNames: {
            '#key': ATTACH_ATTRIBUTES.key,
            '#attachments': ATTACH_ATTRIBUTES.attachments,
            '#size': ATTACH_ATTRIBUTES.size,
            '#status': 'status',
          },
          ExpressionAttributeValues: {
            ':record': record,
            ':growth': growth,
            ':id': record.id,
            ':pending': 'pending',
          },
        }),
      );
      return 'applied';
    } catch (err) {
      if (!isConditionFailure(err)) throw toStoreError(err);
    }
    let item: Record<string, unknown> | undefined;
    try {
      ({ Item: item } = await doc.send(
        new GetCommand({
          TableName: tableName,
          Key: { [ATTACH_ATTRIBUTES.key]: tipId },
          ProjectionExpression: '#key, #attachments',
          ExpressionAttributeNames: {
            '#key': ATTACH_ATTRIBUTES.key,
            '#attachments': ATTACH_ATTRIBUTES.attachments,
          },
          ConsistentRead: true,
        }),
      ));
    } catch (err) {
      throw toStoreError(err);
    }
    if (!item) return 'tip-missing';
    const there = (item[ATTACH_ATTRIBUTES.attachments] as Attachment[] | undefined)?.[position];
    // Another file in that place would be a bug of intake's: said loudly, never overwritten.
    if (there?.id !== record.id) throw new Error(`tip ${tipId} holds another file at ${position}`);
    if (there.cleaning?.status === 'erased') return 'erased';
    return 'already';
  };
}

export type AttachToTip = ReturnType<typeof makeAttachToTip>;
