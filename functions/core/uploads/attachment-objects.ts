import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { StoreUnavailableError } from '#core/http/errors';
import { isStoreUnavailable } from '#core/tips/tip-store';
import { cleanKey, originalKey } from './storage-layout';

/** Per-key answers of DeleteObjects that mean "try again", as S3 documents them. */
const RETRYABLE_KEY_ERRORS = new Set(['InternalError', 'SlowDown', 'ServiceUnavailable']);
const S3_RETRYABLE = new Set(['SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout']);

/** DeleteObjects takes at most 1000 keys a call; ten attachments make 20. */
const KEYS_PER_CALL = 1000;

/** An object S3 could not delete (its key names only the attachment id, never the file). */
export class AttachmentDeleteError extends Error {
  override readonly name = 'AttachmentDeleteError';
  constructor(
    readonly failedKeys: string[],
    readonly codes: string[],
  ) {
    super(`${failedKeys.length} attachment object(s) not deleted: ${failedKeys.join(', ')}`);
  }
}

export interface AttachmentObjects {
  /**
   * Deletes every stored copy of these attachments in the clean bucket: the copy staff get and,
   * with KEEP_ORIGINALS, the original. An object already gone counts as deleted (S3 reports a
   * missing key as deleted), so a retry after a partial failure is safe. S3 throttled or down:
   * StoreUnavailableError (503, try again); a key S3 refused otherwise (access denied: a bug in
   * the grants): AttachmentDeleteError.
   */
  deleteAll(ids: readonly string[]): Promise<void>;
}

export function makeAttachmentObjects({ s3, bucket }: { s3: S3Client; bucket: string }): AttachmentObjects {
  return {
    async deleteAll(ids) {
      const keys = ids.flatMap((id) => [cleanKey(id), originalKey(id)]);
      const failed: string[] = [];
      const codes: string[] = [];
      for (let i = 0; i < keys.length; i += KEYS_PER_CALL) {
        const chunk = keys.slice(i, i + KEYS_PER_CALL);
        const out = await s3
          .send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              // Quiet: S3 answers only with the keys it failed to delete.
              Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
            }),
          )
          .catch((err: unknown) => {
            if (isStoreUnavailable(err) || (err instanceof Error && S3_RETRYABLE.has(err.name))) {
              throw new StoreUnavailableError(5, { cause: err });
            }
            throw err;
          });
        for (const e of out.Errors ?? []) {
          if (e.Code === 'NoSuchKey') continue;
          failed.push(e.Key ?? '?');
          codes.push(e.Code ?? 'unknown');
        }
      }
      if (failed.length === 0) return;
      const error = new AttachmentDeleteError(failed, codes);
      if (codes.every((c) => RETRYABLE_KEY_ERRORS.has(c)))
        throw new StoreUnavailableError(5, { cause: error });
      throw error;
    },
  };
}
