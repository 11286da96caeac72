import type { S3Client } from '@aws-sdk/client-s3';
import type { CleanerConfig } from '#core/config/cleaner-config';
import { type DynamoClients, makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { makeAttachToTip } from '#core/uploads/attach-to-tip';
import { makeMarkAttached } from '#core/uploads/attached-tag';
import { makeAttachmentClaims } from '#core/uploads/attachment-claims';
import { type CleanUploadDeps, makeCleanUpload } from '#core/uploads/clean-upload';
import { makeCleanerHandler } from './make-cleaner-handler';

/** What a caller may hand in instead of what the config builds. */
export interface CleanerInjections {
  dynamo?: DynamoClients;
  s3?: S3Client;
  /** A test's cleaning core that fails as a crash would (clean-upload.ts). */
  clean?: CleanUploadDeps['clean'];
}

/** The cleaner wired from its config: handler.ts in AWS, local/ on a laptop. */
export function cleanerFromConfig(config: CleanerConfig, injected: CleanerInjections = {}) {
  const {
    dynamo = makeDynamoClients({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT }),
    // Files of up to 100 MB go in and out: a longer idle allowance than the API functions'.
    s3 = makeS3Client({ region: config.AWS_REGION, endpoint: config.S3_ENDPOINT, requestTimeoutMs: 30_000 }),
    clean,
  } = injected;
  return makeCleanerHandler({
    cleanUpload: makeCleanUpload({
      s3,
      uploadsBucket: config.UPLOADS_BUCKET,
      cleanBucket: config.CLEAN_BUCKET,
      claims: makeAttachmentClaims({ doc: dynamo.doc, tableName: config.GUARD_TABLE }),
      attachToTip: makeAttachToTip({ doc: dynamo.doc, tableName: config.TIPS_TABLE }),
      markAttached: makeMarkAttached({ s3, bucket: config.CLEAN_BUCKET }),
      keepOriginals: config.KEEP_ORIGINALS,
      ...(clean ? { clean } : {}),
    }),
    logger: makeLogger('tipline-cleaner'),
  });
}
