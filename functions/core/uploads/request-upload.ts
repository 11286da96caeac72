import * as z from 'zod';
import type { RateLimiter } from '#core/guards/rate-limit';
import { RateLimitedError, ValidationError } from '#core/http/errors';
import { fieldIssues } from '#core/tips/tip-schema';
import type { UploadGrant, UploadGrants } from './upload-grant';

/** POST /uploads: one file's upload request, naming the submission it is for. */
export const uploadRequestSchema = z.strictObject({
  submission: z
    .string()
    .regex(/^[\w-]{16,64}$/, 'must be 16-64 letters, digits, _ or -')
    .describe(
      'A random nonce the form makes once per tip and keeps to itself: each upload request and the tip name it, so only that tip can attach the files',
    ),
});
export type UploadRequest = z.infer<typeof uploadRequestSchema>;

/** POST /uploads 201: where and how the browser posts the file, straight to S3. */
export const uploadGrantSchema = z.object({
  uploadId: z.string().describe('Names the file in the tip; valid only with the same submission nonce'),
  url: z.url().describe('Post the file here as multipart/form-data'),
  fields: z
    .record(z.string(), z.string())
    .describe('Send every one of these form fields first, then the file as the last field, `file`'),
  maxBytes: z.int().positive().describe('A larger file is refused by S3 (400 EntityTooLarge)'),
  expiresAt: z.iso.datetime().describe('Start the upload before then'),
});

export type UploadGrantBody = z.infer<typeof uploadGrantSchema>;

export interface RequestUploadDeps {
  grants: UploadGrants;
  /** Per client, apart from the submits' own log (the key is prefixed `upload:`). */
  rateLimiter?: RateLimiter;
}

export interface RequestUploadResult {
  grant: UploadGrant;
  /** The rate-limit counters did not answer, and the request was let through. */
  degraded: boolean;
}

/**
 * An upload request: counted per client first (a storm of requests is refused before anything
 * is signed), then checked, then granted. A presigned POST is cheap to make, but each one lets a
 * client put up to maxFileBytes into the bucket for a day.
 */
export function makeRequestUpload({ grants, rateLimiter }: RequestUploadDeps) {
  return async function requestUpload(input: unknown, clientKey: string): Promise<RequestUploadResult> {
    const verdict = rateLimiter ? await rateLimiter(`upload:${clientKey}`) : { allowed: true as const };
    if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
    const parsed = uploadRequestSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
    return { grant: await grants.grant(parsed.data.submission), degraded: verdict.degraded === true };
  };
}

export type RequestUpload = ReturnType<typeof makeRequestUpload>;
