import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { ENV } from '#core/config/env-names';
import { makeTiplineApp } from '../../infra/tipline-app';
import type { TiplineStack } from '../../infra/tipline-stack';
import { logicalId, TEST_CONTEXT, templateOnly } from './template-helpers';

const ROUTING = {
  default: ['world-desk@example.org'],
  rules: [
    { topic: 'russia-ukraine-war', to: ['ukraine-team@example.org'] },
    { kind: 'question', to: ['audience@example.org'] },
  ],
};
// Shape only: the notifier parses the key itself on first use; synth checks it is a public block.
const PGP_KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ0test\n-----END PGP PUBLIC KEY BLOCK-----\n';
const RETENTION = { default: 365, byStatus: { dismissed: 30, quarantined: 7 } };

let stack: TiplineStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = templateOnly({
    deskRouting: ROUTING,
    deskPgpKeys: { 'ukraine-team@example.org': PGP_KEY },
    // As `-c retentionPolicy='{...}'` gives it: a JSON string.
    retentionPolicy: JSON.stringify(RETENTION),
  }));
});

const keyArn = () => ({ 'Fn::GetAtt': [logicalId(stack, stack.key), 'Arn'] });
const props = (construct: Parameters<typeof logicalId>[1]) =>
  template.toJSON().Resources[logicalId(stack, construct)].Properties;

describe('customer-managed key', () => {
  test('is one key, rotated yearly, kept when the stack goes', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true, RotationPeriodInDays: 365 }),
      DeletionPolicy: 'Retain',
    });
  });

  test("lets CloudWatch Logs use it for this stack's own log groups only", () => {
    const statements = props(stack.key).KeyPolicy.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        Action: expect.arrayContaining(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']),
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':logs:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  `:log-group:${stack.stackName}-*`,
                ],
              ],
            },
          },
        },
      }),
    );
  });

  test('encrypts the tips table and both guard tables', () => {
    for (const table of [stack.tips.table, stack.reliability.idempotency, stack.reliability.guard]) {
      expect(props(table).SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: keyArn(),
      });
    }
  });

  test('encrypts the dead-letter queues and the alarm topic', () => {
    expect(props(stack.alerts.deadLetterQueue).KmsMasterKeyId).toEqual(keyArn());
    expect(props(stack.expiry.deadLetterQueue).KmsMasterKeyId).toEqual(keyArn());
    expect(props(stack.alarms.topic).KmsMasterKeyId).toEqual(keyArn());
  });

  test('encrypts every log group, each kept 90 days', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    // One per function (intake, staff, receipts, notifier, cleaner, expiry) and the API's access log.
    expect(groups).toHaveLength(7);
    for (const group of groups) {
      expect(group.Properties).toMatchObject({ KmsKeyId: keyArn(), RetentionInDays: 90 });
    }
  });

  test("names no log group, so each gets a generated `<stack>-…` name the key policy's prefix covers", () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map((g) => g.Properties.LogGroupName).filter((name) => name !== undefined)).toEqual([]);
    expect(stack.stackName).toBe('Tipline');
  });
});

describe('routing, encrypted alerts and retention from context', () => {
  test('the notifier gets the routing table and the desk keys as the JSON its config parses', () => {
    const env = props(stack.alerts.notifier).Environment.Variables;
    expect(JSON.parse(env[ENV.DESK_ROUTING])).toEqual(ROUTING);
    expect(JSON.parse(env[ENV.DESK_PGP_KEYS])).toEqual({ 'ukraine-team@example.org': PGP_KEY });
  });

  test("receipts routes a reader message's desk notice by the same table, and encrypts it with the same desk keys", () => {
    const env = props(stack.receipts).Environment.Variables;
    expect(JSON.parse(env[ENV.DESK_ROUTING])).toEqual(ROUTING);
    expect(env[ENV.DESK_ADDRESS]).toBe(TEST_CONTEXT.deskAddress);
    expect(env[ENV.SENDER_ADDRESS]).toBe(TEST_CONTEXT.senderAddress);
    // The notice names the tip and its topic: a keyed desk gets it encrypted, as its alerts.
    expect(JSON.parse(env[ENV.DESK_PGP_KEYS])).toEqual({ 'ukraine-team@example.org': PGP_KEY });
  });

  test('every function that writes tips applies the same retention policy', () => {
    for (const fn of [stack.intake, stack.staff, stack.receipts, stack.alerts.notifier]) {
      expect(JSON.parse(props(fn).Environment.Variables[ENV.RETENTION_POLICY])).toEqual(RETENTION);
    }
  });

  test('a routing rule to a malformed address fails the synth, naming the context key', () => {
    const deskRouting = {
      default: ['world-desk@example.org'],
      rules: [{ topic: 'europe', to: ['europe desk'] }],
    };
    expect(() =>
      makeTiplineApp({ bundle: false, nag: false, context: { ...TEST_CONTEXT, deskRouting } }),
    ).toThrow(/context "deskRouting": rules.0.to.0: must be an email address/);
  });

  test('a private key given as a desk key fails the synth', () => {
    const deskPgpKeys = {
      'ukraine-team@example.org':
        '-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n-----END PGP PRIVATE KEY BLOCK-----',
    };
    expect(() =>
      makeTiplineApp({ bundle: false, nag: false, context: { ...TEST_CONTEXT, deskPgpKeys } }),
    ).toThrow(/context "deskPgpKeys"/);
  });

  test("desk keys too big for Lambda's 4 KB environment fail the synth with the fix", () => {
    const rsaSized = PGP_KEY.replace('xjMEZ0test', 'x'.repeat(3_000));
    const deskPgpKeys = { 'a@example.org': rsaSized, 'b@example.org': rsaSized };
    expect(() =>
      makeTiplineApp({ bundle: false, nag: false, context: { ...TEST_CONTEXT, deskPgpKeys } }),
    ).toThrow(/4 KB environment; use ed25519 keys/);
  });
});
