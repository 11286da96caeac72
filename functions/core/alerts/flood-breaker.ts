import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#core/tips/tip-store';

export interface FloodBreakerProps {
  doc: DynamoDBDocumentClient;
  /** The guard table (key `pk`, TTL `expiresAt`). */
  tableName: string;
  /** Individual alerts allowed per window; the rest of the window goes into one digest. */
  maxAlerts: number;
  windowSeconds: number;
  clock?: () => Date;
}

export interface PendingDigest {
  window: number;
  /** Tips held instead of alerted. */
  tipIds: string[];
  /** Tips whose reader-message notice was held (one entry per tip, however many messages). */
  noticeIds: string[];
}

// Digest items outlive their window long enough for a late flush or an investigation.
const KEEP_SECONDS = 7 * 24 * 3600;
// How many closed windows a flush looks back at: a scheduled flush runs every minute.
const LOOKBACK_WINDOWS = 12;
const DIGEST_LEASE_SECONDS = 60;

/**
 * The flood breaker. Its state is two kinds of DynamoDB items, shared by every notifier and
 * receipts container: `flood#<window>` holds what was emailed one by one in a fixed window (tip
 * alerts and reader-message notices, together at most `maxAlerts`), `digest#<window>` the ids of
 * the tips and notices held over the limit. When the window has closed, each desk gets one
 * digest of its own (flood-digest.ts), and the next window starts with normal alerts again.
 */
export function makeFloodBreaker({
  doc,
  tableName,
  maxAlerts,
  windowSeconds,
  clock = () => new Date(),
}: FloodBreakerProps) {
  const windowOf = (date: Date) => Math.floor(date.getTime() / 1000 / windowSeconds);

  /**
   * Adds `member` to this window's `sent` set when `condition` holds ('send'); otherwise lists
   * the tip under `digestField` of the window's digest ('held'). String sets both: a retried
   * record adds nothing twice.
   */
  async function admitOrHold(
    tipId: string,
    member: string,
    condition: string,
    digestField: 'tipIds' | 'noticeIds',
  ): Promise<'send' | 'held'> {
    const window = windowOf(clock());
    const expiresAt = (window + 1) * windowSeconds + KEEP_SECONDS;
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `flood#${window}` },
          UpdateExpression: 'ADD sent :member SET expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: condition,
          ExpressionAttributeValues: {
            ':member': new Set([member]),
            ':m': member,
            ':max': maxAlerts,
            ':expires': expiresAt,
          },
        }),
      );
      return 'send';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `digest#${window}` },
        UpdateExpression: `ADD ${digestField} :id SET expiresAt = if_not_exists(expiresAt, :expires)`,
        ExpressionAttributeValues: { ':id': new Set([tipId]), ':expires': expiresAt },
      }),
    );
    return 'held';
  }

  return {
    windowSeconds,

    /**
     * 'send' an individual alert, or 'held' for the window's digest. The tips sent this window
     * are a set: a retried record (SES failed) finds its tip already admitted and sends again,
     * instead of counting twice.
     */
    admit(tipId: string): Promise<'send' | 'held'> {
      return admitOrHold(
        tipId,
        tipId,
        'attribute_not_exists(sent) OR size(sent) < :max OR contains(sent, :m)',
        'tipIds',
      );
    },

    /**
     * A reader-message notice: 'send' when it is this tip's first notice of the window and the
     * window has room (it counts against `maxAlerts` like an alert), else 'held' for the digest,
     * which lists the tip once however many messages its reader added.
     */
    admitNotice(tipId: string): Promise<'send' | 'held'> {
      return admitOrHold(
        tipId,
        `notice#${tipId}`,
        '(attribute_not_exists(sent) OR size(sent) < :max) AND NOT contains(sent, :m)',
        'noticeIds',
      );
    },

    /** Digests of closed windows (and of the current one when `includeCurrent`) not yet sent. */
    async pending({ includeCurrent = false } = {}): Promise<PendingDigest[]> {
      const current = windowOf(clock());
      const keys: { pk: string }[] = [];
      for (let w = current - LOOKBACK_WINDOWS; w <= current - (includeCurrent ? 0 : 1); w++) {
        keys.push({ pk: `digest#${w}` });
      }
      // One read for the whole look-back: this runs at the start of every notifier invocation.
      const { Responses } = await doc.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      const out: PendingDigest[] = [];
      for (const item of Responses?.[tableName] ?? []) {
        const tipIds = [...((item.tipIds as Set<string> | undefined) ?? [])].sort();
        const noticeIds = [...((item.noticeIds as Set<string> | undefined) ?? [])].sort();
        if (tipIds.length + noticeIds.length > 0 && !item.sentAt) {
          out.push({ window: Number(String(item.pk).slice('digest#'.length)), tipIds, noticeIds });
        }
      }
      out.sort((a, b) => a.window - b.window);
      return out;
    },

    /** One sender per digest at a time; false when another holds it or it was sent. */
    async claim(window: number): Promise<boolean> {
      const nowS = Math.floor(clock().getTime() / 1000);
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `digest#${window}` },
            UpdateExpression: 'SET leaseUntil = :lease',
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(sentAt) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
            ExpressionAttributeValues: { ':lease': nowS + DIGEST_LEASE_SECONDS, ':now': nowS },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },

    /** `outcome` is 'sent', or 'dead-lettered' when its tips went to the DLQ for redrive instead. */
    async complete(window: number, outcome: 'sent' | 'dead-lettered'): Promise<void> {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `digest#${window}` },
          UpdateExpression: 'SET sentAt = :at, outcome = :outcome REMOVE leaseUntil',
          ExpressionAttributeValues: { ':at': clock().toISOString(), ':outcome': outcome },
        }),
      );
    },

    async release(window: number): Promise<void> {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `digest#${window}` },
          UpdateExpression: 'REMOVE leaseUntil',
        }),
      );
    },

    windowStart(window: number): Date {
      return new Date(window * windowSeconds * 1000);
    },
  };
}

export type FloodBreaker = ReturnType<typeof makeFloodBreaker>;
