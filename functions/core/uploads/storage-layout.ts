/**
 * Where attachments live in S3 (issue 12), shared by infra/ (lifecycle rules, the malware scan's
 * scope, grants) and the code that writes the keys, so the two cannot drift apart.
 *
 * Two buckets: readers post to the uploads bucket (presigned POST, under UPLOAD_PREFIX), where
 * GuardDuty scans every new object and everything expires after UPLOAD_EXPIRY_DAYS; the cleaner
 * writes the clean copies (and, with KEEP_ORIGINALS, the originals) to the clean bucket, which
 * only staff read.
 */
export const UPLOAD_PREFIX = 'uploads/';

/** Issue 12's per-file limit, MAX_FILE_BYTES's default: 100 MB. */
export const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;
/** Issue 12's per-tip limits: at most 10 files, 250 MB together. */
export const DEFAULT_MAX_FILES = 10;
export const DEFAULT_MAX_TOTAL_BYTES = 250 * 1024 * 1024;
export const CLEAN_PREFIX = 'clean/';
/** Kept originals (KEEP_ORIGINALS), readable only through a logged "download original". */
export const ORIGINALS_PREFIX = 'originals/';

/**
 * The uploads bucket's one CORS rule, for the form's origin only (CloudFront's in AWS, the local
 * gateway's locally): the browser posts the presigned fields and the file, and an upload with
 * progress events is preflighted.
 */
export const UPLOAD_CORS = { methods: ['POST'], headers: ['content-type'], maxAgeSeconds: 3600 } as const;

/**
 * An upload is cleaned within minutes of arrival; whatever is still in the uploads bucket a day
 * later was never attached to a tip (or is a failed clean) and goes.
 */
export const UPLOAD_EXPIRY_DAYS = 1;

/**
 * The tag the cleaner puts on a clean copy until intake attaches it to a tip (then sets it to
 * `yes`): a clean copy of an upload no tip ever named expires with it, after UNATTACHED_EXPIRY_DAYS.
 */
export const ATTACHED_TAG = { key: 'tipline-attached', unattached: 'no', attached: 'yes' } as const;
export const UNATTACHED_EXPIRY_DAYS = 1;

/**
 * The copy staff get of attachment `id` (its object id), in the clean bucket: the cleaned file,
 * or, for a type the cleaner cannot clean or keeps inert, the file as it arrived.
 */
export const cleanKey = (id: string) => `${CLEAN_PREFIX}${id}`;
/** The original of attachment `id` in the clean bucket, only with KEEP_ORIGINALS. */
export const originalKey = (id: string) => `${ORIGINALS_PREFIX}${id}`;
/** The reader's upload of attachment `id` in the uploads bucket, until the cleaner has read it. */
export const uploadKey = (id: string) => `${UPLOAD_PREFIX}${id}`;
