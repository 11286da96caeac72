import * as z from 'zod';
import { bucketName } from './attachment-storage-config';
import { ENV } from './env-names';
import { secretShape } from './secrets';
import { optionalUrl, storeConfigShape } from './store-config';

export const staffConfigSchema = z.object({
  ...storeConfigShape,
  ...secretShape(ENV.CURSOR_SECRET),
  // GET /tips?receipt=: the code a reader reads out is found by its keyed hash.
  ...secretShape(ENV.RECEIPT_HASH_SECRET),
  // eraseAttachments deletes the clean copies and originals here; unset, a tip's files cannot
  // be erased (the PATCH answers 500: infra and the local stack always set it).
  [ENV.CLEAN_BUCKET]: bucketName.optional(),
  [ENV.S3_ENDPOINT]: optionalUrl,
});

export type StaffConfig = z.infer<typeof staffConfigSchema>;
