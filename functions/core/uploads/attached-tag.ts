import type { Tag } from '@aws-sdk/client-s3';
import { type S3Source, s3Of } from '#core/platform/lazy-s3-client';
import { ATTACHED_TAG, cleanKey, originalKey } from './storage-layout';

/**
 * The object's tags with `tipline-attached=yes` in place of any earlier value, every other tag
 * kept: PutObjectTagging replaces the whole set, and the clean bucket's other tag is GuardDuty's
 * verdict (`GuardDutyMalwareScanStatus`), without which staff downloads wait for a scan forever.
 */
export function withAttachedTag(tags: readonly Tag[]): Tag[] {
  return [
    ...tags.filter((t) => t.Key !== ATTACHED_TAG.key),
    { Key: ATTACHED_TAG.key, Value: ATTACHED_TAG.attached },
  ];
}

/**
 * Tags the copies of an attached file `tipline-attached=yes`, so the clean bucket's lifecycle rule
 * for copies no tip named (UNATTACHED_EXPIRY_DAYS) leaves them alone. Idempotent: whoever
 * applies the record to the tip (intake or the cleaner) tags, and a retry tags again.
 *
 * Read, then written with the other tags kept (withAttachedTag). S3 has no conditional tagging,
 * so a verdict GuardDuty writes between the two calls is lost (docs/architecture.md says so):
 * the window is one round trip, once per file.
 */
export function makeMarkAttached({ s3, bucket }: { s3: S3Source; bucket: string }) {
  async function tag(Key: string): Promise<void> {
    // A dynamic import: intake loads the S3 SDK only when a tip names files (lazy-s3-client.ts).
    const [{ GetObjectTaggingCommand, PutObjectTaggingCommand }, client] = await Promise.all([
      import('#core/platform/s3-sdk'),
      s3Of(s3),
    ]);
    const current = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key }));
    await client.send(
      new PutObjectTaggingCommand({
        Bucket: bucket,
        Key,
        Tagging: { TagSet: withAttachedTag(current.TagSet ?? []) },
      }),
    );
  }

  return async function markAttached(objectId: string, { keptOriginal }: { keptOriginal: boolean }) {
    const keys = [cleanKey(objectId), ...(keptOriginal ? [originalKey(objectId)] : [])];
    await Promise.all(keys.map(tag));
  };
}

export type MarkAttached = ReturnType<typeof makeMarkAttached>;
