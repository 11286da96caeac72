import * as z from 'zod';
import { ENV } from './env-names';
import { optionalUrl } from './store-config';

/** S3's rule for a bucket name: 3-63 lowercase letters, digits, dots and hyphens, a letter or digit at each end. */
export const bucketName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)',
  );

/**
 * Where attachments are kept (issue 12): what the upload routes and the cleaner will share. The
 * local stack checks it at start like the functions' own schemas; no function reads it yet.
 */
export const attachmentStorageConfigShape = {
  [ENV.AWS_REGION]: z.string().min(1).default('us-east-1'),
  [ENV.S3_ENDPOINT]: optionalUrl,
  [ENV.UPLOADS_BUCKET]: bucketName,
  [ENV.CLEAN_BUCKET]: bucketName,
};

export const attachmentStorageConfigSchema = z.object(attachmentStorageConfigShape);

export type AttachmentStorageConfig = z.infer<typeof attachmentStorageConfigSchema>;
