import type { S3Event } from 'aws-lambda';
import type { Logger } from '#core/platform/logger';
import type { CleanUpload } from '#core/uploads/clean-upload';
import { UPLOAD_PREFIX } from '#core/uploads/storage-layout';

export interface CleanerDeps {
  cleanUpload: CleanUpload;
  logger: Logger;
}

// An object id as the upload grants make them; anything else under uploads/ is not a reader's upload.
const OBJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** S3 writes an event's key URL-encoded, with `+` for a space. */
const keyOf = (encoded: string) => decodeURIComponent(encoded.replace(/\+/g, ' '));

/**
 * Turns S3 ObjectCreated events on the uploads bucket into cleaning runs. A failure throws, so
 * Lambda's asynchronous invocation retries the event (each run is safe to repeat); its logs name
 * the object id, the type, the sizes and what was removed, never the file's bytes or name.
 */
export function makeCleanerHandler({ cleanUpload, logger }: CleanerDeps) {
  return async function handler(event: Partial<S3Event>): Promise<void> {
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith('ObjectCreated:')) continue;
      const key = keyOf(record.s3.object.key);
      const id = key.startsWith(UPLOAD_PREFIX) ? key.slice(UPLOAD_PREFIX.length) : '';
      if (!OBJECT_ID.test(id)) {
        logger.warn('object is not an upload; left alone', { bucket: record.s3.bucket.name });
        continue;
      }
      const eventTime = new Date(record.eventTime);
      try {
        const result = await cleanUpload(id, {
          uploadedAt: Number.isNaN(eventTime.getTime()) ? new Date() : eventTime,
        });
        logger.info('upload cleaned', { ...result });
      } catch (err) {
        logger.warn('cleaning failed; the event will be retried', {
          id,
          error: err instanceof Error ? err.name : 'unknown',
        });
        throw err;
      }
    }
  };
}

export type CleanerHandler = ReturnType<typeof makeCleanerHandler>;
