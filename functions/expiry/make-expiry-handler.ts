import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '#core/platform/logger';
import type { AttachmentObjects } from '#core/uploads/attachment-objects';
import { filesOfExpiredTip, isTtlExpiry } from '#core/uploads/expired-attachments';

export interface ExpiryDeps {
  objects: AttachmentObjects;
  logger: Logger;
}

/**
 * Deletes the stored attachments of each tip DynamoDB's TTL removed (stream REMOVE records with
 * the tip's OLD_IMAGE). A record whose deletion fails is reported in batchItemFailures, so it and
 * those after it are retried; deleting is idempotent (a missing object is no error).
 */
export function makeExpiryHandler({ objects, logger }: ExpiryDeps) {
  async function expire(record: DynamoDBRecord): Promise<number> {
    // The event source mapping lets only TTL removals through; locally the feed sends REMOVEs only.
    if (!isTtlExpiry(record) || !record.dynamodb?.OldImage) return 0;
    const ids = filesOfExpiredTip(unmarshall(record.dynamodb.OldImage as Record<string, AttributeValue>));
    if (ids.length > 0) await objects.deleteAll(ids);
    return ids.length;
  }

  return async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
    const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records ?? []) {
      const tipId = record.dynamodb?.Keys?.id?.S;
      try {
        const files = await expire(record);
        if (files > 0) logger.info('expired tip attachments deleted', { tipId, files });
      } catch (err) {
        const itemIdentifier = record.dynamodb?.SequenceNumber ?? record.eventID ?? 'unknown';
        logger.warn('expired tip attachments not deleted; record will be retried', {
          tipId,
          sequenceNumber: itemIdentifier,
          error: err instanceof Error ? err.name : 'unknown',
        });
        batchItemFailures.push({ itemIdentifier });
        // The stream retries from the first failure on: the records after it wait for it.
        break;
      }
    }
    return { batchItemFailures };
  };
}

export type ExpiryHandler = ReturnType<typeof makeExpiryHandler>;
