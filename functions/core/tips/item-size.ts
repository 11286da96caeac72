/**
 * DynamoDB refuses an item over 400 KB, counting it its own way: every attribute name and map
 * key as UTF-8 bytes, strings as UTF-8 bytes, a number as 1 byte per 2 significant digits plus
 * 1, booleans and nulls 1 byte, and a list or map 3 bytes plus 1 per element. This counts the
 * same way, rounding up wherever DynamoDB's own figure is only "approximately" (numbers get a
 * spare byte, as dynalite's exact formula sometimes adds one). dynalite counts a string's
 * UTF-16 length, not its UTF-8 bytes: locally a CJK text looks a third of its size in AWS,
 * so the budget below is what protects a tip in AWS, not the emulator's limit.
 */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

/**
 * What a tip may grow to through its history and reader messages: well under the limit, so a
 * tip that reached it can still be triaged (TRIAGE_HEADROOM_BYTES above it) and the size of the
 * index keys and counters never tips it over.
 */
export const TIP_BUDGET_BYTES = 350 * 1024;

/** Staff may still triage, note and reply to a tip a reader filled to the budget, up to this. */
export const TRIAGE_HEADROOM_BYTES = 30 * 1024;

/**
 * Room kept for a tip's attachment records (at most MAX_ATTACHMENTS_PER_TIP, each bounded by
 * ATTACHMENT_LIMITS: a test holds ten of the largest to it). They count in the item's size like
 * everything else, so reader messages fill what they leave; records the cleaner adds after a
 * reader filled the budget may take the tip past it by this much, and triage keeps its headroom
 * on top (BUDGET + TRIAGE + ATTACHMENTS stays under DynamoDB's 400 KB).
 */
export const ATTACHMENTS_HEADROOM_BYTES = 16 * 1024;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function numberBytes(n: number | bigint): number {
  const digits = String(n)
    .replace(/^-/, '')
    .replace(/e[+-]?\d+$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 2;
}

/** The size of one attribute value as DynamoDB counts it. */
export function valueBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const v of value) size += valueBytes(v);
    return size;
  }
  if (Array.isArray(value)) {
    let size = 3;
    for (const v of value) if (v !== undefined) size += 1 + valueBytes(v);
    return size;
  }
  if (typeof value === 'object') {
    let size = 3;
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      if (v !== undefined) size += 1 + utf8(k) + valueBytes(v);
    return size;
  }
  return 0;
}

/** The size of an item (attribute names + values) as DynamoDB counts it against its 400 KB. */
export function itemBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    if (value !== undefined) size += utf8(name) + valueBytes(value);
  return size;
}

/** What appending `entries` to a list attribute adds to the item. */
export function listAppendBytes(entries: readonly unknown[]): number {
  return entries.reduce<number>((sum, e) => sum + 1 + valueBytes(e), 0);
}
