import * as z from 'zod';
import { deskRoutingSchema, jsonEnv } from '#core/alerts/desk-routing';
import { deskKeysSchema } from '#core/alerts/pgp-alert';
import { DEFAULT_MAX_FILE_BYTES } from '#core/uploads/storage-layout';
import { bucketName } from './attachment-storage-config';
import { ENV } from './env-names';
import { floodConfigShape } from './notifier-config';
import { optionalSecretShape, secretShape } from './secrets';
import { optionalUrl, storeConfigShape } from './store-config';

/** The reader's follow-up by receipt: the tips table, and the guard table for its rate limit. */
export const receiptsConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.GUARD_TABLE]: z.string().min(3, 'must name the guard table (the receipt rate limit)'),
  ...secretShape(ENV.CLIENT_HASH_SECRET),
  // A reader's code is found by its keyed hash, the only form in which it is stored.
  ...secretShape(ENV.RECEIPT_HASH_SECRET),
  ...optionalSecretShape(ENV.ORIGIN_VERIFY_SECRET),
  // The desk's notice of a reader's added message (no reader text in it). Without
  // SENDER_ADDRESS and DESK_ADDRESS no notice is sent: the message is still in the tip's history.
  [ENV.DESK_ADDRESS]: z.email('must be the desk email address').optional(),
  [ENV.SENDER_ADDRESS]: z.email('must be the sender email address verified in SES').optional(),
  [ENV.SES_ENDPOINT]: optionalUrl,
  [ENV.DESK_ROUTING]: jsonEnv(deskRoutingSchema).optional(),
  // A desk with a key gets its notices encrypted, as its alerts (the notice names the tip and topic).
  [ENV.DESK_PGP_KEYS]: deskKeysSchema.optional(),
  // The notices go through the notifier's flood breaker (in GUARD_TABLE): same window, same limit.
  ...floodConfigShape,
  // Files a reader adds from the follow-up page (issue 12): the uploads intake granted, checked in
  // the same bucket under the same limits. Off without a bucket (files are then refused).
  [ENV.UPLOADS_BUCKET]: bucketName.optional(),
  // Where a file cleaned before the follow-up arrived has its copies tagged attached, as intake
  // does for a tip's; unset, a follow-up's files stay pending.
  [ENV.CLEAN_BUCKET]: bucketName.optional(),
  [ENV.S3_ENDPOINT]: optionalUrl,
  [ENV.MAX_FILE_BYTES]: z.coerce.number().int().positive().default(DEFAULT_MAX_FILE_BYTES),
});

export type ReceiptsConfig = z.infer<typeof receiptsConfigSchema>;
