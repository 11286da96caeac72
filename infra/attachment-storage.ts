import { Duration, Stack } from 'aws-cdk-lib';
import { CfnMalwareProtectionPlan } from 'aws-cdk-lib/aws-guardduty';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ATTACHED_TAG,
  CLEAN_PREFIX,
  ORIGINALS_PREFIX,
  UNATTACHED_EXPIRY_DAYS,
  UPLOAD_CORS,
  UPLOAD_EXPIRY_DAYS,
  UPLOAD_PREFIX,
} from '#core/uploads/storage-layout';

export interface AttachmentStorageProps {
  /** The project key (infra/encryption-key.ts): every object is encrypted with it (SSE-KMS). */
  readonly encryptionKey: IKey;
  /** The form's origin (`https://<SiteUrl host>`, infra/edge.ts): the only one CORS lets post files. */
  readonly formOrigin: string;
}

/** The name GuardDuty gives the EventBridge rule of a protected bucket, before its generated suffix. */
export const GUARDDUTY_RULE_PREFIX = 'DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3';

/** Where GuardDuty writes a test object when the plan is created, to check it can reach the bucket. */
const VALIDATION_OBJECT = 'malware-protection-resource-validation-object';

/**
 * The buckets of readers' attachments (issue 12): two, not one with prefixes, because they are
 * reached by different parties with different rights. Browsers post to `uploads` (presigned POST,
 * CORS for the form's origin only), GuardDuty scans and tags every object there, and nothing stays
 * longer than a day; the cleaner writes `clean` (no CORS: staff fetch it through presigned GETs),
 * which only staff read. A presigned POST can never name a clean object, a lifecycle rule can
 * expire the whole uploads bucket without a filter that a new prefix could escape, and the scan
 * covers exactly what readers sent.
 */
export class AttachmentStorage extends Construct {
  readonly uploads: Bucket;
  readonly clean: Bucket;
  /** The role GuardDuty Malware Protection for S3 acts as on the uploads bucket. */
  readonly malwareScanRole: Role;
  readonly malwareProtection: CfnMalwareProtectionPlan;
  /**
   * The same on the clean bucket's `clean/` and `originals/` (a plan protects one bucket): what
   * staff download is what was scanned, and the staff function hands out only objects tagged
   * NO_THREATS_FOUND (MALWARE_SCAN=guardduty). Its own role, so neither plan reaches the other's bucket.
   */
  readonly cleanScanRole: Role;
  readonly cleanMalwareProtection: CfnMalwareProtectionPlan;

  constructor(scope: Construct, id: string, props: AttachmentStorageProps) {
    super(scope, id);
    const { encryptionKey } = props;
    const common: BucketProps = {
      encryption: BucketEncryption.KMS,
      encryptionKey,
      // One data key per bucket rather than a KMS call per object: large uploads stay cheap.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Off: a deleted original or erased attachment must be gone, not kept as an old version.
      versioned: false,
    };

    this.uploads = new Bucket(this, 'Uploads', {
      ...common,
      cors: [
        {
          allowedMethods: UPLOAD_CORS.methods.map((m) => HttpMethods[m]),
          allowedOrigins: [props.formOrigin],
          allowedHeaders: [...UPLOAD_CORS.headers],
          maxAge: UPLOAD_CORS.maxAgeSeconds,
        },
      ],
      lifecycleRules: [
        {
          id: 'expire-uploads',
          // The whole bucket, not a prefix: nothing a reader sent outlives a day here, cleaned or not.
          expiration: Duration.days(UPLOAD_EXPIRY_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(UPLOAD_EXPIRY_DAYS),
        },
      ],
    });

    this.clean = new Bucket(this, 'Clean', {
      ...common,
      lifecycleRules: [
        {
          id: 'expire-unattached-clean-copies',
          // The clean copy of an upload no tip named: the cleaner tags it unattached, intake re-tags
          // it when a tip names it; tip retention removes attached ones (not a lifecycle rule).
          prefix: CLEAN_PREFIX,
          tagFilters: { [ATTACHED_TAG.key]: ATTACHED_TAG.unattached },
          expiration: Duration.days(UNATTACHED_EXPIRY_DAYS),
        },
        {
          // The same for a kept original (KEEP_ORIGINALS), tagged with its clean copy.
          id: 'expire-unattached-originals',
          prefix: ORIGINALS_PREFIX,
          tagFilters: { [ATTACHED_TAG.key]: ATTACHED_TAG.unattached },
          expiration: Duration.days(UNATTACHED_EXPIRY_DAYS),
        },
      ],
    });

    this.malwareScanRole = this.scanRole('MalwareScanRole', this.uploads, [UPLOAD_PREFIX], encryptionKey);
    // GuardDutyMalwareScanStatus on each object: the cleaner takes only NO_THREATS_FOUND.
    this.malwareProtection = this.scanPlan('UploadsMalwareProtection', this.uploads, [UPLOAD_PREFIX]);
    this.cleanScanRole = this.scanRole(
      'CleanScanRole',
      this.clean,
      [CLEAN_PREFIX, ORIGINALS_PREFIX],
      encryptionKey,
    );
    this.cleanMalwareProtection = this.scanPlan('CleanMalwareProtection', this.clean, [
      CLEAN_PREFIX,
      ORIGINALS_PREFIX,
    ]);
  }

  private scanPlan(id: string, bucket: Bucket, prefixes: string[]): CfnMalwareProtectionPlan {
    const role = bucket === this.uploads ? this.malwareScanRole : this.cleanScanRole;
    const plan = new CfnMalwareProtectionPlan(this, id, {
      role: role.roleArn,
      protectedResource: { s3Bucket: { bucketName: bucket.bucketName, objectPrefixes: prefixes } },
      actions: { tagging: { status: 'ENABLED' } },
    });
    // GuardDuty checks the role's rights when the plan is created: its policy (a resource apart
    // from the role the ARN points at) must exist first.
    const scanPolicy = role.node.tryFindChild('DefaultPolicy');
    if (scanPolicy) plan.node.addDependency(scanPolicy);
    return plan;
  }

  /** The permissions GuardDuty documents for one protected bucket, scoped to it and its prefixes. */
  private scanRole(id: string, bucket: Bucket, prefixes: string[], encryptionKey: IKey): Role {
    const { account, region, partition } = Stack.of(this);
    const role = new Role(this, id, {
      description:
        bucket === this.uploads
          ? 'GuardDuty Malware Protection for S3: scans and tags the attachment uploads'
          : 'GuardDuty Malware Protection for S3: scans and tags the clean copies and kept originals staff download',
      assumedBy: new ServicePrincipal('malware-protection-plan.guardduty.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    });
    const managedRule = `arn:${partition}:events:${region}:${account}:rule/${GUARDDUTY_RULE_PREFIX}*`;
    const scannedObjects = prefixes.map((p) => bucket.arnForObjects(`${p}*`));
    const statements = [
      // The EventBridge rule GuardDuty creates to hear of new objects, and only that one.
      new PolicyStatement({
        sid: 'ManagedEventRule',
        actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
        resources: [managedRule],
        conditions: { StringLike: { 'events:ManagedBy': 'malware-protection-plan.guardduty.amazonaws.com' } },
      }),
      new PolicyStatement({
        sid: 'DescribeManagedEventRule',
        actions: ['events:DescribeRule', 'events:ListTargetsByRule'],
        resources: [managedRule],
      }),
      new PolicyStatement({
        sid: 'BucketEventsAndOwnership',
        actions: ['s3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
      // Reads what it scans and writes the result tag; the bucket is unversioned, but the
      // documented set includes the version actions.
      new PolicyStatement({
        sid: bucket === this.uploads ? 'ScanAndTagUploads' : 'ScanAndTagCleanCopies',
        actions: [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectTagging',
          's3:GetObjectVersionTagging',
          's3:PutObjectTagging',
          's3:PutObjectVersionTagging',
        ],
        resources: scannedObjects,
      }),
      new PolicyStatement({
        sid: 'ValidationObject',
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(VALIDATION_OBJECT)],
      }),
      // The objects are SSE-KMS with the project key: only through S3, for this bucket's objects.
      new PolicyStatement({
        sid: bucket === this.uploads ? 'DecryptUploadsThroughS3' : 'DecryptCleanCopiesThroughS3',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [encryptionKey.keyArn],
        conditions: { StringLike: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      }),
    ];
    for (const statement of statements) role.addToPolicy(statement);
    return role;
  }
}
