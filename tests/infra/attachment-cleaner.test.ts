import { describe, expect, test } from 'vitest';
import { ENV } from '#core/config/env-names';
import { CLEAN_ATTEMPTS } from '#core/uploads/attachment-claims';
import { CLEAN_PREFIX, ORIGINALS_PREFIX, UPLOAD_PREFIX } from '#core/uploads/storage-layout';
import { logicalId, roleStatements, sortStatements, templateOnly } from './template-helpers';

const { stack, template } = templateOnly();
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by the assertions below
const resources: Record<string, any> = template.toJSON().Resources;
const { cleaner, attachments, tips, reliability } = stack;
const fnId = logicalId(stack, cleaner.fn);
const arnOf = (construct: Parameters<typeof logicalId>[1]) => ({
  'Fn::GetAtt': [logicalId(stack, construct), 'Arn'],
});
const objects = (construct: Parameters<typeof logicalId>[1], prefix: string) => ({
  'Fn::Join': ['', [arnOf(construct), `/${prefix}*`]],
});

describe('the cleaner (infra/attachment-cleaner.ts)', () => {
  test('a 2 GB, 3-minute arm64 function told where the buckets, the tips and the claims are', () => {
    const props = resources[fnId].Properties;
    expect(props.MemorySize).toBeGreaterThanOrEqual(1536);
    expect(props.Timeout).toBeGreaterThanOrEqual(120);
    expect(props.Timeout).toBeLessThanOrEqual(300);
    expect(props.Architectures).toEqual(['arm64']);
    expect(Object.keys(props.Environment.Variables).sort()).toEqual(
      [ENV.CLEAN_BUCKET, ENV.GUARD_TABLE, ENV.TIPS_TABLE, ENV.UPLOADS_BUCKET, 'NODE_OPTIONS'].sort(),
    );
  });

  test('is invoked by every ObjectCreated under uploads/ of the uploads bucket, and nothing else', () => {
    const notifications = Object.values(resources).filter((r) => r.Type === 'Custom::S3BucketNotifications');
    expect(notifications).toHaveLength(1);
    expect(notifications[0].Properties.BucketName).toEqual({ Ref: logicalId(stack, attachments.uploads) });
    expect(notifications[0].Properties.NotificationConfiguration).toEqual({
      LambdaFunctionConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: UPLOAD_PREFIX }] } },
          LambdaFunctionArn: arnOf(cleaner.fn),
        },
      ],
    });
    const permissions = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties.FunctionName).includes(fnId),
    );
    expect(permissions).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Action: 'lambda:InvokeFunction',
          Principal: 's3.amazonaws.com',
          SourceArn: arnOf(attachments.uploads),
        }),
      }),
    ]);
  });

  test(`retries an event ${CLEAN_ATTEMPTS - 1} times, then sends it to an encrypted failures queue that is alarmed`, () => {
    const config = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    expect(config?.Properties).toMatchObject({
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: CLEAN_ATTEMPTS - 1,
      DestinationConfig: { OnFailure: { Destination: arnOf(cleaner.failures) } },
    });
    expect(resources[logicalId(stack, cleaner.failures)].Properties.KmsMasterKeyId).toEqual(arnOf(stack.key));
    const alarm = resources[logicalId(stack, stack.alarms.cleanerFailures as never)];
    expect(alarm.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, cleaner.failures), 'QueueName'] } },
      ],
    });
    expect(stack.alarms.functionErrors.map((a) => a.node.id)).toContain('CleanerErrorsAlarm');
  });

  test('may read and delete uploads, write and tag copies, update its claims and only the records of a tip', () => {
    const table = tips.table;
    const logGroup = stack.resolve(cleaner.fn.logGroup.logGroupArn);
    expect(roleStatements(template, stack, cleaner.fn)).toEqual(
      sortStatements([
        {
          actions: ['s3:DeleteObject', 's3:GetObject'],
          resource: objects(attachments.uploads, UPLOAD_PREFIX),
        },
        {
          actions: ['s3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
          resource: objects(attachments.clean, CLEAN_PREFIX),
        },
        {
          actions: ['s3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
          resource: objects(attachments.clean, ORIGINALS_PREFIX),
        },
        {
          actions: ['dynamodb:UpdateItem'],
          resource: arnOf(reliability.guard),
          condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['attachment#*'] } },
        },
        {
          actions: ['dynamodb:UpdateItem'],
          resource: arnOf(table),
          condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['id', 'attachments', 'itemBytes'] },
            StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
          },
        },
        {
          actions: ['dynamodb:GetItem'],
          resource: arnOf(table),
          condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['id', 'attachments'] },
            StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        },
        {
          actions: [
            'kms:Decrypt',
            'kms:DescribeKey',
            'kms:Encrypt',
            'kms:GenerateDataKey*',
            'kms:ReEncrypt*',
          ],
          resource: arnOf(stack.key),
        },
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: logGroup },
        // The on-failure destination: send the failed event to its encrypted queue.
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resource: arnOf(cleaner.failures),
        },
        {
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          resource: arnOf(stack.key),
        },
      ]),
    );
  });
});
