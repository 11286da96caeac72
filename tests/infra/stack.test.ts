import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROUTES, routeKey } from '#core/api/routes';
import { ENV, SECRET_ENV, type SecretEnvName } from '#core/config/env-names';
import { LIST_INDEXES, RECEIPT_INDEX, TTL_ATTRIBUTE } from '#core/tips/table-design';
import { CLEAN_PREFIX, ORIGINALS_PREFIX, UPLOAD_PREFIX } from '#core/uploads/storage-layout';
import { makeTiplineApp } from '../../infra/tipline-app';
import { TiplineFunction } from '../../infra/tipline-function';
import type { TiplineStack } from '../../infra/tipline-stack';
import {
  logicalId,
  roleProperties,
  roleStatements,
  sortStatements,
  TEST_CONTEXT,
  templateOnly,
} from './template-helpers';

// One synth with real esbuild bundling, as `npm run synth` does it; every test reads this template.
let outdir: string;
let stack: TiplineStack;
let template: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'tipline-synth-'));
  ({ stack } = makeTiplineApp({ outdir, nag: false, context: TEST_CONTEXT }));
  template = Template.fromStack(stack);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const props = (construct: Parameters<typeof logicalId>[1]) =>
  template.toJSON().Resources[logicalId(stack, construct)].Properties;
const ref = (construct: Parameters<typeof logicalId>[1]) => ({ Ref: logicalId(stack, construct) });
const arnOf = (construct: Parameters<typeof logicalId>[1]) => ({
  'Fn::GetAtt': [logicalId(stack, construct), 'Arn'],
});

/** What every function that calls DynamoDB needs of the customer-managed table key. */
const tableKeyUse = () => ({
  actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
  resource: arnOf(stack.key),
});

/** What any function's role holds besides its own grants: writing to its own log group. */
/** Reading one secret at cold start: GetSecretValue on it, and its key only through Secrets Manager. */
const secretRead = (name: SecretEnvName) => {
  const secret = stack.secrets.of(name);
  return [
    { actions: ['secretsmanager:GetSecretValue'], resource: ref(secret) },
    {
      actions: ['kms:Decrypt'],
      resource: arnOf(stack.key),
      condition: {
        StringEquals: {
          'kms:ViaService': {
            'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
          },
          'kms:EncryptionContext:SecretARN': ref(secret),
        },
      },
    },
  ];
};

const logWrite = (fn: TiplineFunction) => ({
  actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  resource: stack.resolve(fn.logGroup.logGroupArn),
});

describe('tips table', () => {
  test('is keyed by id, on demand, with PITR, encryption, a NEW_AND_OLD_IMAGES stream and the expiresAt TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
      // Old images too: the expiry function reads a TTL-removed tip's attachments from them.
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(TTL_ATTRIBUTE).toBe('expiresAt');
  });

  test('has exactly the indexes of table-design.ts: 8 list indexes (gsi_* + id, all) and the receipt index', () => {
    const indexes = props(stack.tips.table).GlobalSecondaryIndexes;
    expect(indexes).toEqual([
      ...LIST_INDEXES.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: 'id', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      {
        IndexName: 'by-receipt',
        KeySchema: [{ AttributeName: RECEIPT_INDEX.partitionKey, KeyType: 'HASH' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...RECEIPT_INDEX.projected] },
      },
    ]);
    expect(LIST_INDEXES).toHaveLength(8);
    expect(indexes.map((i: { IndexName: string }) => i.IndexName)).toContain('by-status-kind-topic');
  });

  test('outlives the stack', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('alert delivery', () => {
  test('the notifier reads the stream with retries, bisect, partial batch failures and the DLQ', () => {
    // Two readers of the stream: this one and the expiry function's (attachment-expiry.test.ts).
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(stack.alerts.notifier),
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.tips.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: arnOf(stack.alerts.deadLetterQueue) } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
    });
  });

  test('a one-minute schedule invokes the notifier without Records, which flushes closed flood digests', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: arnOf(stack.alerts.notifier),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: arnOf(stack.alerts.notifier),
      SourceArn: arnOf(stack.alerts.digestTick),
    });
  });

  test('the dead-letter queue keeps messages 14 days, encrypted, and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: Duration.days(14).toSeconds(),
    });
    const [queue] = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(
      queue?.Properties.SqsManagedSseEnabled === true || queue?.Properties.KmsMasterKeyId !== undefined,
    ).toBe(true);
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(stack.alerts.deadLetterQueue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  test('the stack outputs what a redrive against AWS needs', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.TipsTableName.Value).toEqual(ref(stack.tips.table));
    expect(outputs.GuardTableName.Value).toEqual(ref(stack.reliability.guard));
    expect(outputs.DeadLetterQueueUrl.Value).toEqual(ref(stack.alerts.deadLetterQueue));
    expect(outputs.NotifierFunctionName.Value).toEqual(ref(stack.alerts.notifier));
  });

  test('the sender address is an SES identity and the notifier gets the addresses from context', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: TEST_CONTEXT.senderAddress });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [ENV.TIPS_TABLE]: ref(stack.tips.table),
          [ENV.DESK_ADDRESS]: TEST_CONTEXT.deskAddress,
          [ENV.SENDER_ADDRESS]: TEST_CONTEXT.senderAddress,
        }),
      },
    });
  });
});

describe('API', () => {
  test('the $default stage is throttled from context and auto-deploys', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingBurstLimit: TEST_CONTEXT.apiBurstLimit,
        ThrottlingRateLimit: TEST_CONTEXT.apiRateLimit,
      },
    });
  });

  test('the receipt routes have a tighter limit for all clients together', () => {
    const receiptRoutes = ROUTES.filter((r) => r.target === 'receipts').map(routeKey);
    expect(receiptRoutes.length).toBeGreaterThanOrEqual(1);
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.RouteSettings).toEqual(
      Object.fromEntries(
        receiptRoutes.map((k) => [k, { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }]),
      ),
    );
    // The stage is updated only once the routes it names exist.
    for (const key of receiptRoutes) {
      expect(stage?.DependsOn).toContain(logicalId(stack, stack.api.routes.get(key) as never));
    }
  });

  test('access logs never record the caller IP or user agent', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const format: string = stage?.Properties.AccessLogSettings.Format;
    expect(JSON.parse(format)).toHaveProperty('requestId', '$context.requestId');
    expect(format).not.toMatch(/sourceIp|userAgent|identity\./);
  });

  test('every route of ROUTES exists, and no other', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys.sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  test('each route reaches the function ROUTES names as its target', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const functionOf = (integrationTarget: { 'Fn::Join': [string, [string, { Ref: string }]] }) =>
      integrations[integrationTarget['Fn::Join'][1][1].Ref]?.Properties.IntegrationUri;
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    for (const spec of ROUTES) {
      const route = routes.find((r) => r.Properties.RouteKey === routeKey(spec));
      expect(functionOf(route?.Properties.Target)).toEqual(arnOf(stack.routeTargets[spec.target]));
    }
  });
});

describe('functions', () => {
  test('all run Node 22 on arm64 with JSON logs to a log group with retention', () => {
    const all = Object.entries(template.findResources('AWS::Lambda::Function'));
    // Besides Tipline's own, only CDK's deploy-time handler that writes the uploads bucket's notification.
    const functions = all.filter(([id]) => !id.startsWith('BucketNotificationsHandler')).map(([, fn]) => fn);
    expect(all.length - functions.length).toBe(1);
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
      });
    }
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
  });

  test('API functions may run until just before API Gateway gives up, so a degraded store gets their own 503', () => {
    for (const fn of [stack.intake, stack.staff, stack.receipts]) expect(props(fn).Timeout).toBe(29);
    expect(props(stack.alerts.notifier).Timeout).toBe(60);
  });

  test("the cleaner ships sharp and libheif-js in its node_modules, sharp's binary for Lambda's linux-arm64", () => {
    const code = template.toJSON().Resources[logicalId(stack, stack.cleaner.fn)].Properties.Code;
    const dir = join(outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
    expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'sharp', 'package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'libheif-js', 'package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', '@img', 'sharp-linux-arm64', 'package.json'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', '@img', 'sharp-linux-x64'))).toBe(false);
  });

  test('each bundle is a minified ESM file with a createRequire banner and a source map, and loads', async () => {
    for (const fn of [stack.intake, stack.alerts.notifier, stack.staff]) {
      const code = template.toJSON().Resources[logicalId(stack, fn)].Properties.Code;
      const dir = join(outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
      const source = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(
        source.startsWith("import { createRequire } from 'node:module'; const require = createRequire("),
      ).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      // Minified: long lines (only template literals keep their newlines).
      expect(source.length / source.split('\n').length).toBeGreaterThan(1_000);
    }
    // The intake bundle runs on Node as built: its module-scope config and clients load with the
    // environment the stack gives it (deploy-time values replaced by placeholders).
    const intake = template.toJSON().Resources[logicalId(stack, stack.intake)].Properties;
    const saved = { ...process.env };
    const secretOf = new Map<string, string>(Object.entries(SECRET_ENV).map(([name, arn]) => [arn, name]));
    for (const [name, value] of Object.entries(intake.Environment.Variables)) {
      // A deploy-time value: one placeholder that passes as a name, a URL or a 32+ character secret,
      // or, for a bucket (whose names S3 rules allow no ':' or '/' in), a bucket name.
      // A secret's ARN becomes the value it names (no Secrets Manager here; tests/local/config
      // loads a handler through the ARN path).
      const placeholder = name.endsWith('_BUCKET')
        ? 'placeholder-bucket'
        : `https://placeholder.example.org/${'x'.repeat(40)}`;
      process.env[secretOf.get(name) ?? name] = typeof value === 'string' ? value : placeholder;
    }
    const bundle = join(outdir, `asset.${String(intake.Code.S3Key).replace(/\.zip$/, '')}`, 'index.mjs');
    const loaded = await import(pathToFileURL(bundle).href).finally(() => {
      process.env = saved;
    });
    expect(typeof loaded.handler).toBe('function');
  });
});

describe('least privilege', () => {
  test('intake may only PutItem and DescribeTable on the tips table, use its two guard tables, write its logs and put uploads', () => {
    expect(roleStatements(template, stack, stack.intake)).toEqual(
      sortStatements([
        { actions: ['dynamodb:DescribeTable', 'dynamodb:PutItem'], resource: arnOf(stack.tips.table) },
        {
          actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resource: arnOf(stack.reliability.idempotency),
        },
        {
          actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resource: arnOf(stack.reliability.guard),
        },
        tableKeyUse(),
        ...secretRead(ENV.CLIENT_HASH_SECRET),
        ...secretRead(ENV.ORIGIN_VERIFY_SECRET),
        ...secretRead(ENV.RECEIPT_HASH_SECRET),
        logWrite(stack.intake),
        // POST /uploads: the presigned POSTs it signs may put new objects under uploads/, nothing else.
        {
          actions: ['s3:PutObject'],
          resource: { 'Fn::Join': ['', [arnOf(stack.attachments.uploads), `/${UPLOAD_PREFIX}*`]] },
        },
        // A tip's uploads are checked with HeadObject (authorised as s3:GetObject) before it is stored.
        {
          actions: ['s3:GetObject'],
          resource: { 'Fn::Join': ['', [arnOf(stack.attachments.uploads), `/${UPLOAD_PREFIX}*`]] },
        },
        // A file cleaned before its tip arrived: its copies are tagged attached, never read.
        {
          actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
          resource: { 'Fn::Join': ['', [arnOf(stack.attachments.clean), `/${CLEAN_PREFIX}*`]] },
        },
        {
          actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
          resource: { 'Fn::Join': ['', [arnOf(stack.attachments.clean), `/${ORIGINALS_PREFIX}*`]] },
        },
      ]),
    );
  });

  test('notifier may read and mark the tip, read the stream, fill the DLQ and send from the sender identity only', () => {
    const table = stack.tips.table;
    expect(roleStatements(template, stack, stack.alerts.notifier)).toEqual(
      sortStatements([
        { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resource: arnOf(table) },
        {
          actions: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
          resource: arnOf(stack.reliability.guard),
        },
        {
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resource: { 'Fn::GetAtt': [logicalId(stack, table), 'StreamArn'] },
        },
        // DynamoDB has no resource-level permission for ListStreams.
        { actions: ['dynamodb:ListStreams'], resource: '*' },
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resource: arnOf(stack.alerts.deadLetterQueue),
        },
        { actions: ['ses:SendEmail'], resource: stack.resolve(stack.alerts.senderIdentity.emailIdentityArn) },
        tableKeyUse(),
        // Granted with the stream read and the DLQ send: subsets of the table key use, on the same key.
        { actions: ['kms:Decrypt', 'kms:DescribeKey'], resource: arnOf(stack.key) },
        {
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          resource: arnOf(stack.key),
        },
        logWrite(stack.alerts.notifier),
      ]),
    );
  });

  test('receipts may only find a tip by receipt, append to it, count its own rate limit and notify the desk', () => {
    const table = arnOf(stack.tips.table);
    expect(roleStatements(template, stack, stack.receipts)).toEqual(
      sortStatements([
        { actions: ['dynamodb:Query'], resource: { 'Fn::Join': ['', [table, '/index/by-receipt']] } },
        // Appending a reader's entry: only the attributes it names, and nothing returned.
        {
          actions: ['dynamodb:UpdateItem'],
          resource: table,
          condition: {
            'ForAllValues:StringEquals': {
              'dynamodb:Attributes': ['id', 'history', 'version', 'gsi_receipt', 'itemBytes', 'attachments'],
            },
            StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
          },
        },
        // A follow-up's files: the tip's attachment records alone, and a HeadObject of each upload.
        {
          actions: ['dynamodb:GetItem'],
          resource: table,
          condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['id', 'attachments'] },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          },
        },
        {
          actions: ['s3:GetObject'],
          resource: { 'Fn::Join': ['', [arnOf(stack.attachments.uploads), `/${UPLOAD_PREFIX}*`]] },
        },
        // A follow-up's file cleaned before it was named: its copies are tagged attached, never read.
        {
          actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
          resource: { 'Fn::Join': ['', [arnOf(stack.attachments.clean), `/${CLEAN_PREFIX}*`]] },
        },
        {
          actions: ['s3:GetObjectTagging', 's3:PutObjectTagging'],
          resource: { 'Fn::Join': ['', [arnOf(stack.attachments.clean), `/${ORIGINALS_PREFIX}*`]] },
        },
        { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resource: arnOf(stack.reliability.guard) },
        // The desk's notice of a reader's added message, from the sender identity only.
        { actions: ['ses:SendEmail'], resource: stack.resolve(stack.alerts.senderIdentity.emailIdentityArn) },
        tableKeyUse(),
        ...secretRead(ENV.CLIENT_HASH_SECRET),
        ...secretRead(ENV.ORIGIN_VERIFY_SECRET),
        ...secretRead(ENV.RECEIPT_HASH_SECRET),
        logWrite(stack.receipts),
      ]),
    );
  });

  test('no function role carries a managed or inline policy', () => {
    for (const fn of [stack.intake, stack.alerts.notifier, stack.staff, stack.receipts]) {
      const role = roleProperties(template, stack, fn);
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.Policies).toBeUndefined();
    }
  });
});

describe('checked at synth', () => {
  test('a bad desk address fails the synth naming the context key', () => {
    expect(() =>
      makeTiplineApp({ bundle: false, nag: false, context: { ...TEST_CONTEXT, deskAddress: 'world desk' } }),
    ).toThrow(/context "deskAddress": must be the email address/);
  });

  test('a flood limit one client could reach alone fails the synth, saying by how much', () => {
    // The old defaults: 30 submits + 20 receipt requests in a window against a limit of 20.
    expect(() => templateOnly({ floodMaxAlerts: 20 })).toThrow(
      /context "floodMaxAlerts": one client can cause 50 desk emails in one flood window .*reaches FLOOD_MAX_ALERTS 20 per 300 s/,
    );
    expect(() => templateOnly({ rateLimitMax: 40 })).toThrow(/one client can cause 60 desk emails/);
    // A rate window shorter than the flood window is spent twice in it: 2 × 30 + 20 = 80.
    expect(() => templateOnly({ rateLimitWindowSeconds: 150 })).toThrow(
      /one client can cause 80 desk emails/,
    );
  });

  test('the flood and rate settings reach the functions that read them', () => {
    const { stack, template } = templateOnly({
      rateLimitMax: 10,
      floodMaxAlerts: 40,
      floodWindowSeconds: 600,
    });
    const env = (fn: IFunction) =>
      template.toJSON().Resources[logicalId(stack, fn)].Properties.Environment.Variables as Record<
        string,
        unknown
      >;
    expect(env(stack.intake)).toMatchObject({ [ENV.RATE_LIMIT_MAX]: '10' });
    for (const fn of [stack.alerts.notifier, stack.receipts]) {
      expect(env(fn)).toMatchObject({ [ENV.FLOOD_MAX_ALERTS]: '40', [ENV.FLOOD_WINDOW_SECONDS]: '600' });
    }
    expect(env(stack.intake)[ENV.FLOOD_MAX_ALERTS]).toBeUndefined();
  });

  test("the notifier's digests link each tip to the stack's own staff inbox", () => {
    const { stack, template } = templateOnly();
    const vars = template.toJSON().Resources[logicalId(stack, stack.alerts.notifier)].Properties.Environment
      .Variables as Record<string, unknown>;
    const inbox = vars[ENV.STAFF_INBOX_URL] as { 'Fn::Join': [string, unknown[]] };
    const parts = inbox['Fn::Join'][1];
    expect(parts.at(-1)).toMatch(/\/staff$/);
    // The address readers and staff reach: the CloudFront edge, like the hosted UI's redirect.
    expect(JSON.stringify(parts)).toContain(logicalId(stack, stack.edge.distribution));
  });

  test('a missing sender address fails the synth naming the context key', () => {
    const { senderAddress: _omitted, ...rest } = TEST_CONTEXT;
    expect(() => makeTiplineApp({ bundle: false, nag: false, context: rest })).toThrow(
      /context "senderAddress"/,
    );
  });

  test('TiplineFunction refuses an unknown env var, a missing handler and an out-of-range timeout', () => {
    const scope = new Stack(new App(), 'Probe');
    expect(
      () =>
        new TiplineFunction(scope, 'A', {
          functionDir: 'intake',
          description: 'x',
          environment: { TIPS_TABEL: 't' } as never,
        }),
    ).toThrow(/TIPS_TABEL is not in functions\/core\/config\/env-names.ts/);
    expect(
      () => new TiplineFunction(scope, 'B', { functionDir: 'nowhere', description: 'x', environment: {} }),
    ).toThrow(/no handler at functions\/nowhere\/handler.ts/);
    expect(
      () =>
        new TiplineFunction(scope, 'C', {
          functionDir: 'intake',
          description: 'x',
          environment: {},
          timeout: Duration.minutes(20),
        }),
    ).toThrow(/timeout must be 1–900 seconds/);
  });
});
