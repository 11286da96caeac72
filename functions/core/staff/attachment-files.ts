import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { toStoreError } from '#core/tips/tip-store';
import { MALWARE_SCAN_TAG } from '#core/uploads/malware-scan-tag';

export interface SignedGetRequest {
  key: string;
  /** response-content-type: the type S3 answers with, whatever the object was stored as. */
  contentType: string;
  /** response-content-disposition: `attachment; filename="…"` or `inline`. */
  disposition: string;
  expiresInSeconds: number;
  /** The signature's time (tests); the clock's now otherwise. */
  signingDate?: Date;
}

/** The clean bucket as staff downloads see it: signed GETs, and what S3 knows of an object. */
export interface AttachmentFiles {
  signedGet(request: SignedGetRequest): Promise<string>;
  exists(key: string): Promise<boolean>;
  /** GuardDuty's verdict tag on the object; `missing` when there is no such object. */
  scanTag(key: string): Promise<string | undefined | 'missing'>;
}

export interface AttachmentFilesProps {
  s3: S3Client;
  bucket: string;
  /**
   * FILE_BASE_URL: the site origin that serves `clean/*` and `originals/*` from this bucket with
   * nosniff and a sandbox CSP (CloudFront in AWS, the local gateway locally). Unset: S3's own URL.
   */
  fileBaseUrl?: string | undefined;
}

const statusOf = (err: unknown) =>
  (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * The URL a signed GET is handed out as: the same path and query on the file origin. The SigV4
 * signature covers the path, the query and the S3 host; CloudFront (and the local gateway) send
 * the request on to that host with the path and query unchanged, so it verifies there. Locally
 * S3 is addressed by path (`/<bucket>/<key>`) and the gateway puts the bucket back.
 */
export function onFileOrigin(signedUrl: string, key: string, fileBaseUrl: string | undefined): string {
  if (fileBaseUrl === undefined) return signedUrl;
  const signed = new URL(signedUrl);
  if (!signed.pathname.endsWith(`/${key}`)) {
    throw new Error(`a signed URL for ${key} has another path: ${signed.pathname}`);
  }
  return `${fileBaseUrl.replace(/\/+$/, '')}/${key}${signed.search}`;
}

export function makeAttachmentFiles({ s3, bucket, fileBaseUrl }: AttachmentFilesProps): AttachmentFiles {
  return {
    async signedGet({ key, contentType, disposition, expiresInSeconds, signingDate }) {
      const url = await getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentType: contentType,
          ResponseContentDisposition: disposition,
          ResponseCacheControl: 'no-store',
        }),
        { expiresIn: expiresInSeconds, ...(signingDate ? { signingDate } : {}) },
      );
      return onFileOrigin(url, key, fileBaseUrl);
    },
    async exists(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (err) {
        if (statusOf(err) === 404) return false;
        // Throttled, down, timed out: a 503 with Retry-After, as for the tips table.
        throw toStoreError(err);
      }
    },
    async scanTag(key) {
      try {
        const { TagSet = [] } = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
        return TagSet.find((t) => t.Key === MALWARE_SCAN_TAG)?.Value;
      } catch (err) {
        if (statusOf(err) === 404) return 'missing';
        throw toStoreError(err);
      }
    },
  };
}
