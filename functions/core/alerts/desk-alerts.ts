import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/http/errors';
import type { Logger } from '#core/platform/logger';
import { METRIC, type MetricsRecorder } from '#core/platform/metrics';
import type { TipRecord } from '#core/tips/tip-record';
import type { TipStore } from '#core/tips/tip-store';
import type { DeadLetterQueue } from './dead-letters';
import type { FloodBreaker } from './flood-breaker';
import type { DigestDelivery, DigestSend } from './flood-digest';

export type AlertOutcome = 'alerted' | 'already-alerted' | 'skipped' | 'held';

export interface DeskAlertsDeps {
  store: TipStore;
  /** Sends one tip's alert (routing, encryption...); resolves to the provider's message ids. */
  sendAlert(tip: TipRecord): Promise<string[]>;
  /** Sends a flood window's digests, one per desk (flood-digest.ts); reports each desk's outcome. */
  sendDigest: DigestDelivery;
  logger: Logger;
  metrics?: MetricsRecorder;
  /** Without it every tip gets its own alert. */
  breaker?: FloodBreaker;
  /** Where a tip goes after `maxAttempts` failed alerts; without it failures are only reported. */
  deadLetters?: DeadLetterQueue;
  /** The guard table, for each tip's failure count (key `pk`, TTL `expiresAt`). */
  guard?: { doc: DynamoDBDocumentClient; tableName: string };
  /** First try + the stream's retries (the event source mapping's retryAttempts + 1). */
  maxAttempts?: number;
  clock?: () => Date;
}

/**
 * A tip's desk alert, exactly once: the notifier and `npm run redrive` both send through
 * here. `alertedAt` is set conditionally after the send, so a retried record or a
 * redriven letter whose alert went out is recognised and not sent again.
 */
export function makeDeskAlerts({
  store,
  sendAlert,
  sendDigest,
  logger,
  metrics,
  breaker,
  deadLetters,
  guard,
  maxAttempts = 4,
  clock = () => new Date(),
}: DeskAlertsDeps) {
  async function alertTip(tipId: string, { viaBreaker = true } = {}): Promise<AlertOutcome> {
    let tip: TipRecord;
    try {
      tip = await store.getTip(tipId, { consistent: true });
    } catch (err) {
      // Erased (retention, a reader's request) before its alert: nothing left to send.
      if (err instanceof NotFoundError) return 'skipped';
      throw err;
    }
    if (tip.alertedAt) return 'already-alerted';
    // Quarantined (honeypot, spam) or already triaged: editors see it in the inbox, no alert.
    if (tip.status !== 'new') return 'skipped';
    if (viaBreaker && breaker && (await breaker.admit(tip.id)) === 'held') {
      logger.info('alert held for the flood digest', { tipId: tip.id });
      return 'held';
    }
    const messageIds = await sendAlert(tip);
    const recorded = await store.markAlerted(tip.id, clock().toISOString());
    metrics?.count(METRIC.AlertsSent);
    logger.info('desk alerted', { tipId: tip.id, messageIds, recorded });
    return 'alerted';
  }

  /**
   * Counts a failed alert. At the last attempt the tip goes to the dead-letter queue and the
   * caller stops retrying ('dead-lettered'); before that it reports the record failed ('retry').
   * In AWS the stream's own on-failure destination only gets batch metadata, not the tip id:
   * that is why the notifier dead-letters the id itself.
   */
  async function recordFailure(tipId: string, error: string): Promise<'retry' | 'dead-lettered'> {
    metrics?.count(METRIC.AlertFailures);
    if (!deadLetters || !guard) return 'retry';
    const { Attributes } = await guard.doc.send(
      new UpdateCommand({
        TableName: guard.tableName,
        Key: { pk: `alert-failures#${tipId}` },
        UpdateExpression: 'ADD failures :one SET expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: {
          ':one': 1,
          ':expires': Math.floor(clock().getTime() / 1000) + 7 * 24 * 3600,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    if (Number(Attributes?.failures ?? 0) < maxAttempts) return 'retry';
    await deadLetters.put({ tipId, reason: error, failedAt: clock().toISOString() });
    metrics?.count(METRIC.AlertsDeadLettered);
    logger.warn('alert dead-lettered after its last attempt', { tipId, error, maxAttempts });
    return 'dead-lettered';
  }

  /**
   * Sends the digests of closed flood windows, one per desk. A tip is marked alerted once every
   * desk it routes to got its digest; a tip one of whose desks' digest failed goes to the
   * dead-letter queue and is resent by the redrive (to all its desks: a duplicate for the desk
   * that did get it, never a loss). Held reader-message notices are not dead-lettered: the
   * message itself is in the tip's history, and the notice is best effort as when sent alone.
   */
  let lastFlushAt = 0;
  async function flushDigests({ includeCurrent = false, force = false } = {}): Promise<number> {
    if (!breaker) return 0;
    // Stream batches look at most every few seconds; the scheduled tick (force) always does.
    const now = clock().getTime();
    if (!force && now - lastFlushAt < Math.min(15_000, breaker.windowSeconds * 500)) return 0;
    lastFlushAt = now;
    let sent = 0;
    for (const { window, tipIds, noticeIds } of await breaker.pending({ includeCurrent })) {
      if (!(await breaker.claim(window))) continue;
      const read = (id: string) => store.getTip(id, { consistent: true }).catch(() => undefined);
      const tips: TipRecord[] = [];
      for (const id of tipIds) {
        const tip = await read(id);
        if (tip && !tip.alertedAt && tip.status === 'new') tips.push(tip);
      }
      const notices: TipRecord[] = [];
      for (const id of noticeIds) {
        const tip = await read(id);
        if (tip && tip.status !== 'quarantined') notices.push(tip);
      }
      if (tips.length + notices.length === 0) {
        await breaker.complete(window, 'sent');
        continue;
      }
      const from = breaker.windowStart(window);
      const to = new Date(from.getTime() + breaker.windowSeconds * 1000);
      let outcomes: DigestSend[];
      try {
        outcomes = await sendDigest({ tips, notices, from, to });
      } catch (err) {
        const error = err instanceof Error ? err.name : 'unknown';
        outcomes = [{ desk: '*', encrypted: false, tipIds: tips.map((t) => t.id), noticeIds: [], error }];
      }
      const failed = outcomes.filter((o) => o.error !== undefined);
      const failedTips = new Set(failed.flatMap((o) => o.tipIds));
      for (const tip of tips) {
        if (!failedTips.has(tip.id)) await store.markAlerted(tip.id, clock().toISOString());
      }
      const delivered = outcomes.length - failed.length;
      metrics?.count(METRIC.AlertsSent, tips.length - failedTips.size);
      if (delivered > 0) metrics?.count(METRIC.DigestsSent, delivered);
      const summary = {
        window,
        desks: outcomes.length,
        encrypted: outcomes.filter((o) => o.encrypted).length,
        tips: tips.length,
        notices: notices.length,
      };
      if (failed.length === 0) {
        await breaker.complete(window, 'sent');
        logger.info('flood digest sent', { ...summary, messageIds: outcomes.map((o) => o.messageId) });
        sent += delivered;
        continue;
      }
      const errors = [...new Set(failed.map((o) => o.error))];
      metrics?.count(METRIC.AlertFailures, failed.length);
      if (!deadLetters) {
        // Retried on the next run; the tips delivered everywhere are already marked alerted.
        await breaker.release(window);
        throw new Error(`flood digest not sent to ${failed.length} desk(s): ${errors.join(', ')}`);
      }
      for (const tipId of failedTips) {
        await deadLetters.put({
          tipId,
          reason: `digest:${errors.join(',')}`,
          failedAt: clock().toISOString(),
        });
      }
      await breaker.complete(window, 'dead-lettered');
      metrics?.count(METRIC.AlertsDeadLettered, failedTips.size);
      logger.warn('flood digest failed for some desks; their tips were dead-lettered', {
        ...summary,
        failedDesks: failed.length,
        deadLettered: failedTips.size,
        errors,
      });
      sent += delivered;
    }
    return sent;
  }

  return { alertTip, recordFailure, flushDigests };
}

export type DeskAlerts = ReturnType<typeof makeDeskAlerts>;
