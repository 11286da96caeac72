import * as z from 'zod';
import { attachmentStorageConfigShape } from './attachment-storage-config';
import { ENV } from './env-names';
import { optionalUrl } from './store-config';

/** `true` or `false` as written in an environment variable; anything else is refused, not guessed. */
const flag = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .default('false')
  .transform((v) => v === 'true');

/**
 * The cleaner (issue 12): reads each new upload, writes its clean copy, and meets intake in the
 * guard table (attachment claims) to put the record on the tip.
 */
export const cleanerConfigSchema = z.object({
  ...attachmentStorageConfigShape,
  [ENV.TIPS_TABLE]: z.string().min(3, 'must name the tips table'),
  [ENV.DYNAMODB_ENDPOINT]: optionalUrl,
  [ENV.GUARD_TABLE]: z.string().min(3, 'must name the guard table (where intake and the cleaner meet)'),
  [ENV.KEEP_ORIGINALS]: flag,
});

export type CleanerConfig = z.infer<typeof cleanerConfigSchema>;
