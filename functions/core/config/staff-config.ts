import * as z from 'zod';
import { ENV } from './env-names';
import { storeConfigShape } from './store-config';

export const staffConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.CURSOR_SECRET]: z.string().min(32, 'must be a random secret of at least 32 characters'),
  // GET /tips?receipt=: the code a reader reads out is found by its keyed hash.
  [ENV.RECEIPT_HASH_SECRET]: z.string().min(32, 'must be a random secret of at least 32 characters'),
});

export type StaffConfig = z.infer<typeof staffConfigSchema>;
