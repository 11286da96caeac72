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

// Concurrent requests of one client race for its item; past this many lost races the client
// is bursting and is told to retry in a second.
const MAX_RACES = 4;

/**
 * A sliding log, one DynamoDB item per client holding the times (ms) of the requests it was
 * admitted within the last window: at most `limit` pass in ANY span of `windowSeconds`, not
 * the 2x a fixed window lets through across its edge. The item holds at most `limit` numbers
 * (30 by default), is written with an optimistic version check, so every Lambda container
 * shares it, and goes by TTL a window after the client's last admitted request. A refused
 * request is not logged: a client hammering at the limit does not push its own release back.
 */
export function makeRateLimiter({
  doc,
  tableName,
  limit,
  windowSeconds,
  clock = () => new Date(),
}: RateLimiterProps) {
  const windowMs = windowSeconds * 1000;

  return async function hit(clientKey: string): Promise<RateVerdict> {
    const pk = `rate#${clientKey}`;
    try {
      for (let race = 0; race < MAX_RACES; race++) {
        const nowMs = clock().getTime();
        const { Item } = await doc.send(
          new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }),
        );
        const version = typeof Item?.v === 'number' ? Item.v : undefined;
        const hits = (Array.isArray(Item?.hits) ? (Item.hits as unknown[]) : [])
          .map(Number)
          .filter((t) => Number.isFinite(t) && t > nowMs - windowMs)
          .sort((a, b) => a - b);
        if (hits.length >= limit) {
          // The oldest admitted request leaving the window frees the next place.
          const freedAt = (hits[hits.length - limit] ?? nowMs) + windowMs;
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - nowMs) / 1000)) };
        }
        try {
          // UpdateItem, not PutItem: the same write either function's role already holds.
          await doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk },
              UpdateExpression: 'SET hits = :hits, v = :next, expiresAt = :expires',
              ConditionExpression: version === undefined ? 'attribute_not_exists(pk)' : 'v = :v',
              ExpressionAttributeValues: {
                ':hits': [...hits, nowMs],
                ':next': (version ?? 0) + 1,
                ':expires': Math.ceil((nowMs + windowMs) / 1000) + 1,
                ...(version === undefined ? {} : { ':v': version }),
              },
            }),
          );
          return { allowed: true };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      }
      return { allowed: false, retryAfterSeconds: 1 };
    } catch (err) {
      return { allowed: true, degraded: true, error: err instanceof Error ? err.name : 'unknown' };
    }
  };
}

export type RateLimiter = ReturnType<typeof makeRateLimiter>;
