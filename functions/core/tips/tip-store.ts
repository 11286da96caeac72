import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { NotFoundError, StoreUnavailableError, TipTooLargeError } from '#core/http/errors';
import { itemBytes, TIP_BUDGET_BYTES } from './item-size';
import { indexAttributes, type ListIndex, RECEIPT_INDEX, receiptIndexAttributes } from './table-design';
import type { HistoryEntry, TipRecord } from './tip-record';

/** One page of a list index, read with one Query. */
export interface ListPageRequest {
  index: ListIndex;
  partitionValue: string;
  /** Inclusive ULID bounds on `id` (a time range); absent = unbounded. */
  idFrom?: string;
  idTo?: string;
  limit: number;
  startKey?: Record<string, string>;
}

export interface ListPage {
  items: TipRecord[];
  lastKey?: Record<string, string>;
  /** Read capacity units DynamoDB charged for this page (ReturnConsumedCapacity TOTAL). */
  consumedCapacity?: number;
}

/** Fields a staff update may set; status also rewrites the list-index keys in the same write. */
export interface TipChanges {
  expectedVersion: number;
  set: Partial<Pick<TipRecord, 'status' | 'assignee' | 'tags' | 'expiresAt' | 'legalHold' | 'attachments'>>;
  remove?: Array<'assignee' | 'tags' | 'expiresAt' | 'legalHold' | 'name' | 'email' | 'phone'>;
  history: HistoryEntry[];
  /** The item's size after the change (storedTipItem), kept in SIZE_ATTRIBUTE for the follow-up's budget. */
  sizeBytes?: number;
}

export type UpdateOutcome = { ok: true; tip: TipRecord } | { ok: false; reason: 'stale-or-missing' };

export interface TipStore {
  /**
   * Stores a new tip with the keyed hash of its receipt code (receipt-key.ts) as its receipt-index
   * key; never overwrites an existing one.
   */
  putTip(tip: TipRecord, receiptLookupKey: string): Promise<void>;
  getTip(id: string, options?: { consistent?: boolean }): Promise<TipRecord>;
  /** Records that the desk alert went out; false when it was already recorded (alert sent before). */
  markAlerted(id: string, at: string): Promise<boolean>;
  /**
   * The tip whose receipt code has this keyed hash (receipt-key.ts), or undefined: one Query on
   * the receipt index (which projects no contact details), then one read of the tip.
   */
  findByReceiptKey(lookupKey: string): Promise<TipRecord | undefined>;
  /** One page of a list index, newest first: always a Query, never a Scan. */
  listPage(request: ListPageRequest): Promise<ListPage>;
  /**
   * Applies a staff change in ONE conditional UpdateItem: the fields, the appended history,
   * the bumped version and (on a status change) the rewritten GSI keys, only if the stored
   * version is still `expectedVersion`. dynalite has no transactions, so it is one item, one write.
   */
  updateTip(
    current: Pick<TipRecord, 'id' | 'status' | 'kind' | 'topic'>,
    changes: TipChanges,
  ): Promise<UpdateOutcome>;
}

export interface TipStoreProps {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isConditionFailure(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

/** Throttling, server faults and network failures mean "try again later", never a 500. */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  const fault = (err as { $fault?: string }).$fault;
  return RETRYABLE.has(err.name) || (code !== undefined && NETWORK_CODES.has(code)) || fault === 'server';
}

/**
 * DynamoDB's refusal of an item over 400 KB (PutItem: "Item size has exceeded the maximum
 * allowed size"; UpdateItem: "Item size to update has exceeded..."): the tip is full, a 413.
 */
export function isItemTooLarge(err: unknown): boolean {
  return (
    err instanceof Error &&
    err.name === 'ValidationException' &&
    /item size (to update )?has exceeded the maximum allowed size/i.test(err.message)
  );
}

export function toStoreError(err: unknown): unknown {
  if (isItemTooLarge(err)) return new TipTooLargeError(TIP_BUDGET_BYTES);
  return isStoreUnavailable(err) ? new StoreUnavailableError(5, { cause: err }) : err;
}

/**
 * Where a tip keeps its own size (bytes, as DynamoDB counts them): written with the tip, reset
 * by every staff change (which reads the whole item) and raised by every reader message, so
 * the receipts function can keep a tip under its budget with a condition, without reading the
 * parts of a tip it must not see.
 */
/**
 * The one read of the receipt index: the tip (at most one) whose stored receipt key is
 * `lookupKey`. Staff lookup and the reader's follow-up both find a tip this way.
 */
export function receiptIndexQuery(tableName: string, lookupKey: string): QueryCommandInput {
  return {
    TableName: tableName,
    IndexName: RECEIPT_INDEX.indexName,
    KeyConditionExpression: '#k = :k',
    ExpressionAttributeNames: { '#k': RECEIPT_INDEX.partitionKey },
    ExpressionAttributeValues: { ':k': lookupKey },
    Limit: 1,
  };
}

export const SIZE_ATTRIBUTE = 'itemBytes';
// The size attribute's own name and value (a number under 10^6: 3 digit pairs + 2).
const SIZE_ATTRIBUTE_BYTES = SIZE_ATTRIBUTE.length + 5;

/**
 * Stands in for a receipt's keyed hash when only the size matters (a staff change, which never
 * sees the hash): HMAC-SHA256 in hex, the same 64 characters as the real one.
 */
const LOOKUP_KEY_STAND_IN = '0'.repeat(64);

/** The item as stored: the tip, its index keys (the receipt's keyed hash among them) and its size. */
export function storedTipItem(
  tip: TipRecord,
  receiptLookupKey = LOOKUP_KEY_STAND_IN,
): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...tip,
    ...indexAttributes(tip),
    ...receiptIndexAttributes(receiptLookupKey),
  };
  delete item[SIZE_ATTRIBUTE];
  return { ...item, [SIZE_ATTRIBUTE]: itemBytes(item) + SIZE_ATTRIBUTE_BYTES };
}

/** How big a tip is as stored, in bytes as DynamoDB counts them. */
export const storedTipBytes = (tip: TipRecord) => storedTipItem(tip)[SIZE_ATTRIBUTE] as number;

export function makeTipStore({ doc, tableName }: TipStoreProps): TipStore {
  return {
    async putTip(tip, receiptLookupKey) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: storedTipItem(tip, receiptLookupKey),
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
      } catch (err) {
        throw toStoreError(err);
      }
    },

    async getTip(id, { consistent = false } = {}) {
      let item: Record<string, unknown> | undefined;
      try {
        ({ Item: item } = await doc.send(
          new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: consistent }),
        ));
      } catch (err) {
        throw toStoreError(err);
      }
      if (!item) throw new NotFoundError(`no tip ${id}`);
      return stripIndexAttributes(item) as unknown as TipRecord;
    },

    async markAlerted(id, at) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'SET alertedAt = :at',
            ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(alertedAt)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw toStoreError(err);
      }
    },

    async findByReceiptKey(lookupKey) {
      let id: unknown;
      try {
        const { Items = [] } = await doc.send(new QueryCommand(receiptIndexQuery(tableName, lookupKey)));
        id = Items[0]?.id;
      } catch (err) {
        throw toStoreError(err);
      }
      if (typeof id !== 'string') return undefined;
      try {
        return await this.getTip(id);
      } catch (err) {
        // Erased between the Query and the read: as if it had never been found.
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    },

    async listPage({ index, partitionValue, idFrom, idTo, limit, startKey }) {
      const names: Record<string, string> = { '#pk': index.partitionKey };
      const values: Record<string, string> = { ':pk': partitionValue };
      let condition = '#pk = :pk';
      if (idFrom !== undefined || idTo !== undefined) {
        names['#id'] = 'id';
        values[':from'] = idFrom ?? '0';
        // '~' sorts after every Crockford base32 character: an open upper bound.
        values[':to'] = idTo ?? '~';
        condition += ' AND #id BETWEEN :from AND :to';
      }
      try {
        const out = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index.indexName,
            KeyConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: limit,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        return {
          items: (out.Items ?? []).map((i) => stripIndexAttributes(i) as unknown as TipRecord),
          ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey as Record<string, string> } : {}),
          ...(out.ConsumedCapacity?.CapacityUnits !== undefined
            ? { consumedCapacity: out.ConsumedCapacity.CapacityUnits }
            : {}),
        };
      } catch (err) {
        throw toStoreError(err);
      }
    },

    async updateTip(current, { expectedVersion, set, remove = [], history, sizeBytes }) {
      const names: Record<string, string> = { '#version': 'version', '#history': 'history' };
      const values: Record<string, unknown> = {
        ':expected': expectedVersion,
        ':next': expectedVersion + 1,
        ':entries': history,
        ':empty': [],
      };
      const sets = ['#version = :next', '#history = list_append(if_not_exists(#history, :empty), :entries)'];
      const fields: Record<string, unknown> = {
        ...set,
        ...(sizeBytes !== undefined ? { [SIZE_ATTRIBUTE]: sizeBytes } : {}),
      };
      // A status change moves the tip between list indexes: their keys change in this same write.
      if (set.status !== undefined)
        Object.assign(fields, indexAttributes({ ...current, status: set.status }));
      Object.entries(fields).forEach(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      });
      const removes = remove.map((field, i) => {
        names[`#r${i}`] = field;
        return `#r${i}`;
      });
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id: current.id },
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_exists(id) AND #version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { ok: true, tip: stripIndexAttributes(Attributes ?? {}) as unknown as TipRecord };
      } catch (err) {
        if (isConditionFailure(err)) return { ok: false, reason: 'stale-or-missing' };
        throw toStoreError(err);
      }
    },
  };
}

/**
 * An attribute items written before receipt codes were hashed may still hold: the code in clear.
 * `npm run migrate:receipts` removes it; until then no read hands it on.
 */
export const LEGACY_RECEIPT_ATTRIBUTE = 'receipt';

/** GSI key attributes (the receipt's keyed hash among them) and the size are storage detail, not part of a tip. */
export function stripIndexAttributes(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).filter(
      ([k]) => !k.startsWith('gsi_') && k !== SIZE_ATTRIBUTE && k !== LEGACY_RECEIPT_ATTRIBUTE,
    ),
  );
}
