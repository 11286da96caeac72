import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';

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
