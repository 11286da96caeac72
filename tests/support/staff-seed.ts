import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { Attachment } from '#core/attachments/attachment-record';
import { indexAttributes } from '#core/tips/table-design';
import type { TipRecord, TipStatus } from '#core/tips/tip-record';
import type { TipKind, TipTopic } from '#core/tips/tip-schema';

export interface SeedSpec {
  createdAt: Date;
  kind?: TipKind;
  topic?: TipTopic;
  status?: TipStatus;
  message?: string;
  subject?: string;
  /** The records the cleaner would have written; absent as on a text-only or older tip. */
  attachments?: Attachment[];
}

/** A stored tip as intake would write it (version 1, one history entry), at a chosen time. */
export function seedTip({
  createdAt,
  kind = 'tip',
  topic = 'europe',
  status = 'new',
  message,
  subject,
  attachments,
}: SeedSpec): TipRecord {
  const id = ulid(createdAt.getTime());
  const at = createdAt.toISOString();
  return {
    id,
    createdAt: at,
    kind,
    topic,
    ...(subject !== undefined ? { subject } : {}),
    message: message ?? `Seeded tip ${id} about ferries and ports`,
    anonymous: true,
    status,
    version: 1,
    history: [{ at, by: 'reader', action: 'received', to: status }],
    ...(attachments !== undefined ? { attachments } : {}),
  };
}

/**
 * Writes tips straight to the table with BatchWrite (25 a request, several requests at once),
 * each with its list-index keys as putTip writes them: seeding thousands takes seconds.
 */
export async function batchWriteTips(
  doc: DynamoDBDocumentClient,
  tableName: string,
  tips: TipRecord[],
  concurrency = 4,
): Promise<void> {
  const batches: TipRecord[][] = [];
  for (let i = 0; i < tips.length; i += 25) batches.push(tips.slice(i, i + 25));
  let next = 0;
  async function worker() {
    while (next < batches.length) {
      const batch = batches[next++] ?? [];
      let requests = batch.map((tip) => ({ PutRequest: { Item: { ...tip, ...indexAttributes(tip) } } }));
      while (requests.length > 0) {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** `count` tips one second apart, ending at `end`, oldest first. */
export function tipsOverTime(count: number, end: Date, spec: Omit<SeedSpec, 'createdAt'> = {}): TipRecord[] {
  return Array.from({ length: count }, (_, i) =>
    seedTip({ ...spec, createdAt: new Date(end.getTime() - (count - i) * 1000) }),
  );
}
