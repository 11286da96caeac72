import { PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { ATTACHED_TAG, cleanKey, originalKey } from './storage-layout';

/**
 * Tags the copies of an attached file `tipline-attached=yes`, so the clean bucket's lifecycle rule
 * for copies no tip named (UNATTACHED_EXPIRY_DAYS) leaves them alone. Idempotent: whoever
 * applies the record to the tip (intake or the cleaner) tags, and a retry tags again.
 */
export function makeMarkAttached({ s3, bucket }: { s3: S3Client; bucket: string }) {
  return async function markAttached(objectId: string, { keptOriginal }: { keptOriginal: boolean }) {
    const keys = [cleanKey(objectId), ...(keptOriginal ? [originalKey(objectId)] : [])];
    await Promise.all(
      keys.map((Key) =>
        s3.send(
          new PutObjectTaggingCommand({
            Bucket: bucket,
            Key,
            Tagging: { TagSet: [{ Key: ATTACHED_TAG.key, Value: ATTACHED_TAG.attached }] },
          }),
        ),
      ),
    );
  };
}

export type MarkAttached = ReturnType<typeof makeMarkAttached>;
