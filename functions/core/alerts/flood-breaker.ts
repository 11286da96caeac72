import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { escapeHtml } from '#core/tips/text-safety';
import type { TipRecord } from '#core/tips/tip-record';
import { TOPIC_LABELS } from '#core/tips/tip-schema';
import { isConditionFailure } from '#core/tips/tip-store';
import type { EmailContent } from './desk-alert-email';

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
  tipIds: string[];
}

// Digest items outlive their window long enough for a late flush or an investigation.
const KEEP_SECONDS = 7 * 24 * 3600;
// How many closed windows a flush looks back at: a scheduled flush runs every minute.
const LOOKBACK_WINDOWS = 12;
const DIGEST_LEASE_SECONDS = 60;

/**
 * The flood breaker. Its state is two kinds of DynamoDB items, shared by every notifier
 * container: `flood#<window>` counts the alerts of a fixed window, `digest#<window>` holds
 * the ids of the tips over the limit. When the window has closed, one digest email lists
 * them, and the next window starts with normal alerts again.
 */
export function makeFloodBreaker({
  doc,
  tableName,
  maxAlerts,
  windowSeconds,
  clock = () => new Date(),
}: FloodBreakerProps) {
  const windowOf = (date: Date) => Math.floor(date.getTime() / 1000 / windowSeconds);

  return {
    windowSeconds,

    /** 'send' an individual alert, or 'held' for the window's digest. */
    async admit(tipId: string): Promise<'send' | 'held'> {
      const now = clock();
      const window = windowOf(now);
      const expiresAt = (window + 1) * windowSeconds + KEEP_SECONDS;
      try {
        // The tips sent individually this window, as a set: a retried record (SES failed) finds
        // its tip already admitted and sends again, instead of counting twice.
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: `flood#${window}` },
            UpdateExpression: 'ADD sent :id SET expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: 'attribute_not_exists(sent) OR size(sent) < :max OR contains(sent, :tipId)',
            ExpressionAttributeValues: {
              ':id': new Set([tipId]),
              ':tipId': tipId,
              ':max': maxAlerts,
              ':expires': expiresAt,
            },
          }),
        );
        return 'send';
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      // A string set: a retried record lists its tip once.
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `digest#${window}` },
          UpdateExpression: 'ADD tipIds :id SET expiresAt = if_not_exists(expiresAt, :expires)',
          ExpressionAttributeValues: { ':id': new Set([tipId]), ':expires': expiresAt },
        }),
      );
      return 'held';
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
        const ids = item.tipIds as Set<string> | undefined;
        if (ids && ids.size > 0 && !item.sentAt) {
          out.push({ window: Number(String(item.pk).slice('digest#'.length)), tipIds: [...ids].sort() });
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

/**
 * One email for a flood of tips. It lists each tip by id, kind, topic, receipt and time and
 * carries no reader text or contact details: some desks get their alerts encrypted, and
 * the full tips are one click away in the staff inbox.
 */
export function digestEmail(tips: TipRecord[], { from, to }: { from: Date; to: Date }): EmailContent {
  const span = `${from.toISOString().slice(11, 16)}–${to.toISOString().slice(11, 16)} UTC`;
  const subject = `[Tipline] Digest: ${tips.length} tips and questions during a flood (${span})`;
  const rows = tips.map((t) => [
    t.id,
    t.kind === 'tip' ? 'Tip' : 'Question',
    TOPIC_LABELS[t.topic] ?? t.topic,
    t.createdAt,
  ]);
  const text = [
    `More tips arrived between ${span} than the desk gets individual alerts for.`,
    'Here they are in one email; read them in the staff inbox.',
    '',
    ...rows.map((r) => r.join(' · ')),
    '',
    '-- ',
    'Sent by Tipline. Individual alerts resume on their own.',
  ].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.45;color:#111">
<h1 style="font-size:1.2em">${tips.length} tips and questions (${escapeHtml(span)})</h1>
<p>More tips arrived than the desk gets individual alerts for. Read them in the staff inbox.</p>
<table style="border-collapse:collapse">
<tr><th>Tip id</th><th>Kind</th><th>Topic</th><th>Receipt</th><th>Received</th></tr>
${rows.map((r) => `<tr>${r.map((c) => `<td style="padding:2px 12px 2px 0">${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')}
</table>
</body></html>`;
  return { subject, text, html };
}
