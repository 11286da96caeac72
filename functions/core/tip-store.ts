import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, StoreUnavailableError } from './errors';
import { indexAttributes } from './table-design';
import type { TipRecord } from './tip-record';

export interface TipStore {
  /** Stores a new tip; never overwrites an existing one. */
  putTip(tip: TipRecord): Promise<void>;
  getTip(id: string, options?: { consistent?: boolean }): Promise<TipRecord>;
  /** Records that the desk alert went out; false when it was already recorded (alert sent before). */
  markAlerted(id: string, at: string): Promise<boolean>;
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

export function toStoreError(err: unknown): unknown {
  return isStoreUnavailable(err) ? new StoreUnavailableError(5, { cause: err }) : err;
}

export function makeTipStore({ doc, tableName }: TipStoreProps): TipStore {
  return {
    async putTip(tip) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...tip, ...indexAttributes(tip) },
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
  };
}

/** GSI key attributes are storage detail, not part of a tip. */
export function stripIndexAttributes(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !k.startsWith('gsi_')));
}
