import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { deskAlertEmail } from '#core/alerts/desk-alert-email';
import {
  type AlertOutcome,
  type DeskAlerts,
  type DeskAlertsDeps,
  makeDeskAlerts,
} from '#core/alerts/desk-alerts';
import type { DeskDelivery } from '#core/alerts/desk-delivery';
import { type DigestDelivery, makeDigestDelivery } from '#core/alerts/flood-digest';
import type { Mailer } from '#core/alerts/mailer';
import type { Logger } from '#core/platform/logger';
import type { MetricsRecorder } from '#core/platform/metrics';
import type { TipRecord } from '#core/tips/tip-record';
import type { TipStore } from '#core/tips/tip-store';

export interface NotifierDeps {
  store: TipStore;
  mailer: Mailer;
  deskAddress: string;
  /** Routes by topic/kind and encrypts for desks with a key; without it, everything goes to deskAddress. */
  deliver?: DeskDelivery;
  /** Flood digests, one per desk, routed and encrypted like alerts; without it, one plain digest to deskAddress. */
  deliverDigest?: DigestDelivery;
  logger: Logger;
  clock?: () => Date;
  metrics?: MetricsRecorder;
  /** Flood breaker, dead-letter queue and failure counts (desk-alerts.ts); without them: plain alerts. */
  reliability?: Pick<DeskAlertsDeps, 'breaker' | 'deadLetters' | 'guard' | 'maxAttempts'>;
}

/** The alerting the notifier and `npm run redrive` share: one tip's alert, failures, digests. */
export function makeNotifierAlerts({
  store,
  mailer,
  deskAddress,
  deliver,
  deliverDigest,
  logger,
  clock = () => new Date(),
  metrics,
  reliability = {},
}: NotifierDeps): DeskAlerts {
  return makeDeskAlerts({
    store,
    async sendAlert(tip) {
      const sent = deliver
        ? await deliver(tip)
        : [{ messageId: await mailer.send([deskAddress], deskAlertEmail(tip)), encrypted: false }];
      logger.info('alert sent', { tipId: tip.id, encrypted: sent.filter((s) => s.encrypted).length });
      return sent.map((s) => s.messageId);
    },
    sendDigest:
      deliverDigest ??
      makeDigestDelivery({ mailer, from: deskAddress, routing: { default: [deskAddress], rules: [] } }),
    logger,
    clock,
    ...(metrics ? { metrics } : {}),
    ...reliability,
  });
}

/**
 * Turns stream INSERTs of received tips into desk alerts. Each record stands alone:
 * a failed one is reported in batchItemFailures so only it (and what follows it) is
 * retried, and a retried record whose alert already went out is recognised by the
 * tip's `alertedAt` and not sent twice.
 */
export function makeNotifierHandler(deps: NotifierDeps) {
  const { logger, metrics } = deps;
  const alerts = makeNotifierAlerts(deps);

  async function alertFor(record: DynamoDBRecord): Promise<AlertOutcome> {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return 'skipped';
    const image = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) as TipRecord;
    // Quarantined tips (honeypot, spam) are kept for editors to review, never alerted.
    if (image.status !== 'new') return 'skipped';
    return alerts.alertTip(image.id);
  }

  /** Stream batches, and (Records absent) the scheduled tick that sends closed flood digests. */
  return async function handler(event: Partial<DynamoDBStreamEvent>): Promise<DynamoDBBatchResponse> {
    const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
    try {
      await alerts.flushDigests({ force: !event.Records });
    } catch (err) {
      logger.warn('flood digest not sent; retried on the next invocation', {
        error: err instanceof Error ? err.name : 'unknown',
      });
    }
    for (const record of event.Records ?? []) {
      try {
        const outcome = await alertFor(record);
        if (outcome !== 'alerted') logger.debug('record not alerted', { outcome, eventId: record.eventID });
      } catch (err) {
        const tipId = record.dynamodb?.Keys?.id?.S;
        const error = err instanceof Error ? err.name : 'unknown';
        // At its last attempt the tip id goes to the dead-letter queue and the stream moves on.
        const next = tipId ? await alerts.recordFailure(tipId, error).catch(() => 'retry' as const) : 'retry';
        if (next === 'dead-lettered') continue;
        const itemIdentifier = record.dynamodb?.SequenceNumber ?? record.eventID ?? 'unknown';
        logger.warn('alert failed; record will be retried', {
          eventId: record.eventID,
          sequenceNumber: itemIdentifier,
          error: err instanceof Error ? err.name : 'unknown',
          retryable: (err as { retryable?: boolean }).retryable,
        });
        batchItemFailures.push({ itemIdentifier });
      }
    }
    metrics?.flush();
    return { batchItemFailures };
  };
}

export type NotifierHandler = ReturnType<typeof makeNotifierHandler>;
