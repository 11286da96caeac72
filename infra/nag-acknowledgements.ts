import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { ROUTES, routeKey } from '#core/api/routes';
import { CLEAN_PREFIX, ORIGINALS_PREFIX, UPLOAD_PREFIX } from '#core/uploads/storage-layout';
import { type AttachmentStorage, GUARDDUTY_RULE_PREFIX } from './attachment-storage';
import type { TiplineEdge } from './edge';
import type { TiplineStack } from './tipline-stack';

/**
 * Why each public route has no authorizer. A public route added to ROUTES without a reason
 * here keeps its AwsSolutions-APIG4 finding, and the synth fails until someone writes one.
 */
export const PUBLIC_ROUTE_REASONS: Record<string, string> = {
  'GET /': 'The reader form: anyone may send a tip, without an account.',
  'POST /tips':
    'Tip intake is public by design (readers have no accounts); it is throttled at the stage, rate limited per client and idempotent.',
  'POST /uploads':
    "A reader's upload request (attachments), as public as the tip it belongs to: it signs a presigned POST for one random key, size-limited by S3's policy, rate limited per client, and its upload id only verifies with the submission's own nonce.",
  'GET /health': 'A liveness probe for monitors; it returns {ok} only and reads no tip.',
  'GET /assets/{file}': "The reader form's and staff page's static CSS/JS; no data.",
  'GET /staff':
    'The staff page shell only (static HTML/JS); every staff API call it makes carries a Cognito token checked by the JWT authorizer.',
  'GET /follow-up':
    "The reader's follow-up page (static HTML and a form); what it shows comes from the receipts routes, which the receipt code gates.",
  'GET /openapi.json': 'The public API contract, generated from the schema; no data.',
  'GET /receipts/{code}':
    "A reader's follow-up without an account: the receipt code is the capability (59.4 bits), rate limited per client, and a wrong code looks exactly like a missing one.",
  'POST /receipts/{code}/messages':
    'A reader adds to their own tip by its receipt code (the capability), rate limited per client; no account exists to authorize.',
};

const ack = (construct: IConstruct, id: string, reason: string) =>
  Validations.of(construct).acknowledge({ id, reason });

/**
 * cdk-nag AwsSolutions findings Tipline accepts, one by one, each with its reason. Anything
 * not acknowledged here fails `npm run synth` (and tests/infra/nag.test.ts).
 */
export function acknowledgeNagFindings(stack: TiplineStack): void {
  for (const spec of ROUTES.filter((r) => r.auth === 'public')) {
    const route = stack.api.routes.get(routeKey(spec));
    const reason = PUBLIC_ROUTE_REASONS[routeKey(spec)];
    if (route && reason) ack(route, 'AwsSolutions-APIG4', reason);
  }

  const intakePolicy = stack.intake.role?.node.tryFindChild('DefaultPolicy');
  if (intakePolicy) {
    ack(
      intakePolicy,
      `AwsSolutions-IAM5[Resource::<${uploadsLogicalId(stack.attachments)}.Arn>/${UPLOAD_PREFIX}*]`,
      "POST /uploads signs presigned POSTs, each for a new random key under uploads/ (the policy it signs names the one key): s3:PutObject on that prefix is the narrowest grant that covers keys not known in advance; s3:GetObject there is the HeadObject that checks a tip's uploads before it is stored. No delete, no other bucket.",
    );
  }
  const receiptsPolicy = stack.receipts.role?.node.tryFindChild('DefaultPolicy');
  if (receiptsPolicy) {
    ack(
      receiptsPolicy,
      `AwsSolutions-IAM5[Resource::<${uploadsLogicalId(stack.attachments)}.Arn>/${UPLOAD_PREFIX}*]`,
      "A reader's files added from the follow-up page are checked with a HeadObject each (s3:GetObject) under uploads/, whose keys are random and not known in advance. No write, no delete, no other bucket.",
    );
  }

  const staffPolicy = stack.staff.role?.node.tryFindChild('DefaultPolicy');
  if (staffPolicy) {
    for (const prefix of [CLEAN_PREFIX, ORIGINALS_PREFIX]) {
      ack(
        staffPolicy,
        `AwsSolutions-IAM5[Resource::<${cleanLogicalId(stack.attachments)}.Arn>/${prefix}*]`,
        `Staff downloads are presigned GETs of one attachment each, and eraseAttachments deletes a tip's attachments, whose ids are not known in advance: s3:GetObject (and GetObjectTagging, GuardDuty's verdict) and s3:DeleteObject on ${prefix} of the clean bucket are the narrowest grant. No write, no uploads bucket.`,
      );
    }
  }
  const expiryPolicy = stack.expiry.fn.role?.node.tryFindChild('DefaultPolicy');
  if (expiryPolicy) {
    for (const prefix of [CLEAN_PREFIX, ORIGINALS_PREFIX]) {
      ack(
        expiryPolicy,
        `AwsSolutions-IAM5[Resource::<${cleanLogicalId(stack.attachments)}.Arn>/${prefix}*]`,
        `A TTL removal deletes the expired tip's attachments, whose keys (their ids) are known only from the tip: s3:DeleteObject on ${prefix} of the clean bucket is the narrowest grant. No read, no list, no write.`,
      );
    }
  }

  for (const fn of [
    stack.intake,
    stack.staff,
    stack.receipts,
    stack.alerts.notifier,
    stack.cleaner.fn,
    stack.expiry.fn,
  ]) {
    ack(
      fn,
      'AwsSolutions-L1',
      'nodejs22.x is the runtime the project is built and tested for (TOOLCHAIN.md; local runs are on Node 20); moving to nodejs24.x is a tested change of its own, not a synth-time default.',
    );
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) continue;
    const kmsReason =
      'DynamoDB and SQS call KMS with these action families on the caller\'s behalf for a customer-managed key; the statement is scoped to the one Tipline key ARN, not to "*".';
    ack(policy, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', kmsReason);
    ack(policy, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', kmsReason);
  }

  for (const streamReader of [stack.alerts.notifier, stack.expiry.fn]) {
    const policy = streamReader.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) continue;
    ack(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams supports no resource-level permission; the stream reads themselves (DescribeStream, GetRecords, GetShardIterator) are scoped to the tips table stream ARN.',
    );
  }

  ack(
    stack.expiry.deadLetterQueue,
    'AwsSolutions-SQS3',
    "This queue is itself the dead-letter queue: the on-failure destination of the expiry function's stream mapping (nag only recognises SQS redrive DLQs).",
  );
  ack(
    stack.alerts.deadLetterQueue,
    'AwsSolutions-SQS3',
    "This queue is itself the dead-letter queue: the on-failure destination of the notifier's stream mapping and where the notifier puts alerts that exhausted their attempts (nag only recognises SQS redrive DLQs).",
  );

  ack(
    stack.staffAuth.userPool,
    'AwsSolutions-COG2',
    'MFA is optional by decision (issue 3): editors are invited by an administrator, authenticator apps are offered (no SMS), and the newsroom moves the pool to REQUIRED once every editor has enrolled.',
  );
  ack(
    stack.staffAuth.userPool,
    'AwsSolutions-COG8',
    'A handful of invited editors, no self sign-up: the Plus tier (threat protection, billed per active user) is a cost decision for the newsroom, not a default of the stack.',
  );

  const noRotationLambda =
    'These are HMAC keys with no peer to coordinate with (no database password): rotating one is a put-secret-value, read by each new container at cold start (docs/operations.md says what each rotation invalidates). A rotation Lambda would add code and a schedule for what is a deliberate, rare operator decision.';
  for (const secret of stack.secrets.all().values()) {
    // The edge acknowledges its own origin secret (acknowledgeEdgeFindings).
    if (secret !== stack.edge.originSecret) ack(secret, 'AwsSolutions-SMG4', noRotationLambda);
  }

  acknowledgeEdgeFindings(stack.edge);
  acknowledgeAttachmentFindings(stack.attachments);
  acknowledgeCleanerFindings(stack);
}

/** The cleaner and the grants around the clean bucket (infra/attachment-cleaner.ts). */
function acknowledgeCleanerFindings(stack: TiplineStack): void {
  const cleanId = Stack.of(stack).getLogicalId(stack.attachments.clean.node.defaultChild as CfnBucket);
  const uploadsId = uploadsLogicalId(stack.attachments);
  const randomKeys =
    'Each object is named by a random upload id not known in advance: the prefix (clean/ or originals/ of the clean bucket, uploads/ of the uploads bucket) is the narrowest scope that covers them, and the actions are only the ones the function calls.';
  for (const fn of [stack.intake, stack.receipts, stack.cleaner.fn]) {
    const policy = fn.role?.node.tryFindChild('DefaultPolicy');
    if (!policy) continue;
    ack(policy, `AwsSolutions-IAM5[Resource::<${cleanId}.Arn>/${CLEAN_PREFIX}*]`, randomKeys);
    ack(policy, `AwsSolutions-IAM5[Resource::<${cleanId}.Arn>/${ORIGINALS_PREFIX}*]`, randomKeys);
  }
  const cleanerPolicy = stack.cleaner.fn.role?.node.tryFindChild('DefaultPolicy');
  if (cleanerPolicy)
    ack(cleanerPolicy, `AwsSolutions-IAM5[Resource::<${uploadsId}.Arn>/${UPLOAD_PREFIX}*]`, randomKeys);
  ack(
    stack.cleaner.failures,
    'AwsSolutions-SQS3',
    "This queue is itself the dead-letter queue: the on-failure destination of the cleaner's asynchronous invocation, alarmed (nag only recognises SQS redrive DLQs).",
  );
  // CDK's own handler that writes the uploads bucket's notification configuration at deploy.
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    ack(
      child,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's BucketNotificationsHandler (a deploy-time custom resource that only puts the uploads bucket's notification configuration) is made by aws-s3 with the AWS managed basic execution role; it handles no reader data.",
    );
  }
}

const uploadsLogicalId = (attachments: AttachmentStorage) =>
  Stack.of(attachments).getLogicalId(attachments.uploads.node.defaultChild as CfnBucket);
const cleanLogicalId = (attachments: AttachmentStorage) =>
  Stack.of(attachments).getLogicalId(attachments.clean.node.defaultChild as CfnBucket);

/** The attachments' buckets and their malware scan (infra/attachment-storage.ts). */
function acknowledgeAttachmentFindings(attachments: AttachmentStorage): void {
  const noAccessLogs =
    "S3 server access logs record every requester's IP address, and readers post their files here straight from their browsers: the threat model promises that no reader's address is stored anywhere. CloudTrail data events (which the newsroom may turn on) and the functions' own logs record who acted on which object without it.";
  ack(attachments.uploads, 'AwsSolutions-S1', noAccessLogs);
  ack(attachments.clean, 'AwsSolutions-S1', noAccessLogs);
  const stack = Stack.of(attachments);
  // cdk-nag names a resource as resolved: a pseudo parameter, or the literal of a pinned environment.
  const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const ruleArn = `arn:<AWS::Partition>:events:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:rule/${GUARDDUTY_RULE_PREFIX}*`;
  const scanned: [Role, string, string[]][] = [
    [attachments.malwareScanRole, uploadsLogicalId(attachments), [UPLOAD_PREFIX]],
    [attachments.cleanScanRole, cleanLogicalId(attachments), [CLEAN_PREFIX, ORIGINALS_PREFIX]],
  ];
  for (const [role, bucketId, prefixes] of scanned) {
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (!policy) continue;
    ack(
      policy,
      `AwsSolutions-IAM5[Resource::${ruleArn}]`,
      'GuardDuty names the EventBridge rule it creates for a protected bucket itself, with a generated suffix: the documented policy names the rule by this prefix, and PutRule and the other writes also require events:ManagedBy to be GuardDuty Malware Protection.',
    );
    for (const prefix of prefixes) {
      ack(
        policy,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        `The scan reads and tags every new object under ${prefix} of its bucket, whose keys are random per file: the prefix is the narrowest scope that covers them.`,
      );
    }
  }
}

/** CloudFront and WAF in front of the API (infra/edge.ts). */
function acknowledgeEdgeFindings(edge: TiplineEdge): void {
  ack(
    edge.originSecret,
    'AwsSolutions-SMG4',
    'CloudFront sends this value as an origin header, taken at deploy, and the functions compare it (read at cold start); a scheduled rotation would make every request look direct until the distribution is redeployed. It is rotated by a new value and a redeploy (docs/operations.md).',
  );
  ack(
    edge.distribution,
    'AwsSolutions-CFR3',
    "CloudFront access logs record every viewer's IP address (c-ip), and the threat model promises that no reader's address is stored anywhere; WAF's per-rule CloudWatch metrics show blocks without it. WAF logging is off for the same reason (it logs clientIp).",
  );
  ack(
    edge.distribution,
    'AwsSolutions-CFR1',
    'A world desk takes tips from every country, those under censorship first: a geo restriction would shut out the sources it exists for.',
  );
  ack(
    edge.distribution,
    'AwsSolutions-CFR7',
    "The clean bucket is reached for staff downloads (clean/*, originals/*) as a plain HTTPS origin on purpose: each request carries the staff function's SigV4 presigned query string, which is the authentication; OAC would re-sign it as CloudFront and let any viewer of the site read the bucket. The bucket stays private (Block Public Access), and the behaviour adds nosniff and a sandbox CSP (infra/edge.ts serveAttachmentFiles).",
  );
  if (!edge.customDomain) {
    ack(
      edge.distribution,
      'AwsSolutions-CFR4',
      'On its default *.cloudfront.net name CloudFront accepts TLSv1 and no minimum can be set; a newsroom sets domainName and certificateArn, and the distribution then requires TLS 1.2 (TLSv1.2_2021, checked in tests/infra/edge.test.ts).',
    );
  }
}
