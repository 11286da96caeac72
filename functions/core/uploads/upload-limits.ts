import { MAX_ATTACHMENTS_PER_TIP } from '#core/attachments/attachment-record';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES, DEFAULT_MAX_TOTAL_BYTES } from './storage-layout';

/**
 * A tip's file limits, in one place: what verifyUploads enforces, what the receipts function
 * checks a follow-up's files against, and what the pages are given to tell the reader and to
 * refuse a file before uploading it (the form never has constants of its own).
 */
export interface UploadLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/** The limits under MAX_FILE_BYTES (from config); the count and the total are issue 12's. */
export function uploadLimits(maxFileBytes: number = DEFAULT_MAX_FILE_BYTES): UploadLimits {
  return {
    maxFiles: Math.min(DEFAULT_MAX_FILES, MAX_ATTACHMENTS_PER_TIP),
    maxFileBytes,
    // A tip's total is never below one file's limit: a single largest file must fit.
    maxTotalBytes: Math.max(DEFAULT_MAX_TOTAL_BYTES, maxFileBytes),
  };
}
