import * as z from 'zod';
import { retentionEnvSchema } from '#core/tips/retention';
import { ENV } from './env-names';

export const optionalUrl = z.url({ protocol: /^https?$/ }).optional();

/** What every function that reads or writes tips shares: the table, the region, retention. */
export const storeConfigShape = {
  [ENV.TIPS_TABLE]: z.string().min(3, 'must name the tips table'),
  [ENV.AWS_REGION]: z.string().min(1).default('us-east-1'),
  [ENV.DYNAMODB_ENDPOINT]: optionalUrl,
  [ENV.RETENTION_POLICY]: retentionEnvSchema,
};
