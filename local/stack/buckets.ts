import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { UPLOAD_CORS } from '#core/uploads/storage-layout';

/** Creates the bucket unless it exists (kept data survives a restart), as ensureTable does for tables. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<'created' | 'existed'> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return 'existed';
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw err;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return 'created';
  } catch (err) {
    // Another stack on the same server (test files start theirs at once) created it first.
    if (err instanceof Error && ['BucketAlreadyExists', 'BucketAlreadyOwnedByYou'].includes(err.name)) {
      return 'existed';
    }
    throw err;
  }
}

/** The uploads bucket's CORS rule as infra/ sets it, for the local form's origins instead of CloudFront's. */
export async function applyUploadCors(client: S3Client, bucket: string, origins: string[]): Promise<void> {
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedMethods: [...UPLOAD_CORS.methods],
            AllowedOrigins: origins,
            AllowedHeaders: [...UPLOAD_CORS.headers],
            MaxAgeSeconds: UPLOAD_CORS.maxAgeSeconds,
          },
        ],
      },
    }),
  );
}
