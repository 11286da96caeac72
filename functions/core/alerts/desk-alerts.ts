import { SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NotifierConfig } from '#core/config/notifier-config';
import { NotFoundError } from '#core/http/errors';
import type { DynamoClients } from '#core/platform/aws-clients';
import type { Logger } from '#core/platform/logger';
import { METRIC, type MetricsRecorder, makeMetrics } from '#core/platform/metrics';
import type { TipRecord } from '#core/tips/tip-record';
import type { TipStore } from '#core/tips/tip-store';
import { type DeadLetterQueue, makeFileDeadLetters, makeSqsDeadLetters } from './dead-letters';
import type { EmailContent } from './desk-alert-email';
import { digestEmail, type FloodBreaker, makeFloodBreaker } from './flood-breaker';

export type AlertOutcome = 'alerted' | 'already-alerted' | 'skipped' | 'held';

export interface DeskAlertsDeps {
  store: TipStore;
  /** Sends one tip's alert (routing, encryption...); resolves to the provider's message ids. */
  sendAlert(tip: TipRecord): Promise<string[]>;
  /** Sends the flood digest to the desk. */
  sendDigest(content: EmailContent): Promise<string>;
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
   * Sends the digests of closed flood windows. A digest that cannot be sent puts its tips in
   * the dead-letter queue, so they are resent by the redrive like any failed alert.
   */
  let lastFlushAt = 0;
  async function flushDigests({ includeCurrent = false, force = false } = {}): Promise<number> {
    if (!breaker) return 0;
    // Stream batches look at most every few seconds; the scheduled tick (force) always does.
    const now = clock().getTime();
    if (!force && now - lastFlushAt < Math.min(15_000, breaker.windowSeconds * 500)) return 0;
    lastFlushAt = now;
    let sent = 0;
    for (const { window, tipIds } of await breaker.pending({ includeCurrent })) {
      if (!(await breaker.claim(window))) continue;
      const tips: TipRecord[] = [];
      for (const id of tipIds) {
        const tip = await store.getTip(id, { consistent: true }).catch(() => undefined);
        if (tip && !tip.alertedAt && tip.status === 'new') tips.push(tip);
      }
      if (tips.length === 0) {
        await breaker.complete(window, 'sent');
        continue;
      }
      const from = breaker.windowStart(window);
      const to = new Date(from.getTime() + breaker.windowSeconds * 1000);
      try {
        const messageId = await sendDigest(digestEmail(tips, { from, to }));
        await breaker.complete(window, 'sent');
        for (const tip of tips) await store.markAlerted(tip.id, clock().toISOString());
        metrics?.count(METRIC.DigestsSent);
        metrics?.count(METRIC.AlertsSent, tips.length);
        logger.info('flood digest sent', { window, tips: tips.length, messageId });
        sent++;
      } catch (err) {
        const error = err instanceof Error ? err.name : 'unknown';
        metrics?.count(METRIC.AlertFailures);
        if (!deadLetters) {
          await breaker.release(window);
          throw err;
        }
        for (const tip of tips) {
          await deadLetters.put({
            tipId: tip.id,
            reason: `digest:${error}`,
            failedAt: clock().toISOString(),
          });
        }
        await breaker.complete(window, 'dead-lettered');
        metrics?.count(METRIC.AlertsDeadLettered, tips.length);
        logger.warn('flood digest failed; its tips were dead-lettered', { window, tips: tips.length, error });
      }
    }
    return sent;
  }

  return { alertTip, recordFailure, flushDigests };
}

export type DeskAlerts = ReturnType<typeof makeDeskAlerts>;

/** The notifier's flood breaker, dead-letter queue and metrics as the config enables them. */
export function notifierReliabilityFromConfig(config: NotifierConfig, dynamo: DynamoClients) {
  const guardTable = config.GUARD_TABLE;
  const deadLetters = config.ALERT_DLQ_URL
    ? makeSqsDeadLetters(new SQSClient({ region: config.AWS_REGION }), config.ALERT_DLQ_URL)
    : config.ALERT_DLQ_FILE
      ? makeFileDeadLetters(config.ALERT_DLQ_FILE)
      : undefined;
  const reliability: Pick<DeskAlertsDeps, 'breaker' | 'deadLetters' | 'guard' | 'maxAttempts'> = {
    maxAttempts: config.ALERT_MAX_ATTEMPTS,
    ...(deadLetters ? { deadLetters } : {}),
    ...(guardTable
      ? {
          guard: { doc: dynamo.doc, tableName: guardTable },
          breaker: makeFloodBreaker({
            doc: dynamo.doc,
            tableName: guardTable,
            maxAlerts: config.FLOOD_MAX_ALERTS,
            windowSeconds: config.FLOOD_WINDOW_SECONDS,
          }),
        }
      : {}),
  };
  return { reliability, metrics: makeMetrics('tipline-notifier') };
}
