import { type Attachment, UNSNIFFED_MIME } from '#core/attachments/attachment-record';
import { UPLOAD_PREFIX } from './storage-layout';
import type { VerifiedUpload } from './verify-uploads';

/**
 * The record of a checked upload before the cleaner has read it (a new tip's, intake; a follow-up's, receipts): its size as S3 measured it,
 * nothing of its type (not sniffed yet), named by its object id (the key under uploads/), not the
 * upload id, whose HMAC has done its work. Not scanned: intake knows of no scan.
 */
export function pendingAttachment(upload: VerifiedUpload, now: Date): Attachment {
  return {
    id: upload.key.slice(UPLOAD_PREFIX.length),
    mime: UNSNIFFED_MIME,
    kind: 'other',
    sizeBytes: upload.bytes,
    cleaning: { status: 'pending', removed: [] },
    scan: { status: 'not-scanned' },
    uploadedAt: now.toISOString(),
  };
}
