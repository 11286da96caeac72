// What intake uses of the S3 SDK, in a module of its own so that a dynamic import of it
// (lazy-s3-client.ts, verify-uploads.ts, attached-tag.ts) loads these and not the whole of @aws-sdk/client-s3,
// whose every command a dynamic import of the package itself would bundle.
export {
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
