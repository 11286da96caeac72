import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  region: string;
  /** Set locally (dynalite, SES emulator); absent in AWS. */
  endpoint?: string | undefined;
}

// Locally the emulators accept any credentials; the SDK still insists on having some.
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

// Short timeouts: API Gateway gives up at 30 s, and a reader should get a 503 with
// Retry-After in seconds, not a hang. The SDK's retries (3 attempts) absorb blips.
const requestHandler = { connectionTimeout: 1_000, requestTimeout: 3_000 };

export interface DynamoClients {
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

export function makeDynamoClients({ region, endpoint }: ClientOptions): DynamoClients {
  const client = new DynamoDBClient({
    region,
    maxAttempts: 3,
    requestHandler,
    ...(endpoint ? { endpoint, credentials: localCredentials } : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

export function makeSesClient({ region, endpoint }: ClientOptions): SESv2Client {
  return new SESv2Client({
    region,
    maxAttempts: 3,
    requestHandler,
    ...(endpoint ? { endpoint, credentials: localCredentials } : {}),
  });
}

/**
 * S3: the uploads and clean buckets. Locally (s3rver) by path (`http://127.0.0.1:<port>/<bucket>`),
 * as the local server has no per-bucket host names; in AWS the SDK's virtual-hosted default.
 */
// s3rver knows one account (its built-in S3RVER key) and answers 403 to any other key id.
const localS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The S3 client's settings, for makeS3Client and lazy-s3-client.ts alike. */
export function s3ClientConfig({
  region,
  endpoint,
  requestTimeoutMs = requestHandler.requestTimeout,
}: S3ClientOptions): S3ClientConfig {
  return {
    region,
    maxAttempts: 3,
    requestHandler: { ...requestHandler, requestTimeout: requestTimeoutMs },
    ...(endpoint ? { endpoint, forcePathStyle: true, credentials: localS3Credentials } : {}),
  };
}

export interface S3ClientOptions extends ClientOptions {
  /** Idle time allowed per request: the cleaner moves files of up to 100 MB, intake only metadata. */
  requestTimeoutMs?: number;
}

export function makeS3Client(options: S3ClientOptions): S3Client {
  return new S3Client(s3ClientConfig(options));
}
