import type { RateLimiter } from '#core/guards/rate-limit';
import { RateLimitedError, ValidationError } from '#core/http/errors';
import { fieldIssues } from '#core/tips/tip-schema';
import type { UploadGrant, UploadGrants } from './upload-grant';
import { uploadRequestSchema } from './upload-grant-schema';

export {
  type UploadGrantBody,
  type UploadRequest,
  uploadGrantSchema,
  uploadRequestSchema,
} from './upload-grant-schema';

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
