import { CfnOutput, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface TiplineAlarmsProps {
  readonly deadLetterQueue: IQueue;
  /** Stream records of expired tips whose attachments could not be deleted. */
  readonly expiryDeadLetterQueue?: IQueue;
  /** Upload events the cleaner failed at every attempt (its asynchronous invocation's on-failure destination). */
  readonly cleanerFailures?: IQueue;
  /** The API stage whose 5xx count is watched. */
  readonly api: { metricServerError(props?: { period?: Duration }): IMetric };
  readonly functions: Record<string, IFunction>;
  /** Who is told when an alarm fires; @default nobody subscribed (the topic is still there). */
  readonly alarmAddress?: string;
  /** Encrypts the alarm topic; @default SNS's own encryption is off. */
  readonly encryptionKey?: IKey;
}

/**
 * What must wake someone: a tip whose alert could not be sent (anything in the dead-letter
 * queue), a 5xx from the API (a 500 is a bug; a 503 means the store is failing readers), and
 * any function error. Each fires on the first occurrence: on a tip line there is no
 * acceptable background rate of lost alerts.
 */
export class TiplineAlarms extends Construct {
  readonly topic: Topic;
  readonly deadLetters: Alarm;
  readonly expiryDeadLetters?: Alarm;
  readonly apiServerErrors: Alarm;
  readonly cleanerFailures?: Alarm;
  readonly functionErrors: Alarm[] = [];

  constructor(scope: Construct, id: string, props: TiplineAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Tipline alarms',
      enforceSSL: true,
      ...(props.encryptionKey ? { masterKey: props.encryptionKey } : {}),
    });
    if (props.alarmAddress) this.topic.addSubscription(new EmailSubscription(props.alarmAddress));
    const action = new SnsAction(this.topic);

    const atLeastOne = (alarmId: string, metric: IMetric, description: string) => {
      const alarm = new Alarm(this, alarmId, {
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No data means nothing happened: a quiet tip line is healthy.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    };

    this.deadLetters = atLeastOne(
      'DeadLettersAlarm',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      'A desk alert could not be sent and is in the dead-letter queue: fix SES, then redrive (docs/operations.md).',
    );
    if (props.expiryDeadLetterQueue) {
      this.expiryDeadLetters = atLeastOne(
        'ExpiryDeadLettersAlarm',
        props.expiryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        "An expired tip's attachments could not be deleted: they are still in the clean bucket (docs/operations.md).",
      );
    }
    if (props.cleanerFailures) {
      this.cleanerFailures = atLeastOne(
        'CleanerFailuresAlarm',
        props.cleanerFailures.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        "An upload's S3 event failed every cleaner attempt: its tip may show the file as still being cleaned. The queue's message names the object; fix the cause, then send the event to the cleaner again.",
      );
    }
    this.apiServerErrors = atLeastOne(
      'ApiServerErrorsAlarm',
      props.api.metricServerError({ period: Duration.minutes(5) }),
      'The API answered 5xx: a 500 is a bug; a 503 means the tips table is failing readers.',
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.functionErrors.push(
        atLeastOne(
          `${name}ErrorsAlarm`,
          fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          `The ${name} function failed an invocation (an uncaught error or a timeout).`,
        ),
      );
    }

    new CfnOutput(scope, 'AlarmTopicArn', { value: this.topic.topicArn });
  }
}
