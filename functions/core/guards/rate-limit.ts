import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#core/tips/tip-store';

export interface RateLimiterProps {
  doc: DynamoDBDocumentClient;
  /** The guard table (key `pk`, TTL `expiresAt`). */
  tableName: string;
  /** Requests a client may make in any span of `windowSeconds`; the next one gets 429. */
  limit: number;
  windowSeconds: number;
  clock?: () => Date;
}

export type RateVerdict =
  | { allowed: true; degraded?: false }
  /** The counter table did not answer: the submit goes through (a lost tip is worse than a bot). */
  | { allowed: true; degraded: true; error: string }
  | { allowed: false; retryAfterSeconds: number };

// At the limit, concurrent requests of one client race to prune its log; past this many lost
// races the client is bursting and is told to retry in a second.
const MAX_RACES = 3;

/**
 * A sliding log: one DynamoDB item per client with the times (ms) of the requests it was
 * admitted, so at most `limit` pass in ANY span of `windowSeconds`, not the 2x a fixed window
 * lets through across its edge. The log never holds more than `limit` entries.
 *
 * Most requests are one UpdateItem that appends while the log is shorter than the limit
 * (DynamoDB evaluates each condition on the latest item, so concurrent containers cannot
 * overshoot). A full log is read, its entries older than the window dropped, and written back
 * under a version check. A refused request is not logged: a client hammering at the limit does
 * not push its own release back. The item goes by TTL a window after the last admitted request.
 */
export function makeRateLimiter({
  doc,
  tableName,
  limit,
  windowSeconds,
  clock = () => new Date(),
}: RateLimiterProps) {
  const windowMs = windowSeconds * 1000;
  const expiresFor = (nowMs: number) => Math.ceil((nowMs + windowMs) / 1000) + 1;

  async function appendWhileShort(pk: string, nowMs: number): Promise<boolean> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk },
          UpdateExpression:
            'SET hits = list_append(if_not_exists(hits, :empty), :now), v = if_not_exists(v, :zero) + :one, expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(hits) OR size(hits) < :limit',
          ExpressionAttributeValues: {
            ':empty': [],
            ':now': [nowMs],
            ':zero': 0,
            ':one': 1,
            ':expires': expiresFor(nowMs),
            ':limit': limit,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** The log is full: drop what left the window and take a place if one is free. */
  async function pruneAndAppend(pk: string): Promise<RateVerdict | undefined> {
    const nowMs = clock().getTime();
    const { Item } = await doc.send(
      new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }),
    );
    const version = Number(Item?.v ?? 0);
    const live = (Array.isArray(Item?.hits) ? (Item.hits as unknown[]) : [])
      .map(Number)
      .filter((t) => Number.isFinite(t) && t > nowMs - windowMs)
      .sort((a, b) => a - b);
    if (live.length >= limit) {
      // The oldest counted request leaving the window frees the next place.
      const freedAt = (live[live.length - limit] ?? nowMs) + windowMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - nowMs) / 1000)) };
    }
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk },
          UpdateExpression: 'SET hits = :hits, v = :next, expiresAt = :expires',
          ConditionExpression: 'v = :v',
          ExpressionAttributeValues: {
            ':hits': [...live, nowMs],
            ':next': version + 1,
            ':v': version,
            ':expires': expiresFor(nowMs),
          },
        }),
      );
      return { allowed: true };
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  return async function hit(clientKey: string): Promise<RateVerdict> {
    const pk = `rate#${clientKey}`;
    try {
      if (await appendWhileShort(pk, clock().getTime())) return { allowed: true };
      for (let race = 0; race < MAX_RACES; race++) {
        const verdict = await pruneAndAppend(pk);
        if (verdict) return verdict;
      }
      return { allowed: false, retryAfterSeconds: 1 };
    } catch (err) {
      return { allowed: true, degraded: true, error: err instanceof Error ? err.name : 'unknown' };
    }
  };
}

export type RateLimiter = ReturnType<typeof makeRateLimiter>;
