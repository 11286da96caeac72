import * as z from 'zod';
import { MALWARE_SCAN_MODES } from '#core/uploads/malware-scan-tag';
import { bucketName } from './attachment-storage-config';
import { ENV } from './env-names';
import { secretShape } from './secrets';
import { optionalUrl, storeConfigShape } from './store-config';

/** Issue 12: a download link is good for minutes, not hours; 5 unless the desk says otherwise. */
export const DEFAULT_DOWNLOAD_URL_MINUTES = 5;

export const staffConfigSchema = z.object({
  ...storeConfigShape,
  ...secretShape(ENV.CURSOR_SECRET),
  // GET /tips?receipt=: the code a reader reads out is found by its keyed hash.
  ...secretShape(ENV.RECEIPT_HASH_SECRET),
  // Attachment downloads (issue 12): presigned GETs of the clean bucket's objects.
  [ENV.S3_ENDPOINT]: optionalUrl,
  [ENV.CLEAN_BUCKET]: bucketName,
  [ENV.DOWNLOAD_URL_MINUTES]: z.coerce.number().int().min(1).max(60).default(DEFAULT_DOWNLOAD_URL_MINUTES),
  [ENV.FILE_BASE_URL]: optionalUrl,
  [ENV.MALWARE_SCAN]: z.enum(MALWARE_SCAN_MODES).default('none'),
});

export type StaffConfig = z.infer<typeof staffConfigSchema>;
