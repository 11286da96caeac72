import { ValidationError } from '#core/http/errors';
import { type S3Source, s3Of } from '#core/platform/lazy-s3-client';
import type { FieldIssue } from '#core/tips/tip-schema';
import type { AttachmentClaims } from './attachment-claims';
import {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_FILES,
  DEFAULT_MAX_TOTAL_BYTES,
  UPLOAD_PREFIX,
} from './storage-layout';
import { BadUploadIdError, type UploadGrants } from './upload-grant';

export interface VerifiedUpload {
  uploadId: string;
  /** The object in the uploads bucket. */
  key: string;
  /** Its size as S3 holds it, not as the form said. */
  bytes: number;
}

export interface VerifyUploadsProps {
  /** A client, or lazyS3Client's maker: the S3 SDK is then loaded by the first tip with files. */
  s3: S3Source;
  bucket: string;
  grants: UploadGrants;
  maxFiles?: number;
  maxFileBytes?: number;
  maxTotalBytes?: number;
  /**
   * The cleaner deletes an upload once it has cleaned it, which may be before the reader sends
   * the tip: then the claim's recorded size stands for the object (attachment-claims.ts).
   */
  claims?: Pick<AttachmentClaims, 'read'>;
}

/**
 * A missing object. S3 answers HeadObject of a missing key with 404 only to a caller that may
 * list the bucket; to one that may not (intake and receipts: s3:GetObject under uploads/, no
 * s3:ListBucket, so they cannot enumerate readers' uploads) it answers 403. A HeadObject has
 * no body, so the SDK sees the status alone.
 */
const isNotFound = (err: unknown) => {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || status === 403;
};

/**
 * What intake will check of a tip's upload ids before it stores the tip (issue 12): at most
 * maxFiles, none twice, each granted to this submission's nonce, each object in the bucket, and
 * within the limits as S3 measured it. The size is checked here again, not only by the presigned
 * POST's policy: a server that does not enforce the policy or a grant made under a larger
 * limit must not get a file past it. Every problem is a field issue of `attachments` (400).
 * submit-tip.ts calls it before anything of the tip is claimed or stored.
 */
export function makeVerifyUploads({
  s3,
  bucket,
  grants,
  maxFiles = DEFAULT_MAX_FILES,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
  maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES,
  claims,
}: VerifyUploadsProps) {
  async function sizeOf(key: string): Promise<number | undefined> {
    try {
      // A dynamic import: intake loads the S3 SDK only when a tip names files.
      const [{ HeadObjectCommand }, client] = await Promise.all([import('#core/platform/s3-sdk'), s3Of(s3)]);
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const claim = await claims?.read(key.slice(UPLOAD_PREFIX.length));
    return claim?.result ? claim.uploadBytes : undefined;
  }

  return async function verifyUploads(
    uploadIds: string[],
    submissionNonce: string,
  ): Promise<VerifiedUpload[]> {
    if (uploadIds.length > maxFiles) {
      throw new ValidationError([{ path: 'attachments', message: `at most ${maxFiles} files per tip` }]);
    }
    const issues: FieldIssue[] = [];
    const seen = new Set<string>();
    const keys = uploadIds.map((uploadId, i) => {
      const path = `attachments.${i}`;
      if (seen.has(uploadId)) {
        issues.push({ path, message: 'the same file twice' });
        return undefined;
      }
      seen.add(uploadId);
      try {
        return grants.objectKey(uploadId, submissionNonce);
      } catch (err) {
        if (!(err instanceof BadUploadIdError)) throw err;
        issues.push({ path, message: 'not an upload of this submission' });
        return undefined;
      }
    });
    if (issues.length > 0) throw new ValidationError(issues);

    const sizes = await Promise.all(keys.map((key) => sizeOf(key as string)));
    const verified: VerifiedUpload[] = [];
    sizes.forEach((bytes, i) => {
      const path = `attachments.${i}`;
      if (bytes === undefined) issues.push({ path, message: 'no such upload: not finished, or expired' });
      else if (bytes < 1 || bytes > maxFileBytes)
        issues.push({ path, message: `must be 1 to ${maxFileBytes} bytes` });
      else verified.push({ uploadId: uploadIds[i] as string, key: keys[i] as string, bytes });
    });
    const total = verified.reduce((sum, u) => sum + u.bytes, 0);
    if (issues.length === 0 && total > maxTotalBytes) {
      issues.push({ path: 'attachments', message: `at most ${maxTotalBytes} bytes per tip together` });
    }
    if (issues.length > 0) throw new ValidationError(issues);
    return verified;
  };
}

export type VerifyUploads = ReturnType<typeof makeVerifyUploads>;
