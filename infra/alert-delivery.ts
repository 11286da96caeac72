import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, type EnvName } from '#core/config/env-names';
import { failureQueue } from './failure-queue';
import { TiplineFunction } from './tipline-function';

/** Attempts the stream gives a failing record after the first. */
export const STREAM_RETRY_ATTEMPTS = 5;
/**
 * The notifier dead-letters a tip itself (its id, which the stream's own on-failure message
 * lacks) at this attempt: below the stream's 1 + STREAM_RETRY_ATTEMPTS, so the notifier's
 * letter always comes first and the stream's batch metadata is only a backstop.
 */
export const ALERT_MAX_ATTEMPTS = 4;

export interface AlertDeliveryProps {
  readonly table: ITable;
  /** Flood-breaker windows, digests and per-tip alert failure counts. */
  readonly guardTable: ITable;
  readonly deskAddress: string;
  readonly senderAddress: string;
  /** More notifier settings (desk routing, PGP keys, retention), by env-names.ts name. */
  readonly extraEnvironment?: Partial<Record<EnvName, string>>;
  /** The customer-managed key for the dead-letter queue; @default SQS-managed encryption. */
  readonly encryptionKey?: IKey;
}

/**
 * From a stored tip to the desk's inbox: the notifier reads the table's stream, sends the
 * alert through SES from the sender identity, and what still fails after the retries lands
 * in a dead-letter queue to be redriven once SES is back.
 */
export class AlertDelivery extends Construct {
  readonly notifier: TiplineFunction;
  readonly deadLetterQueue: Queue;
  readonly senderIdentity: EmailIdentity;
  readonly digestTick: Rule;

  constructor(scope: Construct, id: string, props: AlertDeliveryProps) {
    super(scope, id);
    this.senderIdentity = new EmailIdentity(this, 'SenderIdentity', {
      identity: Identity.email(props.senderAddress),
    });

    // The stream's on-failure destination gets the batch's shard and sequence numbers (not
    // the tip itself); the notifier puts `{tipId, reason, failedAt}` here itself, which is
    // what `npm run redrive` and the AWS redrive in docs/operations.md resends.
    this.deadLetterQueue = failureQueue(this, 'DeadLetterQueue', props.encryptionKey);

    this.notifier = new TiplineFunction(this, 'Notifier', {
      functionDir: 'notifier',
      description: 'Sends the desk an email alert for each new tip on the table stream',
      environment: {
        [ENV.TIPS_TABLE]: props.table.tableName,
        [ENV.DESK_ADDRESS]: props.deskAddress,
        [ENV.SENDER_ADDRESS]: props.senderAddress,
        [ENV.GUARD_TABLE]: props.guardTable.tableName,
        [ENV.ALERT_MAX_ATTEMPTS]: String(ALERT_MAX_ATTEMPTS),
        [ENV.ALERT_DLQ_URL]: this.deadLetterQueue.queueUrl,
        ...props.extraEnvironment,
      },
      // A batch of 10 alerts, each up to 3 SES attempts: room for all of them, well below the
      // point where a stuck invocation would hold the shard for long.
      timeout: Duration.seconds(60),
      ...(props.encryptionKey ? { logKey: props.encryptionKey } : {}),
    });

    this.notifier.addEventSource(
      new DynamoEventSource(props.table, {
        // From the oldest record kept: a recreated mapping re-reads rather than skips, and
        // `alertedAt` on the tip stops a second alert.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        retryAttempts: STREAM_RETRY_ATTEMPTS,
        maxRecordAge: Duration.hours(1),
        bisectBatchOnError: true,
        // The handler returns batchItemFailures: only the failed record and those after it are retried.
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue),
        // Only new tips are alerted: triage edits, reader messages and TTL deletions (MODIFY,
        // REMOVE) never invoke the notifier, as the local stream feed gives it INSERTs only
        // (TTL's REMOVEs go to the expiry function, infra/attachment-expiry.ts).
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT') })],
      }),
    );

    // A closed flood window's digest goes out within a minute even when no new tip arrives
    // to invoke the notifier: a scheduled event has no Records, which the handler reads as
    // "flush the digests" (local/stack/stack.ts ticks the same way).
    this.digestTick = new Rule(this, 'DigestTick', {
      description: 'Sends the digests of closed flood windows',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.notifier, { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
    });

    // Only what the notifier calls: read the tip, mark it alerted, send from the sender identity.
    this.notifier.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [props.table.tableArn]);
    // Flood windows and digests (one BatchGet per invocation), per-tip failure counters.
    this.notifier.allow(['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'], [props.guardTable.tableArn]);
    this.notifier.allow(['ses:SendEmail'], [this.senderIdentity.emailIdentityArn]);
  }
}
