import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { ENV } from '#core/config/env-names';
import { GUARD_TABLE_KEY, IDEMPOTENCY_TABLE_KEY } from '#core/guards/guard-tables';
import { ALERT_MAX_ATTEMPTS, STREAM_RETRY_ATTEMPTS } from '../../infra/alert-delivery';
import type { TiplineStack } from '../../infra/tipline-stack';
import { logicalId, templateOnly } from './template-helpers';

let stack: TiplineStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = templateOnly({ alarmAddress: 'ops@example.org' }));
});

const props = (construct: Parameters<typeof logicalId>[1]) =>
  template.toJSON().Resources[logicalId(stack, construct)].Properties;
const envOf = (construct: Parameters<typeof logicalId>[1]) => props(construct).Environment.Variables;

describe('idempotency and guard tables', () => {
  test('the idempotency table is keyed as Powertools expects, on demand, expiring by `expiration`', () => {
    expect(props(stack.reliability.idempotency)).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE_KEY.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(IDEMPOTENCY_TABLE_KEY).toEqual({ partitionKey: 'id', ttlAttribute: 'expiration' });
  });

  test('the guard table (rate limits, fingerprints, flood windows) is keyed `pk`, expiring by `expiresAt`', () => {
    expect(props(stack.reliability.guard)).toMatchObject({
      KeySchema: [{ AttributeName: GUARD_TABLE_KEY.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: GUARD_TABLE_KEY.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  test('both tables have point-in-time recovery for one day (a bad write can be undone; receipts in idempotency records are not kept a month)', () => {
    for (const table of [stack.reliability.idempotency, stack.reliability.guard]) {
      expect(props(table).PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
        RecoveryPeriodInDays: 1,
      });
    }
  });

  test("intake gets both tables and the client-hash secret's ARN by their env-names.ts names", () => {
    const env = envOf(stack.intake);
    expect(env[ENV.IDEMPOTENCY_TABLE]).toEqual({ Ref: logicalId(stack, stack.reliability.idempotency) });
    expect(env[ENV.GUARD_TABLE]).toEqual({ Ref: logicalId(stack, stack.reliability.guard) });
    expect(env[ENV.CLIENT_HASH_SECRET_ARN]).toEqual({
      Ref: logicalId(stack, stack.secrets.of(ENV.CLIENT_HASH_SECRET)),
    });
    expect(env[ENV.CLIENT_HASH_SECRET]).toBeUndefined();
  });

  test('intake, staff and receipts get the ARN of the one generated receipt-hash secret, never its value', () => {
    const refs = [stack.intake, stack.staff, stack.receipts].map(
      (fn) => envOf(fn)[ENV.RECEIPT_HASH_SECRET_ARN],
    );
    for (const ref of refs)
      expect(ref).toEqual({ Ref: logicalId(stack, stack.secrets.of(ENV.RECEIPT_HASH_SECRET)) });
    for (const fn of [stack.intake, stack.staff, stack.receipts]) {
      expect(envOf(fn)[ENV.RECEIPT_HASH_SECRET]).toBeUndefined();
    }
    expect(envOf(stack.alerts.notifier)[ENV.RECEIPT_HASH_SECRET_ARN]).toBeUndefined();
  });

  test('the notifier dead-letters a tip to the DLQ before the stream gives up on it', () => {
    const env = envOf(stack.alerts.notifier);
    expect(env[ENV.GUARD_TABLE]).toEqual({ Ref: logicalId(stack, stack.reliability.guard) });
    expect(env[ENV.ALERT_DLQ_URL]).toEqual({ Ref: logicalId(stack, stack.alerts.deadLetterQueue) });
    expect(Number(env[ENV.ALERT_MAX_ATTEMPTS])).toBe(ALERT_MAX_ATTEMPTS);
    expect(ALERT_MAX_ATTEMPTS).toBeLessThanOrEqual(STREAM_RETRY_ATTEMPTS + 1);
  });
});

describe('alarms', () => {
  const alarms = () =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
  const topic = () => ({ Ref: logicalId(stack, stack.alarms.topic) });

  test('fires on the first message visible in the dead-letter queue', () => {
    expect(alarms()).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalId(stack, stack.alerts.deadLetterQueue), 'QueueName'] },
          },
        ],
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic()],
      }),
    );
  });

  test('fires on any 5xx of the API', () => {
    expect(alarms()).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalId(stack, stack.api.httpApi) } }],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [topic()],
      }),
    );
  });

  test('fires on an error of each function', () => {
    for (const fn of [stack.intake, stack.alerts.notifier, stack.staff]) {
      expect(alarms()).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, fn) } }],
          Statistic: 'Sum',
          Threshold: 0,
          AlarmActions: [topic()],
        }),
      );
    }
  });

  test('the alarm topic mails the address from context and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topic()],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});
