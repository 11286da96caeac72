import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

export interface RateLimiterProps {
  doc: DynamoDBDocumentClient;
  /** The guard table (key `pk`, TTL `expiresAt`). */
  tableName: string;
  /** Submissions a client may make per window; the next one gets 429. */
  limit: number;
  windowSeconds: number;
  clock?: () => Date;
}

export type RateVerdict =
  | { allowed: true; degraded?: false }
  /** The counter table did not answer: the submit goes through (a lost tip is worse than a bot). */
  | { allowed: true; degraded: true; error: string }
  | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed-window counters, one DynamoDB item per client and window: one atomic ADD per
 * submit, shared by every Lambda container, gone by TTL a window after it closes.
 */
export function makeRateLimiter({
  doc,
  tableName,
  limit,
  windowSeconds,
  clock = () => new Date(),
}: RateLimiterProps) {
  return async function hit(clientKey: string): Promise<RateVerdict> {
    const nowS = clock().getTime() / 1000;
    const window = Math.floor(nowS / windowSeconds);
    const windowEnd = (window + 1) * windowSeconds;
    let hits: number;
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `rate#${clientKey}#${window}` },
          UpdateExpression: 'ADD hits :one SET expiresAt = if_not_exists(expiresAt, :expires)',
          ExpressionAttributeValues: { ':one': 1, ':expires': windowEnd + windowSeconds },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      hits = Number(out.Attributes?.hits ?? 1);
    } catch (err) {
      return { allowed: true, degraded: true, error: err instanceof Error ? err.name : 'unknown' };
    }
    if (hits <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(windowEnd - nowS)) };
  };
}

export type RateLimiter = ReturnType<typeof makeRateLimiter>;
