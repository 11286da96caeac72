import type { ExpiryConfig } from '#core/config/expiry-config';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { makeAttachmentObjects } from '#core/uploads/attachment-objects';
import { makeExpiryHandler } from './make-expiry-handler';

/** The expiry function wired from its config: handler.ts in AWS, local/ on a laptop. */
export function expiryFromConfig(config: ExpiryConfig) {
  return makeExpiryHandler({
    objects: makeAttachmentObjects({
      s3: makeS3Client({ region: config.AWS_REGION, endpoint: config.S3_ENDPOINT }),
      bucket: config.CLEAN_BUCKET,
    }),
    logger: makeLogger('tipline-expiry'),
  });
}
