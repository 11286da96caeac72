import * as z from 'zod';
import { ENV } from './env-names';
import { secretShape } from './secrets';
import { storeConfigShape } from './store-config';

export const staffConfigSchema = z.object({
  ...storeConfigShape,
  ...secretShape(ENV.CURSOR_SECRET),
  // GET /tips?receipt=: the code a reader reads out is found by its keyed hash.
  ...secretShape(ENV.RECEIPT_HASH_SECRET),
});

export type StaffConfig = z.infer<typeof staffConfigSchema>;
