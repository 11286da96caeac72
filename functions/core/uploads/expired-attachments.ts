import * as z from 'zod';

/**
 * Who DynamoDB names as the deleter of an item its TTL expired: a stream REMOVE record with
 * `userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }`. Anything else is
 * a delete by someone (nothing in Tipline deletes tips), never a retention expiry.
 */
export const TTL_DELETER = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

/** What of a stream record decides whether it is a TTL expiry (the aws-lambda type, loosely). */
export interface RemovalRecord {
  eventName?: string | undefined;
  userIdentity?: { type?: string; principalId?: string } | undefined;
}

export function isTtlExpiry(record: RemovalRecord): boolean {
  return (
    record.eventName === 'REMOVE' &&
    record.userIdentity?.type === TTL_DELETER.type &&
    record.userIdentity?.principalId === TTL_DELETER.principalId
  );
}

// Only what deletion needs, read leniently: an expired tip's other fields are not checked here,
// and a record a newer writer shaped differently still has its files deleted.
const storedFiles = z.object({
  attachments: z
    .array(z.object({ id: z.string().min(1), cleaning: z.object({ status: z.string() }).optional() }))
    .optional(),
});

/**
 * The attachments whose stored copies go with an expired tip (its OLD_IMAGE, unmarshalled):
 * every one not erased already (an erased one's objects were deleted when it was erased).
 */
export function filesOfExpiredTip(oldImage: unknown): string[] {
  const parsed = storedFiles.safeParse(oldImage);
  if (!parsed.success) return [];
  return (parsed.data.attachments ?? []).filter((a) => a.cleaning?.status !== 'erased').map((a) => a.id);
}
