import type { TipRecord } from './tip-record';

/**
 * The tips table: one item per tip, keyed by its ULID `id` (ULIDs sort by time, so an
 * index sorted by `id` is newest-first with ScanIndexForward=false and a time range is
 * an `id` BETWEEN two ULID bounds). Every filter combination of the staff list has its
 * own sparse GSI whose partition key is the combination's values, so each list page is
 * one Query reading only the page, however many tips are stored.
 * infra/ and local/ both build the table from this one description.
 */
export const TIPS_TABLE_KEY = { partitionKey: 'id' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';

export const FILTER_FIELDS = ['status', 'kind', 'topic'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export interface ListIndex {
  indexName: string;
  partitionKey: string;
  sortKey: 'id';
  fields: FilterField[];
}

const ALL_COMBINATIONS: FilterField[][] = [
  [],
  ['status'],
  ['kind'],
  ['topic'],
  ['status', 'kind'],
  ['status', 'topic'],
  ['kind', 'topic'],
  ['status', 'kind', 'topic'],
];

export const LIST_INDEXES: ListIndex[] = ALL_COMBINATIONS.map((fields) => {
  const suffix = fields.length === 0 ? 'all' : fields.join('-');
  return {
    indexName: `by-${suffix}`,
    partitionKey: `gsi_${suffix.replace(/-/g, '_')}`,
    sortKey: 'id',
    fields,
  };
});

/** The index that serves exactly this set of filters. */
export function listIndexFor(filters: Partial<Record<FilterField, string>>): ListIndex {
  const fields = FILTER_FIELDS.filter((f) => filters[f] !== undefined);
  const index = LIST_INDEXES.find(
    (i) => i.fields.length === fields.length && i.fields.every((f) => fields.includes(f)),
  );
  if (!index) throw new Error(`no list index for ${fields.join(',')}`);
  return index;
}

export function indexPartitionValue(index: ListIndex, values: Partial<Record<FilterField, string>>): string {
  return index.fields.length === 0 ? 'TIP' : index.fields.map((f) => values[f]).join('#');
}

/** The GSI key attributes of a tip: written with the tip and rewritten on every status change. */
export function indexAttributes(tip: Pick<TipRecord, FilterField>): Record<string, string> {
  return Object.fromEntries(LIST_INDEXES.map((i) => [i.partitionKey, indexPartitionValue(i, tip)]));
}

/**
 * The receipt index: a reader's follow-up (and staff's `GET /tips?receipt=`) finds the tip by its
 * receipt code with one Query. The key is the code's keyed hash (receipt-key.ts: HMAC-SHA256 of
 * the normalised code), fixed-length whatever the reader typed, so a malformed, a wrong and a
 * right code all cost the same one Query on the same index. The code itself is stored nowhere.
 * Only what the reader may see is projected, so the answer needs no second read (and a found
 * code does no more work than a missing one).
 */
export const RECEIPT_INDEX = {
  indexName: 'by-receipt',
  partitionKey: 'gsi_receipt',
  // topic (with kind) routes the desk's notice of a reader's added message. `receipt` is no
  // longer written (npm run migrate:receipts removes it from older items); it stays in the list
  // because a deployed index's projection cannot change in place (CloudFormation refuses to
  // update a GSI's projection: it would have to be dropped and rebuilt under another name).
  projected: ['receipt', 'kind', 'topic', 'status', 'createdAt', 'history', 'version'],
} as const;

/**
 * Written with the tip (the keyed hash of its code, receipt-key.ts); rewritten only by
 * `npm run migrate:receipts`, once, on a tip stored before keyed hashes.
 */
export function receiptIndexAttributes(lookupKey: string): Record<string, string> {
  return { [RECEIPT_INDEX.partitionKey]: lookupKey };
}
