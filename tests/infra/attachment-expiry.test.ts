import { describe, expect, test } from 'vitest';
import { ENV } from '#core/config/env-names';
import { ATTACHED_TAG, CLEAN_PREFIX, ORIGINALS_PREFIX } from '#core/uploads/storage-layout';
import { EXPIRY_RETRY_ATTEMPTS } from '../../infra/attachment-expiry';
import { logicalId, roleStatements, sortStatements, templateOnly } from './template-helpers';

const { stack, template } = templateOnly();
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by the assertions below
const resources: Record<string, any> = template.toJSON().Resources;
const { fn, deadLetterQueue } = stack.expiry;
const tableId = logicalId(stack, stack.tips.table);
const cleanId = logicalId(stack, stack.attachments.clean);
const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
const mappingOf = (f: Parameters<typeof logicalId>[1]) =>
  mappings.find((m) => m.Properties.FunctionName.Ref === logicalId(stack, f))?.Properties;

describe('retention reaches the files: the expiry function (infra/attachment-expiry.ts)', () => {
  test("reads the tips stream's TTL removals only, with retries, partial failures and its own DLQ", () => {
    expect(resources[tableId].Properties.StreamSpecification).toEqual({
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(mappingOf(fn)).toEqual({
      FunctionName: { Ref: logicalId(stack, fn) },
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumRetryAttempts: EXPIRY_RETRY_ATTEMPTS,
      MaximumRecordAgeInSeconds: 86_400,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack, deadLetterQueue), 'Arn'] } },
      },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['REMOVE'],
              userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
            }),
          },
        ],
      },
    });
    // The notifier still sees new tips only: a removal never alerts.
    expect(mappingOf(stack.alerts.notifier)?.FilterCriteria).toEqual({
      Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }],
    });
  });

  test('may delete clean copies and kept originals and read the stream, nothing else; the notifier has no S3 right', () => {
    const statements = roleStatements(template, stack, fn);
    const s3 = statements.filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    expect(s3).toEqual(
      sortStatements(
        [CLEAN_PREFIX, ORIGINALS_PREFIX].map((prefix) => ({
          actions: ['s3:DeleteObject'],
          resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [cleanId, 'Arn'] }, `/${prefix}*`]] },
        })),
      ),
    );
    // Besides: the stream reads, its encrypted dead-letter queue (and the key for both), its log group.
    const rest = new Set(
      statements.filter((s) => !s.actions.some((a) => a.startsWith('s3:'))).flatMap((s) => s.actions),
    );
    expect([...rest].sort()).toEqual(
      [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:Encrypt',
        'kms:GenerateDataKey*',
        'kms:ReEncrypt*',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(
      roleStatements(template, stack, stack.alerts.notifier).flatMap((s) => s.actions),
    ).not.toContainEqual(expect.stringMatching(/^s3:/));
    expect(resources[logicalId(stack, fn)].Properties.Environment.Variables[ENV.CLEAN_BUCKET]).toEqual({
      Ref: cleanId,
    });
  });

  test('its dead letters raise an alarm', () => {
    expect(stack.alarms.expiryDeadLetters).toBeDefined();
    const alarm = resources[logicalId(stack, stack.alarms.expiryDeadLetters as never)];
    expect(alarm.Properties.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, deadLetterQueue), 'QueueName'] } },
    ]);
  });

  test('no lifecycle rule of the clean bucket expires an attached copy or an original: retention alone removes them', () => {
    const rules: Array<Record<string, unknown>> = resources[cleanId].Properties.LifecycleConfiguration.Rules;
    const expiring = rules.filter(
      (r) =>
        r.ExpirationInDays !== undefined || r.ExpirationDate !== undefined || r.Transitions !== undefined,
    );
    expect(expiring.length).toBeGreaterThan(0);
    for (const rule of expiring) {
      // Each expiring rule is limited to copies (or kept originals) still tagged unattached.
      expect([CLEAN_PREFIX, ORIGINALS_PREFIX]).toContain(rule.Prefix);
      expect(rule.TagFilters).toEqual([{ Key: ATTACHED_TAG.key, Value: ATTACHED_TAG.unattached }]);
    }
    expect(ATTACHED_TAG.unattached).not.toBe(ATTACHED_TAG.attached);
  });
});
