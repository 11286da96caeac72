import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Attachment, UNSNIFFED_MIME } from '#core/attachments/attachment-record';
import { type AttachmentOutcome, cleanAttachment } from '#core/attachments/clean-attachment';
import { attachmentFromOutcome } from '#core/attachments/record-from-outcome';
import { UNKNOWN_TYPE } from '#core/attachments/sniff-type';
import type { AttachToTip } from './attach-to-tip';
import type { MarkAttached } from './attached-tag';
import { type AttachmentClaims, CLEAN_ATTEMPTS } from './attachment-claims';
import { ATTACHED_TAG, cleanKey, originalKey, uploadKey } from './storage-layout';

/** The reason staff read for a file the cleaner crashed or timed out on at every attempt. */
export const UNREADABLE_REASON =
  'it could not be read (the cleaner failed on it), so it is stored as received';

/** The tip was named in the claim but is not stored yet: the event is retried. */
export class TipNotStoredError extends Error {
  override name = 'TipNotStoredError';
  readonly retryable = true;
}

export interface CleanUploadDeps {
  s3: S3Client;
  uploadsBucket: string;
  cleanBucket: string;
  claims: AttachmentClaims;
  attachToTip: AttachToTip;
  markAttached: MarkAttached;
  /** KEEP_ORIGINALS: the original also goes to originals/<id> in the clean bucket. */
  keepOriginals?: boolean;
  maxAttempts?: number;
  /** The cleaning core; a test hands in one that fails as a crash would. */
  clean?: (bytes: Uint8Array) => Promise<AttachmentOutcome>;
}

export interface CleanUploadResult {
  id: string;
  /** `gone`: no upload and no result (expired, or never there): nothing to do. */
  status: Attachment['cleaning']['status'] | 'gone';
  mime?: string;
  uploadBytes?: number;
  cleanBytes?: number;
  removed?: string[];
  /** Whether this run put the record on the tip (`already`: someone did before). */
  attached: 'applied' | 'already' | 'erased' | 'no-tip-yet';
  /** This run only finished what an earlier one had cleaned (a redelivery or a retry). */
  resumed: boolean;
}

const isNotFound = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404 ||
  (err instanceof Error && err.name === 'NoSuchKey');

// What staff are served: the sniffed type of a cleaned or not-cleaned file; for anything kept
// inert, bytes that no browser will render.
function servedType(outcome: AttachmentOutcome): string {
  return outcome.status === 'inert' ? UNSNIFFED_MIME : outcome.type.mime;
}

const unattachedTag = `${ATTACHED_TAG.key}=${ATTACHED_TAG.unattached}`;

/**
 * The cleaner's work on one new upload `uploads/<id>`: read it, clean it (`cleanAttachment`),
 * write the copy staff get to `clean/<id>` (tagged unattached), with KEEP_ORIGINALS the original
 * to `originals/<id>`, record the result in the claim, delete the upload, and, when intake has
 * named the tip already, put the record on it. Every step is safe to repeat: a retry or a
 * redelivered event that finds the result recorded only finishes (delete, apply, tag).
 */
export function makeCleanUpload({
  s3,
  uploadsBucket,
  cleanBucket,
  claims,
  attachToTip,
  markAttached,
  keepOriginals = false,
  maxAttempts = CLEAN_ATTEMPTS,
  clean = cleanAttachment,
}: CleanUploadDeps) {
  async function readUpload(id: string): Promise<Uint8Array | undefined> {
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: uploadsBucket, Key: uploadKey(id) }));
      // At most MAX_FILE_BYTES (100 MB): held in memory once, as every cleaner needs the whole file.
      return got.Body ? await got.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  const put = (Key: string, Body: Uint8Array, ContentType: string) =>
    s3.send(new PutObjectCommand({ Bucket: cleanBucket, Key, Body, ContentType, Tagging: unattachedTag }));

  async function finish(id: string, claim: Awaited<ReturnType<AttachmentClaims['touch']>>) {
    await s3.send(new DeleteObjectCommand({ Bucket: uploadsBucket, Key: uploadKey(id) }));
    const { tipId, position, result, uploadBytes } = claim;
    if (tipId === undefined || position === undefined || !result || uploadBytes === undefined)
      return 'no-tip-yet' as const;
    const outcome = await attachToTip({ tipId, position, record: result, uploadBytes });
    if (outcome === 'tip-missing') throw new TipNotStoredError(`tip ${tipId} is not stored yet`);
    // Erased while it was being cleaned: the copies stay tagged unattached, so the clean bucket's
    // lifecycle rule deletes them within UNATTACHED_EXPIRY_DAYS (the cleaner may not delete there).
    if (outcome === 'erased') return outcome;
    await markAttached(id, { keptOriginal: claim.keptOriginal === true });
    return outcome;
  }

  return async function cleanUpload(
    id: string,
    { uploadedAt }: { uploadedAt: Date },
  ): Promise<CleanUploadResult> {
    const before = await claims.touch(id);
    if (before.result) {
      const attached = await finish(id, before);
      return { id, status: before.result.cleaning.status, attached, resumed: true };
    }
    const original = await readUpload(id);
    if (!original) return { id, status: 'gone', attached: 'no-tip-yet', resumed: false };

    // Only attempts that crashed or timed out inside the cleaning core count towards giving up.
    const attempt = await claims.countAttempt(id);
    let outcome: AttachmentOutcome;
    if (attempt >= maxAttempts) {
      outcome = {
        status: 'not-cleaned',
        type: UNKNOWN_TYPE,
        kind: 'not-cleanable',
        reason: UNREADABLE_REASON,
      };
    } else {
      outcome = await clean(original);
      await claims.uncountAttempt(id);
    }
    const copy = outcome.status === 'cleaned' ? outcome.bytes : original;
    const type = attempt >= maxAttempts ? UNSNIFFED_MIME : servedType(outcome);
    await put(cleanKey(id), copy, type);
    if (keepOriginals) await put(originalKey(id), original, UNSNIFFED_MIME);

    const record = attachmentFromOutcome(outcome, {
      id,
      sizeBytes: copy.byteLength,
      uploadedAt: uploadedAt.toISOString(),
    });
    const claim = await claims.recordResult(id, record, {
      uploadBytes: original.byteLength,
      keptOriginal: keepOriginals,
    });
    const attached = await finish(id, claim);
    return {
      id,
      status: record.cleaning.status,
      mime: record.mime,
      uploadBytes: original.byteLength,
      cleanBytes: copy.byteLength,
      removed: record.cleaning.removed,
      attached,
      resumed: false,
    };
  };
}

export type CleanUpload = ReturnType<typeof makeCleanUpload>;
