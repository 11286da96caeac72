import * as z from 'zod';
import { ENV } from './env-names';
import { secretShape } from './secrets';
import { storeConfigShape } from './store-config';

export const staffConfigSchema = z.object({
  ...storeConfigShape,
  ...secretShape(ENV.CURSOR_SECRET),
});

export type StaffConfig = z.infer<typeof staffConfigSchema>;
