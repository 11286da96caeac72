import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { deskAlertEmail } from '../core/desk-alert-email';
import type { DeskDelivery } from '../core/desk-delivery';
import type { Logger } from '../core/logger';
import type { Mailer } from '../core/mailer';
import type { TipRecord } from '../core/tip-record';
import type { TipStore } from '../core/tip-store';

export interface NotifierDeps {
  store: TipStore;
  mailer: Mailer;
  deskAddress: string;
  /** Routes by topic/kind and encrypts for desks with a key; without it, everything goes to deskAddress. */
  deliver?: DeskDelivery;
  logger: Logger;
  clock?: () => Date;
}

type Outcome = 'alerted' | 'skipped' | 'already-alerted';

/**
 * Turns stream INSERTs of received tips into desk alerts. Each record stands alone:
 * a failed one is reported in batchItemFailures so only it (and what follows it) is
 * retried, and a retried record whose alert already went out is recognised by the
 * tip's `alertedAt` and not sent twice.
 */
export function makeNotifierHandler({
  store,
  mailer,
  deskAddress,
  deliver,
  logger,
  clock = () => new Date(),
}: NotifierDeps) {
  async function alertFor(record: DynamoDBRecord): Promise<Outcome> {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return 'skipped';
    const image = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) as TipRecord;
    // Quarantined tips (honeypot, spam) are kept for editors to review, never alerted.
    if (image.status !== 'new') return 'skipped';
    const current = await store.getTip(image.id, { consistent: true });
    if (current.alertedAt) return 'already-alerted';
    const sent = deliver
      ? await deliver(current)
      : [{ messageId: await mailer.send([deskAddress], deskAlertEmail(current)), encrypted: false }];
    const recorded = await store.markAlerted(current.id, clock().toISOString());
    logger.info('desk alerted', {
      tipId: current.id,
      messageIds: sent.map((s) => s.messageId),
      encrypted: sent.filter((s) => s.encrypted).length,
      recorded,
    });
    return 'alerted';
  }

  return async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const outcome = await alertFor(record);
        if (outcome !== 'alerted') logger.debug('record not alerted', { outcome, eventId: record.eventID });
      } catch (err) {
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
    return { batchItemFailures };
  };
}

export type NotifierHandler = ReturnType<typeof makeNotifierHandler>;
