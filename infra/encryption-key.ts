import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * The one customer-managed key of Tipline's data at rest: the tables (tips, contacts,
 * history), the dead-letter queue, the log groups and the alarm topic. A key the newsroom
 * holds, rotated yearly, whose every use is in CloudTrail, and which can be disabled to
 * make all of it unreadable at once.
 */
/** The ARNs of the log groups a stack creates without naming them (CloudFormation's generated names). */
export function logGroupArnPattern(partition: string, region: string, account: string, stackName: string) {
  return `arn:${partition}:logs:${region}:${account}:log-group:${stackName}-*`;
}

export class TiplineKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { region, account, partition, stackName } = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Tipline data at rest: tables, dead-letter queue, logs, alarm topic',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      // Deleting the key destroys every tip with it: never as a side effect of a stack change.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // CloudWatch Logs encrypts with the key itself, so the key policy must let it, and only
    // for Tipline's own log groups: every group the stack declares is named by CloudFormation
    // `<stack name>-<logical id>-<suffix>` (none sets a name), so another log group of the
    // account cannot be encrypted with, or read through, the key of the tips.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryptLogGroups',
        principals: [new ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': logGroupArnPattern(partition, region, account, stackName),
          },
        },
      }),
    );
    // An alarm publishing to the encrypted topic does so as CloudWatch, not as a role of ours.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
  }
}
