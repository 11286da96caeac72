import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Attachment, attachmentSchema } from '#core/attachments/attachment-record';
import { isConditionFailure, toStoreError } from '#core/tips/tip-store';

/**
 * The meeting point of intake and the cleaner for one upload (issue 12): a reader uploads before
 * the tip exists, so the cleaner may finish before or after intake stores the tip. One item per
 * object in the guard table, `attachment#<object id>`: intake sets `tipId` and `position` (where
 * the file sits in the tip's `attachments`), the cleaner sets `result` (the attachment record)
 * and `uploadBytes` (the upload's size, for intake to check once the upload is gone). Each writes
 * with one UpdateItem returning the whole item, so whichever writes second sees both and applies
 * the result to the tip. Kept two days by TTL: an upload expires after one, and a tip names its
 * files within minutes.
 */
export const CLAIM_TTL_SECONDS = 2 * 86_400;

/**
 * Attempts at one upload: Lambda's asynchronous invocation tries an S3 event once and retries it
 * twice (infra sets retryAttempts to this less one; the local feed does the same). The last
 * attempt does not run the cleaner on a file that crashed or timed out twice: it stores it as
 * received, marked "could not be read", never opened (clean-upload.ts).
 */
export const CLEAN_ATTEMPTS = 3;

export const claimKey = (objectId: string) => `attachment#${objectId}`;

export interface AttachmentClaim {
  tipId?: string;
  position?: number;
  /** The cleaner's record of the file, once it has read it. */
  result?: Attachment;
  /** The upload's size as S3 measured it (the upload itself is deleted after cleaning). */
  uploadBytes?: number;
  /** The original was kept too (KEEP_ORIGINALS): its copy is tagged with the clean one. */
  keptOriginal?: boolean;
  /** Cleaning attempts that reached the cleaner (a crash or timeout leaves its count). */
  attempts?: number;
}

export type AttachOutcome =
  | { ok: true; claim: AttachmentClaim }
  | { ok: false; reason: 'attached-elsewhere' };

export interface AttachmentClaims {
  /** The claim as it stands (consistent read), or undefined when nothing wrote one. */
  read(objectId: string): Promise<AttachmentClaim | undefined>;
  /**
   * Intake: names the tip and position of the file; refused when another tip has it (one upload,
   * one tip). The same tip again is allowed (a retried write).
   */
  attach(objectId: string, tipId: string, position: number): Promise<AttachOutcome>;
  /** Intake, when the tip could not be stored after all: the file is free for the retried tip. */
  release(objectId: string, tipId: string): Promise<void>;
  /** The cleaner, on arrival: the claim as it stands (UpdateItem only: the cleaner reads nothing else). */
  touch(objectId: string): Promise<AttachmentClaim>;
  /** The cleaner, just before it cleans the file: counts the attempt, answers the count. */
  countAttempt(objectId: string): Promise<number>;
  /**
   * The cleaner, once the cleaning core has returned: that attempt did not crash on the file, so
   * it does not count (a failure after it, of S3 or a table, must not make the file "unreadable").
   */
  uncountAttempt(objectId: string): Promise<void>;
  /** The cleaner: its record of the file (the first one written stays: a redelivery never replaces it). */
  recordResult(
    objectId: string,
    result: Attachment,
    facts: { uploadBytes: number; keptOriginal: boolean },
  ): Promise<AttachmentClaim>;
}

export interface AttachmentClaimsProps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  clock?: () => Date;
}

function claimFrom(item: Record<string, unknown> | undefined): AttachmentClaim | undefined {
  if (!item) return undefined;
  const claim: AttachmentClaim = {};
  if (typeof item.tipId === 'string') claim.tipId = item.tipId;
  if (typeof item.position === 'number') claim.position = item.position;
  if (typeof item.uploadBytes === 'number') claim.uploadBytes = item.uploadBytes;
  if (typeof item.attempts === 'number') claim.attempts = item.attempts;
  if (item.keptOriginal === true) claim.keptOriginal = true;
  // Only what the schema admits is ever applied to a tip.
  if (typeof item.result === 'string') claim.result = attachmentSchema.parse(JSON.parse(item.result));
  return claim;
}

export function makeAttachmentClaims({
  doc,
  tableName,
  clock = () => new Date(),
}: AttachmentClaimsProps): AttachmentClaims {
  const expiry = () => Math.floor(clock().getTime() / 1000) + CLAIM_TTL_SECONDS;

  async function update(
    objectId: string,
    expression: string,
    values: Record<string, unknown>,
    condition?: string,
    names?: Record<string, string>,
  ): Promise<AttachmentClaim> {
    const { Attributes } = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: claimKey(objectId) },
        UpdateExpression: `SET expiresAt = if_not_exists(expiresAt, :exp)${expression}`,
        ExpressionAttributeValues: { ':exp': expiry(), ...values },
        ...(condition ? { ConditionExpression: condition } : {}),
        ...(names ? { ExpressionAttributeNames: names } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return claimFrom(Attributes) ?? {};
  }

  return {
    async read(objectId) {
      try {
        const { Item } = await doc.send(
          new GetCommand({ TableName: tableName, Key: { pk: claimKey(objectId) }, ConsistentRead: true }),
        );
        return claimFrom(Item);
      } catch (err) {
        throw toStoreError(err);
      }
    },

    async attach(objectId, tipId, position) {
      try {
        const claim = await update(
          objectId,
          ', tipId = :tip, #position = :position',
          { ':tip': tipId, ':position': position },
          'attribute_not_exists(tipId) OR tipId = :tip',
          { '#position': 'position' },
        );
        return { ok: true, claim };
      } catch (err) {
        if (isConditionFailure(err)) return { ok: false, reason: 'attached-elsewhere' };
        throw toStoreError(err);
      }
    },

    async release(objectId, tipId) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: claimKey(objectId) },
            UpdateExpression: 'REMOVE tipId, #position',
            ConditionExpression: 'tipId = :tip',
            ExpressionAttributeNames: { '#position': 'position' },
            ExpressionAttributeValues: { ':tip': tipId },
          }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw toStoreError(err);
      }
    },

    async touch(objectId) {
      return update(objectId, '', {}).catch((err) => {
        throw toStoreError(err);
      });
    },

    async countAttempt(objectId) {
      const claim = await update(objectId, ', attempts = if_not_exists(attempts, :zero) + :one', {
        ':zero': 0,
        ':one': 1,
      }).catch((err) => {
        throw toStoreError(err);
      });
      return claim.attempts ?? 1;
    },

    async uncountAttempt(objectId) {
      await update(
        objectId,
        ', attempts = attempts - :one',
        { ':one': 1, ':zero': 0 },
        'attempts > :zero',
      ).catch((err) => {
        if (!isConditionFailure(err)) throw toStoreError(err);
      });
    },

    async recordResult(objectId, result, { uploadBytes, keptOriginal }) {
      return update(
        objectId,
        ', #result = if_not_exists(#result, :result), uploadBytes = if_not_exists(uploadBytes, :bytes), keptOriginal = if_not_exists(keptOriginal, :kept)',
        {
          ':result': JSON.stringify(attachmentSchema.parse(result)),
          ':bytes': uploadBytes,
          ':kept': keptOriginal,
        },
        undefined,
        { '#result': 'result' },
      );
    },
  };
}
