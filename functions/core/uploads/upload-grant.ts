import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '#core/guards/client-key';
import { type S3Source, s3Of } from '#core/platform/lazy-s3-client';
import { DEFAULT_MAX_FILE_BYTES, UPLOAD_PREFIX } from './storage-layout';

/** A presigned POST is good for this long: enough to start a large upload on a slow line. */
export const UPLOAD_GRANT_SECONDS = 15 * 60;

const VERSION = 'u1';
/** 16 random bytes, base64url: the object's key under uploads/, unguessable and never reused. */
const OBJECT_ID = /^[\w-]{22}$/;
/** The random nonce the form makes for its submission (request-upload.ts's schema). */
const SUBMISSION_NONCE = /^[\w-]{16,64}$/;

export interface UploadGrant {
  /** `u1.<object id>.<HMAC>`: the tip names its files by these; only its own submission's verify. */
  uploadId: string;
  /** Where the browser posts the form: S3's bucket URL. */
  url: string;
  /** The signed fields to send before the file (key, policy, signature...). */
  fields: Record<string, string>;
  maxBytes: number;
  expiresAt: string;
}

export interface UploadGrantsProps {
  /** A client, or lazyS3Client's maker: the S3 SDK is then loaded by the first upload request. */
  s3: S3Source;
  bucket: string;
  /** The HMAC key the upload ids are signed with (CLIENT_HASH_SECRET, derived for this purpose). */
  secret: string;
  maxFileBytes?: number;
  clock?: () => Date;
}

export class BadUploadIdError extends Error {
  override name = 'BadUploadIdError';
}

/**
 * Upload requests for the reader form (issue 12): a presigned POST straight to the uploads bucket,
 * for one random key under uploads/, with `content-length-range` 1..maxFileBytes in its policy so
 * S3 itself refuses a larger file (Lambda and API Gateway never carry the bytes).
 *
 * Binding to a submission: the form makes one random nonce per tip, keeps it to itself, and sends
 * it with each upload request and with the tip. The upload id carries an HMAC of (nonce, object id), so when the
 * tip arrives, intake recomputes it from the tip's own nonce: an id from another submission, or
 * one made up, does not verify, and a verified id names the one object key it was granted for.
 * The nonce itself is never in the id or the key.
 */
export function makeUploadGrants({
  s3,
  bucket,
  secret,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
  clock = () => new Date(),
}: UploadGrantsProps) {
  const key = deriveKey(secret, 'upload-id');
  const sign = (nonce: string, objectId: string) =>
    createHmac('sha256', key).update(`${VERSION}.${nonce}.${objectId}`).digest().subarray(0, 16);

  async function grant(submissionNonce: string): Promise<UploadGrant> {
    if (!SUBMISSION_NONCE.test(submissionNonce)) throw new BadUploadIdError('not a submission nonce');
    const objectId = randomBytes(16).toString('base64url');
    const uploadId = `${VERSION}.${objectId}.${sign(submissionNonce, objectId).toString('base64url')}`;
    // Dynamic imports: intake loads the S3 SDK and the POST signer only for POST /uploads.
    const [{ createPresignedPost }, client] = await Promise.all([import('./presigned-post'), s3Of(s3)]);
    const { url, fields } = await createPresignedPost(client, {
      Bucket: bucket,
      Key: `${UPLOAD_PREFIX}${objectId}`,
      Conditions: [['content-length-range', 1, maxFileBytes]],
      Expires: UPLOAD_GRANT_SECONDS,
    });
    const expiresAt = new Date(clock().getTime() + UPLOAD_GRANT_SECONDS * 1000).toISOString();
    return { uploadId, url, fields, maxBytes: maxFileBytes, expiresAt };
  }

  /** The object key of an upload id granted to this submission; BadUploadIdError for any other. */
  function objectKey(uploadId: string, submissionNonce: string): string {
    const [version, objectId, mac, ...rest] = uploadId.split('.');
    if (version !== VERSION || !objectId || !mac || rest.length > 0 || !OBJECT_ID.test(objectId)) {
      throw new BadUploadIdError('not an upload id');
    }
    const given = Buffer.from(mac, 'base64url');
    const expected = sign(submissionNonce, objectId);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new BadUploadIdError('not an upload of this submission');
    }
    return `${UPLOAD_PREFIX}${objectId}`;
  }

  let origin: Promise<string> | undefined;
  /**
   * The origin the browser posts uploads to (S3's bucket endpoint, the local server's locally),
   * for the pages' connect-src: taken from a presigned POST, so it is the SDK's own choice of URL.
   * Signing is local (no request), made once per container, on the first page that needs it
   * (the SDK and the signer are loaded then, not at cold start).
   */
  function uploadOrigin(): Promise<string> {
    origin ??= Promise.all([import('./presigned-post'), s3Of(s3)])
      .then(([{ createPresignedPost }, client]) =>
        createPresignedPost(client, { Bucket: bucket, Key: `${UPLOAD_PREFIX}origin`, Expires: 60 }),
      )
      .then(({ url }) => new URL(url).origin);
    return origin;
  }

  return { grant, objectKey, maxFileBytes, uploadOrigin };
}

export type UploadGrants = ReturnType<typeof makeUploadGrants>;
