import * as z from 'zod';
import { bucketName } from './attachment-storage-config';
import { ENV } from './env-names';
import { optionalUrl } from './store-config';

/** The expiry function: deletes the attachments of tips DynamoDB's TTL removed. */
export const expiryConfigSchema = z.object({
  [ENV.AWS_REGION]: z.string().min(1).default('us-east-1'),
  [ENV.S3_ENDPOINT]: optionalUrl,
  [ENV.CLEAN_BUCKET]: bucketName,
});

export type ExpiryConfig = z.infer<typeof expiryConfigSchema>;
