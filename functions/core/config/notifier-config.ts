import * as z from 'zod';
import { deskRoutingSchema, jsonEnv } from '#core/alerts/desk-routing';
import { deskKeysSchema } from '#core/alerts/pgp-alert';
import { ENV } from './env-names';
import { optionalUrl, storeConfigShape } from './store-config';

export const notifierConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.DESK_ADDRESS]: z.email('must be the desk email address'),
  [ENV.SENDER_ADDRESS]: z.email('must be the sender email address verified in SES'),
  [ENV.SES_ENDPOINT]: optionalUrl,
  [ENV.DESK_ROUTING]: jsonEnv(deskRoutingSchema).optional(),
  [ENV.DESK_PGP_KEYS]: deskKeysSchema.optional(),
  /** Without it: no flood breaker and no dead-lettering by the notifier (the stream's own DLQ only). */
  [ENV.GUARD_TABLE]: z.string().min(3).optional(),
  [ENV.FLOOD_MAX_ALERTS]: z.coerce.number().int().positive().default(20),
  [ENV.FLOOD_WINDOW_SECONDS]: z.coerce.number().int().positive().default(300),
  [ENV.ALERT_MAX_ATTEMPTS]: z.coerce.number().int().positive().default(4),
  [ENV.ALERT_DLQ_URL]: optionalUrl,
});

export type NotifierConfig = z.infer<typeof notifierConfigSchema>;
