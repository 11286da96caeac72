import { encodeTime } from 'ulid';
import * as z from 'zod';
import { InvalidCursorError, ValidationError } from '#core/http/errors';
import type { ReceiptKeys } from '#core/tips/receipt-key';
import { type FilterField, indexPartitionValue, listIndexFor } from '#core/tips/table-design';
import { TIP_STATUSES, type TipRecord } from '#core/tips/tip-record';
import { fieldIssues, TIP_KINDS, TIP_TOPICS } from '#core/tips/tip-schema';
import type { TipStore } from '#core/tips/tip-store';
import type { CursorCodec, StartKey } from './cursor';
import type { TipSummary } from './tip-summary';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;
const MAX_QUERY_CHARS = 200;

/** A receipt lookup names one tip: any other filter (or a cursor) with it is a mistake. */
const RECEIPT_EXCLUSIVE = ['status', 'kind', 'topic', 'from', 'to', 'q', 'cursor'] as const;

const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time as a millisecond time. Without a zone it is UTC (a date is its
 * midnight UTC): the server's own time zone must never change which tips a range holds.
 */
const instant = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const m = ISO_INSTANT.exec(s);
    const ms = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`) : Number.NaN;
    if (Number.isNaN(ms)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an ISO 8601 date or date-time, like 2026-11-25 or 2026-11-25T14:00:00Z',
      });
      return z.NEVER;
    }
    return ms;
  });

/** The filters shared by the list and the export. */
export const listFilterShape = {
  status: z.enum(TIP_STATUSES, { error: `must be one of ${TIP_STATUSES.join(', ')}` }).optional(),
  kind: z.enum(TIP_KINDS, { error: `must be one of ${TIP_KINDS.join(', ')}` }).optional(),
  topic: z.enum(TIP_TOPICS, { error: `must be one of ${TIP_TOPICS.join(', ')}` }).optional(),
  /** Inclusive lower bound on when the tip arrived. */
  from: instant.optional(),
  /** Exclusive upper bound on when the tip arrived. */
  to: instant.optional(),
  q: z
    .string()
    .trim()
    .min(1, 'q is empty: leave it out instead')
    .max(MAX_QUERY_CHARS, `q must be at most ${MAX_QUERY_CHARS} characters`)
    .optional(),
};

export const listQuerySchema = z
  .strictObject({
    ...listFilterShape,
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}`)
      .default(DEFAULT_LIMIT),
    cursor: z.string().min(1).optional(),
    receipt: z
      .string()
      .trim()
      .min(1, 'receipt is empty: leave it out instead')
      .max(MAX_QUERY_CHARS, `receipt must be at most ${MAX_QUERY_CHARS} characters`)
      .optional()
      .describe(
        'The receipt code a reader reads out (case, spaces and dashes ignored): the list holds the one tip it belongs to, or none. Only with `limit`: never with a filter or a cursor',
      ),
  })
  .refine((v) => v.from === undefined || v.to === undefined || v.from < v.to, {
    message: 'from must be before to',
    path: ['from'],
  })
  .refine((v) => v.receipt === undefined || RECEIPT_EXCLUSIVE.every((k) => v[k] === undefined), {
    message: `receipt finds one tip: leave out ${RECEIPT_EXCLUSIVE.join(', ')}`,
    path: ['receipt'],
  });

export type ListQuery = z.infer<typeof listQuerySchema>;
export type ListFilters = Omit<ListQuery, 'limit' | 'cursor' | 'receipt'>;

export function parseListQuery(params: Record<string, string | undefined> | undefined): ListQuery {
  const parsed = listQuerySchema.safeParse(params ?? {});
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
  return parsed.data;
}

const EXCERPT_CHARS = 160;

export function summarise(tip: TipRecord): TipSummary {
  const excerpt =
    tip.message.length > EXCERPT_CHARS ? `${tip.message.slice(0, EXCERPT_CHARS - 1)}…` : tip.message;
  return {
    id: tip.id,
    createdAt: tip.createdAt,
    kind: tip.kind,
    topic: tip.topic,
    status: tip.status,
    ...(tip.subject !== undefined ? { subject: tip.subject } : {}),
    excerpt,
    anonymous: tip.anonymous,
    ...(tip.assignee !== undefined ? { assignee: tip.assignee } : {}),
    ...(tip.tags !== undefined ? { tags: tip.tags } : {}),
    ...(tip.quarantineReason !== undefined ? { quarantineReason: tip.quarantineReason } : {}),
    version: tip.version,
    ...(tip.attachments?.length ? { attachments: tip.attachments } : {}),
  };
}

/**
 * ULIDs begin with their creation time, so a time range is an `id` range on the index's
 * sort key: the smallest ULID of `from`'s millisecond up to the largest of the one before `to`.
 */
export function idBounds(from?: number, to?: number): { idFrom?: string; idTo?: string } {
  return {
    ...(from !== undefined ? { idFrom: `${encodeTime(Math.max(0, from), 10)}${'0'.repeat(16)}` } : {}),
    ...(to !== undefined ? { idTo: `${encodeTime(Math.max(0, to - 1), 10)}${'Z'.repeat(16)}` } : {}),
  };
}

function matchesText(tip: TipRecord, needle: string): boolean {
  const hay = [tip.subject ?? '', tip.message, tip.id].join('\n').normalize('NFKC').toLowerCase();
  return hay.includes(needle);
}

export interface ListTipsResult {
  items: TipRecord[];
  nextCursor?: string;
  /** Read capacity units of the page's one Query (for logs and the capacity test). */
  consumedCapacity?: number;
  /** Items the Query read (more than `items` when `q` filtered some out). */
  scanned: number;
}

export interface ListTipsDeps {
  store: TipStore;
  cursors: CursorCodec;
  /** For `receipt`: the code is found by its keyed hash (RECEIPT_HASH_SECRET), as the reader's follow-up finds it. */
  receiptKeys: ReceiptKeys;
}

/**
 * One page of tips, newest first, read with exactly one Query on the GSI that serves this
 * combination of filters: its cost follows the page size, never the table size.
 *
 * `q` (text search) has no index: it filters the page the Query read, case-insensitively,
 * in the function. Each page still reads at most `limit` items, so a page's cost stays flat,
 * but a page may hold fewer matches than `limit` (even none) and still have a nextCursor;
 * finding a rare word means reading through the filtered range page by page.
 */
export function makeListTips({ store, cursors, receiptKeys }: ListTipsDeps) {
  return async function listTips(query: ListQuery): Promise<ListTipsResult> {
    if (query.receipt !== undefined) {
      // A staff member types the code a reader reads out: one Query on the receipt index
      // (by the keyed hash) and one read of the tip; never a list of anything else.
      const tip = await store.findByReceiptKey(receiptKeys.lookupKey(query.receipt));
      return { items: tip ? [tip] : [], scanned: tip ? 1 : 0 };
    }
    const filterValues: Partial<Record<FilterField, string>> = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.topic ? { topic: query.topic } : {}),
    };
    const index = listIndexFor(filterValues);
    const partitionValue = indexPartitionValue(index, filterValues);
    // The cursor is bound to everything that decides which items the list holds.
    const scope = JSON.stringify([index.indexName, partitionValue, query.from, query.to, query.q]);
    let startKey: StartKey | undefined;
    if (query.cursor !== undefined) {
      startKey = cursors.decode(query.cursor, scope);
      const keys = Object.keys(startKey).sort();
      const expected = [index.partitionKey, 'id'].sort();
      if (
        keys.length !== 2 ||
        keys[0] !== expected[0] ||
        keys[1] !== expected[1] ||
        startKey[index.partitionKey] !== partitionValue
      ) {
        throw new InvalidCursorError();
      }
    }
    const page = await store.listPage({
      index,
      partitionValue,
      ...idBounds(query.from, query.to),
      limit: query.limit,
      ...(startKey ? { startKey } : {}),
    });
    const needle = query.q?.normalize('NFKC').toLowerCase();
    const items = needle === undefined ? page.items : page.items.filter((t) => matchesText(t, needle));
    return {
      items,
      ...(page.lastKey ? { nextCursor: cursors.encode(page.lastKey, scope) } : {}),
      ...(page.consumedCapacity !== undefined ? { consumedCapacity: page.consumedCapacity } : {}),
      scanned: page.items.length,
    };
  };
}

export type ListTips = ReturnType<typeof makeListTips>;
