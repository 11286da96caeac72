import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#core/config/env-names';
import { TTL_DELETER } from '#core/uploads/expired-attachments';
import { CLEAN_PREFIX, ORIGINALS_PREFIX } from '#core/uploads/storage-layout';
import { failureQueue } from './failure-queue';
import { TiplineFunction } from './tipline-function';

/**
 * Attempts a failing REMOVE gets after the first. More than the notifier's: a tip's text is
 * already gone, and a file left behind is kept (tagged attached) until someone deletes it.
 */
export const EXPIRY_RETRY_ATTEMPTS = 10;

export interface AttachmentExpiryProps {
  /** The tips table; its stream must carry old images (NEW_AND_OLD_IMAGES). */
  readonly table: ITable;
  readonly cleanBucket: IBucket;
  readonly encryptionKey?: IKey;
}

/**
 * Retention reaches the files (issue 12): when DynamoDB's TTL deletes a tip, the stream's REMOVE
 * record (filtered to TTL's own identity, so a delete by anyone else never triggers it) carries
 * the tip as it was, and the expiry function deletes its attachments' clean copies and originals.
 * What still fails after the retries lands in a queue of its own (the stream's batch metadata:
 * shard and sequence numbers), apart from the alerts' dead letters, which `npm run redrive` reads.
 */
export class AttachmentExpiry extends Construct {
  readonly fn: TiplineFunction;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: AttachmentExpiryProps) {
    super(scope, id);
    this.deadLetterQueue = failureQueue(this, 'DeadLetterQueue', props.encryptionKey);

    this.fn = new TiplineFunction(this, 'Function', {
      functionDir: 'expiry',
      description: "Deletes the attachments of tips DynamoDB's TTL removed (tips stream, REMOVE by TTL)",
      environment: { [ENV.CLEAN_BUCKET]: props.cleanBucket.bucketName },
      // A batch of 10 tips, each one DeleteObjects of up to 20 keys, with the SDK's retries.
      timeout: Duration.seconds(60),
      ...(props.encryptionKey ? { logKey: props.encryptionKey } : {}),
    });

    this.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        retryAttempts: EXPIRY_RETRY_ATTEMPTS,
        // The stream keeps records 24 hours: retried until then, never skipped sooner.
        maxRecordAge: Duration.days(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
        // TTL's removals only: not new tips or triage edits (the notifier's), not a delete by a
        // person or a tool, whose files are that person's decision.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('REMOVE'),
            userIdentity: {
              type: FilterRule.isEqual(TTL_DELETER.type),
              principalId: FilterRule.isEqual(TTL_DELETER.principalId),
            },
          }),
        ],
      }),
    );

    // Delete only, on the clean copies and the kept originals; the stream reads (and, with a
    // customer-managed key, its decryption) come from the event source's own grant.
    this.fn.allow(
      ['s3:DeleteObject'],
      [CLEAN_PREFIX, ORIGINALS_PREFIX].map((p) => props.cleanBucket.arnForObjects(`${p}*`)),
    );
  }
}
