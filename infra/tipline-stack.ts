import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type FunctionName, ROUTES, routeKey } from '#core/api/routes';
import { ENV } from '#core/config/env-names';
import { READER_ENTRY_ATTRIBUTES, READER_FILES_READ_ATTRIBUTES } from '#core/receipts/receipt-store';
import { STAFF_SCOPE } from '#core/staff/staff-claims';
import { LIST_INDEXES, RECEIPT_INDEX } from '#core/tips/table-design';
import { CLEAN_PREFIX, ORIGINALS_PREFIX, UPLOAD_PREFIX } from '#core/uploads/storage-layout';
import { TiplineAlarms } from './alarms';
import { AlertDelivery } from './alert-delivery';
import { AttachmentCleaner } from './attachment-cleaner';
import { AttachmentExpiry } from './attachment-expiry';
import { AttachmentStorage } from './attachment-storage';
import { serveAttachmentFiles, TiplineEdge } from './edge';
import { TiplineKey } from './encryption-key';
import { TiplineApi } from './http-api';
import { ReliabilityTables } from './reliability-tables';
import { TiplineSecrets } from './secrets';
import type { StackConfig } from './stack-config';
import { StaffAuth } from './staff-auth';
import { LOG_RETENTION, TiplineFunction } from './tipline-function';
import { TipsTable } from './tips-table';

/** What a caller of DynamoDB needs of a customer-managed table key (as Table.grantReadWriteData grants). */
const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
];

export interface TiplineStackProps extends StackProps {
  readonly config: StackConfig;
}

/** The whole of Tipline in AWS: API, functions, tables, stream, dead-letter queue, SES, auth, alarms. */
export class TiplineStack extends Stack {
  readonly tips: TipsTable;
  readonly reliability: ReliabilityTables;
  readonly api: TiplineApi;
  /** CloudFront and WAF in front of the API: where readers and staff reach Tipline. */
  readonly edge: TiplineEdge;
  readonly staffAuth: StaffAuth;
  readonly intake: TiplineFunction;
  readonly staff: TiplineFunction;
  readonly receipts: TiplineFunction;
  readonly alerts: AlertDelivery;
  /** The function behind each route target of functions/core/api/routes.ts. */
  readonly routeTargets: Record<FunctionName, TiplineFunction>;
  readonly alarms: TiplineAlarms;
  /** The HMAC keys in Secrets Manager, by the variable that names them (functions get the ARN). */
  readonly secrets: TiplineSecrets;
  /** The attachments' uploads and clean buckets and the uploads' malware scan (issue 12). */
  readonly attachments: AttachmentStorage;
  /** The cleaner of each new upload, invoked by the uploads bucket's S3 events (issue 12). */
  readonly cleaner: AttachmentCleaner;
  /** Deletes the attachments of tips TTL removed (the tips stream's REMOVEs). */
  readonly expiry: AttachmentExpiry;

  /** The customer-managed key of everything stored. */
  readonly key: Key;
  private readonly config: StackConfig;

  constructor(scope: Construct, id: string, props: TiplineStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.key = new TiplineKey(this, 'DataKey').key;
    const encryptionKey = this.key;
    this.tips = new TipsTable(this, 'Tips', { encryptionKey });
    this.reliability = new ReliabilityTables(this, 'Reliability', { encryptionKey });
    this.api = new TiplineApi(this, 'Api', {
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
      accessLogs: new LogGroup(this, 'ApiAccessLogs', { retention: LOG_RETENTION, encryptionKey }),
    });
    this.edge = new TiplineEdge(this, 'Edge', {
      api: this.api.httpApi,
      limits: {
        perIp: config.wafRateLimit,
        receiptsPerIp: config.wafReceiptsRateLimit,
        windowSeconds: config.wafWindowSeconds,
      },
      encryptionKey,
      domainName: config.domainName,
      certificateArn: config.certificateArn,
    });
    this.staffAuth = new StaffAuth(this, 'StaffAuth', {
      domainPrefix: config.authDomainPrefix,
      inboxUrl: `${this.edge.url}staff`,
      extraCallbackUrls: config.staffCallbackUrls,
    });

    this.attachments = new AttachmentStorage(this, 'Attachments', {
      encryptionKey,
      formOrigin: this.edge.origin,
    });
    // Staff downloads go through the site's origin, which adds nosniff and a sandbox CSP.
    serveAttachmentFiles(this.edge, this.attachments.clean);

    // The HMAC keys, generated in Secrets Manager: the functions get their ARNs and read them at
    // cold start, so no value is in a template, a repository or a function's configuration.
    this.secrets = new TiplineSecrets(this, encryptionKey);
    this.secrets.adopt(ENV.ORIGIN_VERIFY_SECRET, this.edge.originSecret);

    this.intake = this.intakeFunction();
    this.staff = this.staffFunction();
    this.alerts = new AlertDelivery(this, 'Alerts', {
      table: this.tips.table,
      guardTable: this.reliability.guard,
      deskAddress: config.deskAddress,
      senderAddress: config.senderAddress,
      extraEnvironment: {
        ...config.deskEnvironment,
        ...config.floodEnvironment,
        // Flood digests link each tip to its page in the inbox.
        [ENV.STAFF_INBOX_URL]: `${this.edge.url}staff`,
        ...config.storeEnvironment,
      },
      encryptionKey,
    });
    this.receipts = this.receiptsFunction();
    this.cleaner = new AttachmentCleaner(this, 'Cleaner', {
      uploads: this.attachments.uploads,
      clean: this.attachments.clean,
      tipsTable: this.tips.table,
      guardTable: this.reliability.guard,
      encryptionKey,
    });
    this.expiry = new AttachmentExpiry(this, 'Expiry', {
      table: this.tips.table,
      cleanBucket: this.attachments.clean,
      encryptionKey,
    });
    // DynamoDB encrypts and decrypts with the table's key on behalf of whoever calls it; S3 (SSE-KMS)
    // too, for the intake's presigned uploads and the cleaner's reads and writes.
    for (const fn of [this.intake, this.staff, this.receipts, this.alerts.notifier, this.cleaner.fn]) {
      this.key.grant(fn, ...TABLE_KEY_ACTIONS);
    }

    // Typed by FunctionName: a route target added to routes.ts without a function here fails tsc.
    this.routeTargets = { intake: this.intake, staff: this.staff, receipts: this.receipts };
    this.api.addTiplineRoutes({
      functions: this.routeTargets,
      staffAuthorizer: this.staffAuth.authorizer,
      staffScopes: [STAFF_SCOPE],
    });
    // Guessing receipt codes from many addresses at once is capped for all of them together.
    this.api.throttleRoutes(ROUTES.filter((r) => r.target === 'receipts').map(routeKey), {
      rateLimit: config.receiptsRateLimit,
      burstLimit: config.receiptsBurstLimit,
    });

    // What `npm run redrive` needs to run against AWS (docs/operations.md): the tables and the queue.
    new CfnOutput(this, 'TipsTableName', { value: this.tips.table.tableName });
    new CfnOutput(this, 'GuardTableName', { value: this.reliability.guard.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.alerts.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'NotifierFunctionName', { value: this.alerts.notifier.functionName });
    new CfnOutput(this, 'UploadsBucketName', { value: this.attachments.uploads.bucketName });
    new CfnOutput(this, 'CleanBucketName', { value: this.attachments.clean.bucketName });

    this.alarms = new TiplineAlarms(this, 'Alarms', {
      deadLetterQueue: this.alerts.deadLetterQueue,
      cleanerFailures: this.cleaner.failures,
      api: this.api.httpApi,
      functions: {
        Intake: this.intake,
        Notifier: this.alerts.notifier,
        Staff: this.staff,
        Receipts: this.receipts,
        Cleaner: this.cleaner.fn,
        Expiry: this.expiry.fn,
      },
      expiryDeadLetterQueue: this.expiry.deadLetterQueue,
      ...(config.alarmAddress ? { alarmAddress: config.alarmAddress } : {}),
      encryptionKey,
    });
  }

  private intakeFunction(): TiplineFunction {
    const { table } = this.tips;
    const { idempotency, guard } = this.reliability;
    const fn = new TiplineFunction(this, 'Intake', {
      functionDir: 'intake',
      description: 'Reader form and its assets, POST /tips, /health, /openapi.json, the staff page',
      environment: {
        [ENV.TIPS_TABLE]: table.tableName,
        [ENV.IDEMPOTENCY_TABLE]: idempotency.tableName,
        [ENV.GUARD_TABLE]: guard.tableName,
        [ENV.STAFF_SIGN_IN_URL]: this.staffAuth.signInUrl,
        [ENV.STAFF_TOKEN_URL]: this.staffAuth.tokenUrl,
        [ENV.UPLOADS_BUCKET]: this.attachments.uploads.bucketName,
        [ENV.CLEAN_BUCKET]: this.attachments.clean.bucketName,
        ...this.config.intakeEnvironment,
        ...this.config.storeEnvironment,
      },
      // Keys the client hash (never a raw IP), the form tokens and fingerprints; CloudFront's
      // origin value, on whose presence the viewer address is trusted (infra/edge.ts); and the
      // receipt codes' keyed hash (a new tip's, and the seal of its idempotent replay).
      secrets: this.secrets.forFunction(
        ENV.CLIENT_HASH_SECRET,
        ENV.ORIGIN_VERIFY_SECRET,
        ENV.RECEIPT_HASH_SECRET,
      ),
      logKey: this.key,
    });
    // PutItem stores a tip (conditionally: never an overwrite); DescribeTable is /health's probe.
    fn.allow(['dynamodb:PutItem', 'dynamodb:DescribeTable'], [table.tableArn]);
    // Powertools idempotency: put the in-progress record, read it, complete it, delete it on error.
    fn.allow(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      [idempotency.tableArn],
    );
    // The rate log (conditional UpdateItem; GetItem to prune a full one), message fingerprints
    // and form-token nonces (conditional Put, Delete to undo).
    fn.allow(
      ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      [guard.tableArn],
    );
    // POST /uploads signs presigned POSTs for new keys under uploads/: the browser's upload acts
    // with this role's rights, so it may put objects there and nothing else (no read, no delete).
    // The SSE-KMS data key comes from the project key's grant above (kms:GenerateDataKey*).
    fn.allow(['s3:PutObject'], [this.attachments.uploads.arnForObjects(`${UPLOAD_PREFIX}*`)]);
    // A tip's uploads are checked before it is stored (verify-uploads.ts): HeadObject, which S3
    // authorises as s3:GetObject. Its size only; the function never reads the bytes.
    fn.allow(['s3:GetObject'], [this.attachments.uploads.arnForObjects(`${UPLOAD_PREFIX}*`)]);
    // A file cleaned before its tip arrived: intake puts the record on the tip and tags the
    // cleaner's copies attached (the lifecycle rule leaves them then). Tagging only, no read.
    const { clean } = this.attachments;
    fn.allow(
      ['s3:GetObjectTagging', 's3:PutObjectTagging'],
      [clean.arnForObjects(`${CLEAN_PREFIX}*`), clean.arnForObjects(`${ORIGINALS_PREFIX}*`)],
    );
    return fn;
  }

  private staffFunction(): TiplineFunction {
    const { table } = this.tips;
    const fn = new TiplineFunction(this, 'Staff', {
      functionDir: 'staff',
      description: 'Staff API: list, read, triage and export tips; presigned attachment downloads',
      environment: {
        [ENV.TIPS_TABLE]: table.tableName,
        [ENV.CLEAN_BUCKET]: this.attachments.clean.bucketName,
        // Download URLs are handed out on the site's origin (serveAttachmentFiles, infra/edge.ts).
        [ENV.FILE_BASE_URL]: this.edge.url,
        // GuardDuty scans the clean bucket (infra/attachment-storage.ts): only a file it passed is handed out.
        [ENV.MALWARE_SCAN]: 'guardduty',
        ...this.config.storeEnvironment,
      },
      // Signs the list cursors (a new one only invalidates open cursors); finds a tip by a reader's receipt code.
      secrets: this.secrets.forFunction(ENV.CURSOR_SECRET, ENV.RECEIPT_HASH_SECRET),
      logKey: this.key,
    });
    // Read and triage only: a tip is created by intake alone and never deleted by an editor.
    fn.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn]);
    // Every list page is a Query on one of the list indexes, never on the table itself or a
    // Scan; GET /tips?receipt= is one Query on the receipt index (by the code's keyed hash).
    fn.allow(
      ['dynamodb:Query'],
      [...LIST_INDEXES, RECEIPT_INDEX].map((i) => `${table.tableArn}/index/${i.indexName}`),
    );
    // Downloads are presigned GETs the browser makes with this role's rights: the clean copies and
    // kept originals, nothing else of the bucket, never a write (eraseAttachments' delete below is
    // the one change staff may make there). GetObjectTagging reads GuardDuty's
    // verdict; ListBucket makes a missing original a 404 (not a 403) to HeadObject. The objects'
    // SSE-KMS key is decrypted through the project key's grant below (kms:Decrypt).
    const { clean } = this.attachments;
    fn.allow(
      ['s3:GetObject', 's3:GetObjectTagging'],
      [clean.arnForObjects(`${CLEAN_PREFIX}*`), clean.arnForObjects(`${ORIGINALS_PREFIX}*`)],
    );
    fn.allow(['s3:ListBucket'], [clean.bucketArn]);
    // eraseAttachments: DeleteObjects needs s3:DeleteObject on each key, here the clean copies and
    // the kept originals only (no write, no other bucket; the uploads bucket expires by itself).
    fn.allow(
      ['s3:DeleteObject'],
      [clean.arnForObjects(`${CLEAN_PREFIX}*`), clean.arnForObjects(`${ORIGINALS_PREFIX}*`)],
    );
    return fn;
  }

  private receiptsFunction(): TiplineFunction {
    const { table } = this.tips;
    const { guard } = this.reliability;
    const fn = new TiplineFunction(this, 'Receipts', {
      functionDir: 'receipts',
      description: "A reader's follow-up by receipt code: status, replies, added messages (desk notice)",
      environment: {
        [ENV.TIPS_TABLE]: table.tableName,
        [ENV.GUARD_TABLE]: guard.tableName,
        // A reader's added message sends the routed desk a notice (without the reader's words),
        // encrypted for a desk with a key, as its alerts.
        [ENV.DESK_ADDRESS]: this.config.deskAddress,
        [ENV.SENDER_ADDRESS]: this.config.senderAddress,
        ...this.config.deskEnvironment,
        // Its notices go through the notifier's flood breaker: the same limit and window.
        ...this.config.floodEnvironment,
        ...this.config.storeEnvironment,
        // A reader's files added from the follow-up page: checked in the bucket intake grants for,
        // and, cleaned before they were named, their copies tagged attached (as intake does).
        [ENV.UPLOADS_BUCKET]: this.attachments.uploads.bucketName,
        [ENV.CLEAN_BUCKET]: this.attachments.clean.bucketName,
      },
      secrets: this.secrets.forFunction(
        ENV.CLIENT_HASH_SECRET,
        ENV.ORIGIN_VERIFY_SECRET,
        ENV.RECEIPT_HASH_SECRET,
      ),
      logKey: this.key,
    });
    fn.allow(['ses:SendEmail'], [this.alerts.senderIdentity.emailIdentityArn]);
    // One Query on the receipt index finds the tip; a reader's message is appended in one UpdateItem.
    fn.allow(['dynamodb:Query'], [`${table.tableArn}/index/${RECEIPT_INDEX.indexName}`]);
    // Only the attributes a reader's entry touches (the key, history, version, the size count, the
    // receipt key its condition checks): a receipts function turned against the table cannot rewrite a tip's
    // status, contact details, retention or legal hold. ReturnValues NONE: the write returns no
    // attribute the receipt index does not already show.
    fn.allow(['dynamodb:UpdateItem'], [table.tableArn], {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': Object.values(READER_ENTRY_ATTRIBUTES) },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
    // Its per-client rate log, apart from intake's: a conditional UpdateItem; GetItem to prune a full one.
    fn.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [guard.tableArn]);
    // A follow-up's files: the tip's attachment records (GetItem of those alone, for the count and
    // size limits; never its message or contact details) and a HeadObject of each upload.
    fn.allow(['dynamodb:GetItem'], [table.tableArn], {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': READER_FILES_READ_ATTRIBUTES },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
    fn.allow(['s3:GetObject'], [this.attachments.uploads.arnForObjects(`${UPLOAD_PREFIX}*`)]);
    // A follow-up's file cleaned before it was named: its copies are tagged attached. Tagging only.
    const { clean } = this.attachments;
    fn.allow(
      ['s3:GetObjectTagging', 's3:PutObjectTagging'],
      [clean.arnForObjects(`${CLEAN_PREFIX}*`), clean.arnForObjects(`${ORIGINALS_PREFIX}*`)],
    );
    return fn;
  }
}
