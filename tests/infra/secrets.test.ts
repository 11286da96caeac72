import { readdirSync, readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { ENV, SECRET_ENV } from '#core/config/env-names';
import { TiplineFunction } from '../../infra/tipline-function';
import type { TiplineStack } from '../../infra/tipline-stack';
import { logicalId, templateOnly } from './template-helpers';

let stack: TiplineStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = templateOnly());
});

/** A template resource; its properties as loosely typed as the template's own JSON. */
type Resource = { Type: string; Properties: ReturnType<Template['toJSON']> };
const resources = () => Object.entries(template.toJSON().Resources) as [string, Resource][];
const functions = () => resources().filter(([, r]) => r.Type === 'AWS::Lambda::Function');
// CDK's own deploy-time handler of the uploads bucket's event notification (inline, no environment).
const tiplineFunctions = () => functions().filter(([id]) => !id.startsWith('BucketNotificationsHandler'));
const secretIds = () =>
  resources()
    .filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret')
    .map(([id]) => id);

describe('secrets in Secrets Manager, read at cold start', () => {
  test('no function environment holds a secret value, a dynamic reference or a secret variable', () => {
    // intake, staff, receipts, notifier, cleaner, expiry.
    expect(tiplineFunctions()).toHaveLength(6);
    expect(functions()).toHaveLength(7);
    for (const [id, fn] of functions()) {
      const env = fn.Properties.Environment?.Variables ?? {};
      expect(JSON.stringify(env), id).not.toMatch(/resolve:secretsmanager|\{\{resolve:/);
      for (const name of Object.keys(SECRET_ENV)) expect(Object.keys(env), id).not.toContain(name);
      // What it does get is the ARN, as a reference to one of the stack's secrets.
      for (const arnName of Object.values(SECRET_ENV)) {
        if (env[arnName] !== undefined) expect(secretIds(), `${id} ${arnName}`).toContain(env[arnName].Ref);
      }
    }
    // Nowhere else in the template either, but in the one place no ARN can do: the origin header
    // CloudFront sends (infra/edge.ts), which CloudFormation resolves at deploy.
    const resolvedIn = resources()
      .filter(([, r]) => JSON.stringify(r).includes('resolve:secretsmanager'))
      .map(([id, r]) => [id, r.Type]);
    expect(resolvedIn).toEqual([
      [logicalId(stack, stack.edge.distribution), 'AWS::CloudFront::Distribution'],
    ]);
    const origins = resources().find(([, r]) => r.Type === 'AWS::CloudFront::Distribution')?.[1].Properties
      .DistributionConfig.Origins;
    expect(JSON.stringify(origins[0].OriginCustomHeaders)).toContain('resolve:secretsmanager');
  });

  test('infra unwraps a secret value only for CloudFront, never for a function', () => {
    const dir = new URL('../../infra/', import.meta.url);
    const unwrapping = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /unsafeUnwrap|secretValue/.test(readFileSync(new URL(f, dir), 'utf8')));
    expect(unwrapping).toEqual(['edge.ts']);
    const edge = readFileSync(new URL('edge.ts', dir), 'utf8');
    expect(edge.match(/unsafeUnwrap\(\)/g)).toHaveLength(1);
    expect(edge).toMatch(
      /customHeaders: \{ \[ORIGIN_VERIFY_HEADER\]: this\.originSecret\.secretValue\.unsafeUnwrap\(\) \}/,
    );
  });

  test('each function gets the ARN of exactly the secrets it reads', () => {
    const envOf = (fn: TiplineFunction) =>
      template.toJSON().Resources[logicalId(stack, fn)].Properties.Environment.Variables;
    const secretRef = (name: keyof typeof SECRET_ENV) => ({ Ref: logicalId(stack, stack.secrets.of(name)) });
    expect(envOf(stack.intake)[ENV.CLIENT_HASH_SECRET_ARN]).toEqual(secretRef(ENV.CLIENT_HASH_SECRET));
    expect(envOf(stack.receipts)[ENV.CLIENT_HASH_SECRET_ARN]).toEqual(secretRef(ENV.CLIENT_HASH_SECRET));
    expect(envOf(stack.staff)[ENV.CURSOR_SECRET_ARN]).toEqual(secretRef(ENV.CURSOR_SECRET));
    for (const fn of [stack.intake, stack.staff, stack.receipts]) {
      expect(envOf(fn)[ENV.RECEIPT_HASH_SECRET_ARN]).toEqual(secretRef(ENV.RECEIPT_HASH_SECRET));
    }
    expect(envOf(stack.intake)[ENV.ORIGIN_VERIFY_SECRET_ARN]).toEqual(secretRef(ENV.ORIGIN_VERIFY_SECRET));
    expect(envOf(stack.receipts)[ENV.ORIGIN_VERIFY_SECRET_ARN]).toEqual(secretRef(ENV.ORIGIN_VERIFY_SECRET));
    expect(envOf(stack.staff)[ENV.CLIENT_HASH_SECRET_ARN]).toBeUndefined();
    expect(envOf(stack.intake)[ENV.CURSOR_SECRET_ARN]).toBeUndefined();
    const notifier = envOf(stack.alerts.notifier);
    for (const arnName of Object.values(SECRET_ENV)) expect(notifier[arnName]).toBeUndefined();
  });

  test("every secret is generated (64 characters) and encrypted with the project's key", () => {
    expect(secretIds().sort()).toEqual(
      ['ClientHashSecret', 'CursorSecret', 'EdgeOriginVerifySecret', 'ReceiptHashSecret'].map((id) =>
        expect.stringMatching(new RegExp(`^${id}`)),
      ),
    );
    for (const id of secretIds()) {
      const secret = template.toJSON().Resources[id].Properties;
      expect(secret.KmsKeyId, id).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.key), 'Arn'] });
      expect(secret.GenerateSecretString, id).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
      expect(secret.SecretString, id).toBeUndefined();
    }
  });

  test('the only Secrets Manager permission any role holds is GetSecretValue on a secret of its own', () => {
    const policies = resources().filter(([, r]) => r.Type === 'AWS::IAM::Policy');
    const grants: string[] = [];
    for (const [, policy] of policies) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        const actions = [s.Action].flat() as string[];
        if (!actions.some((a) => a.startsWith('secretsmanager:'))) continue;
        expect(actions).toEqual(['secretsmanager:GetSecretValue']);
        expect(secretIds()).toContain(s.Resource.Ref);
        grants.push(`${policy.Properties.Roles[0].Ref}:${s.Resource.Ref}`);
      }
    }
    // intake and receipts the client-hash, origin and receipt-hash secrets, staff the cursor and
    // receipt-hash secrets.
    expect(grants).toHaveLength(8);
  });

  test('TiplineFunction refuses a secret (or its ARN) passed as a plain environment variable', () => {
    const scope = new Stack(new App(), 'Probe');
    for (const name of [ENV.CURSOR_SECRET, ENV.CURSOR_SECRET_ARN]) {
      expect(
        () =>
          new TiplineFunction(scope, `Fn${name}`, {
            functionDir: 'staff',
            description: 'probe',
            environment: { [ENV.TIPS_TABLE]: 'tips', [name]: 'x'.repeat(40) },
          }),
      ).toThrow(new RegExp(`${name} is a secret's: pass the secret as \`secrets\``));
    }
  });
});
