import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '#core/config/env-names';
import { ATTACH_ATTRIBUTES } from '#core/uploads/attach-to-tip';
import { CLEAN_ATTEMPTS, claimKey } from '#core/uploads/attachment-claims';
import { CLEAN_PREFIX, ORIGINALS_PREFIX, UPLOAD_PREFIX } from '#core/uploads/storage-layout';
import { failureQueue } from './failure-queue';
import { dropRoleDependency, TiplineFunction } from './tipline-function';

/**
 * sharp (native) and libheif-js (Emscripten, reads `__dirname`) cannot go into the ESM bundle:
 * they ship in the function's node_modules, installed for Lambda's linux-arm64 by npm on this
 * machine (no Docker), from the project's lockfile.
 */
export const CLEANER_NODE_MODULES = ['sharp', 'libheif-js'];

/** What npm installs nodeModules for: Lambda's, not the laptop's, platform (sharp's prebuilt binary). */
export const CLEANER_INSTALL_PLATFORM = {
  npm_config_os: 'linux',
  npm_config_cpu: 'arm64',
  npm_config_libc: 'glibc',
};

/** Enough for a 100 MB file held as the upload and its clean copy, plus a 12 MP decode (libheif keeps ~650 MB). */
export const CLEANER_MEMORY_MB = 2048;
/** A 100 MB video is parsed and written in seconds; a hostile picture that takes longer is cut off and retried. */
export const CLEANER_TIMEOUT = Duration.minutes(3);

export interface AttachmentCleanerProps {
  readonly uploads: IBucket;
  readonly clean: IBucket;
  readonly tipsTable: ITable;
  /** Where the cleaner meets intake (attachment claims). */
  readonly guardTable: ITable;
  /** KEEP_ORIGINALS; @default false (not set: the function's own default). */
  readonly keepOriginals?: boolean;
  readonly encryptionKey?: IKey;
}

/**
 * The cleaner (issue 12): every new object under `uploads/` invokes it asynchronously (an S3
 * event notification); Lambda tries each event 1 + (CLEAN_ATTEMPTS - 1) times, and one that
 * fails them all goes to a queue (alarmed) with the event that names the object.
 */
export class AttachmentCleaner extends Construct {
  readonly fn: TiplineFunction;
  /** Events the cleaner failed at every attempt (the asynchronous invocation's on-failure destination). */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: AttachmentCleanerProps) {
    super(scope, id);
    this.failures = failureQueue(this, 'Failures', props.encryptionKey);

    this.fn = new TiplineFunction(this, 'Function', {
      functionDir: 'cleaner',
      description: "Cleans each reader's upload (metadata out) and puts its record on the tip",
      environment: {
        [ENV.TIPS_TABLE]: props.tipsTable.tableName,
        [ENV.GUARD_TABLE]: props.guardTable.tableName,
        [ENV.UPLOADS_BUCKET]: props.uploads.bucketName,
        [ENV.CLEAN_BUCKET]: props.clean.bucketName,
        ...(props.keepOriginals !== undefined ? { [ENV.KEEP_ORIGINALS]: String(props.keepOriginals) } : {}),
      },
      memorySize: CLEANER_MEMORY_MB,
      timeout: CLEANER_TIMEOUT,
      nodeModules: CLEANER_NODE_MODULES,
      installEnvironment: CLEANER_INSTALL_PLATFORM,
      ...(props.encryptionKey ? { logKey: props.encryptionKey } : {}),
    });
    this.fn.configureAsyncInvoke({
      retryAttempts: CLEAN_ATTEMPTS - 1,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failures),
    });
    props.uploads.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(this.fn), {
      prefix: UPLOAD_PREFIX,
    });
    // CDK's deploy-time handler that writes the notification: its role dependency is already a
    // GetAtt (cfn-lint W3005), as for every TiplineFunction.
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      const fn = child.node.tryFindChild('Resource');
      const role = child.node.tryFindChild('Role')?.node.defaultChild;
      if (fn instanceof CfnResource && role instanceof CfnResource) dropRoleDependency(fn, role);
    }

    // Read the upload, delete it once cleaned: nothing else of the uploads bucket.
    this.fn.allow(['s3:GetObject', 's3:DeleteObject'], [props.uploads.arnForObjects(`${UPLOAD_PREFIX}*`)]);
    // Write the clean copy and the kept original, and re-tag them attached.
    this.fn.allow(
      ['s3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
      [props.clean.arnForObjects(`${CLEAN_PREFIX}*`), props.clean.arnForObjects(`${ORIGINALS_PREFIX}*`)],
    );
    // Its claims only (attachment#<id>), by UpdateItem returning the item: no read, no other counter.
    this.fn.allow(['dynamodb:UpdateItem'], [props.guardTable.tableArn], {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [claimKey('*')] },
    });
    // The tip: the attachment record and the kept size only, in one conditional UpdateItem; and,
    // when that condition fails, a read of the id and the records (nothing a reader wrote).
    this.fn.allow(['dynamodb:UpdateItem'], [props.tipsTable.tableArn], {
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': Object.values(ATTACH_ATTRIBUTES) },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
    });
    this.fn.allow(['dynamodb:GetItem'], [props.tipsTable.tableArn], {
      'ForAllValues:StringEquals': {
        'dynamodb:Attributes': [ATTACH_ATTRIBUTES.key, ATTACH_ATTRIBUTES.attachments],
      },
      StringEquals: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  }
}
