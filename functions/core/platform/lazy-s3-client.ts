import type { S3Client } from '@aws-sdk/client-s3';
import { type ClientOptions, s3ClientConfig } from './aws-clients';

/** An S3 client, or a function that makes one on first use (lazyS3Client). */
export type S3Source = S3Client | (() => Promise<S3Client>);

/**
 * The S3 client made on first use, the SDK's S3 code loaded then (a dynamic import): intake's
 * cold start, and every POST /tips without files, never evaluate it (bench/README.md). Its own
 * module: a function importing makeS3Client from aws-clients.ts does not get this import too.
 */
export function lazyS3Client(options: ClientOptions): () => Promise<S3Client> {
  let client: Promise<S3Client> | undefined;
  return () => {
    client ??= import('./s3-sdk').then((sdk) => new sdk.S3Client(s3ClientConfig(options)));
    return client;
  };
}

export async function s3Of(source: S3Source): Promise<S3Client> {
  return typeof source === 'function' ? source() : source;
}
