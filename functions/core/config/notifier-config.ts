import * as z from 'zod';
import { deskRoutingSchema, jsonEnv } from '#core/alerts/desk-routing';
import { deskKeysSchema } from '#core/alerts/pgp-alert';
import { ENV } from './env-names';
import { optionalUrl, storeConfigShape } from './store-config';

/**
 * The flood breaker's defaults: over 60 emails in 5 minutes become one digest per desk. 60 is
 * above what one client can cause alone at the default limits (alerts/flood-budget.ts: 30
 * submits + 20 receipt requests in one window), so one script cannot trip it; infra refuses a
 * configuration where it could.
 */
export const FLOOD_DEFAULTS = { maxAlerts: 60, windowSeconds: 300 } as const;

/** The breaker's window and limit: read by the notifier and, for reader-message notices, receipts. */
export const floodConfigShape = {
  [ENV.FLOOD_MAX_ALERTS]: z.coerce.number().int().positive().default(FLOOD_DEFAULTS.maxAlerts),
  [ENV.FLOOD_WINDOW_SECONDS]: z.coerce.number().int().positive().default(FLOOD_DEFAULTS.windowSeconds),
};

export const notifierConfigSchema = z.object({
  ...storeConfigShape,
  [ENV.DESK_ADDRESS]: z.email('must be the desk email address'),
  [ENV.SENDER_ADDRESS]: z.email('must be the sender email address verified in SES'),
  [ENV.SES_ENDPOINT]: optionalUrl,
  [ENV.DESK_ROUTING]: jsonEnv(deskRoutingSchema).optional(),
  [ENV.DESK_PGP_KEYS]: deskKeysSchema.optional(),
  /** Without it: no flood breaker and no dead-lettering by the notifier (the stream's own DLQ only). */
  [ENV.GUARD_TABLE]: z.string().min(3).optional(),
  /** The staff inbox (e.g. https://inbox.example/staff): flood digests link each tip there. */
  [ENV.STAFF_INBOX_URL]: optionalUrl,
  ...floodConfigShape,
  [ENV.ALERT_MAX_ATTEMPTS]: z.coerce.number().int().positive().default(4),
  [ENV.ALERT_DLQ_URL]: optionalUrl,
});

export type NotifierConfig = z.infer<typeof notifierConfigSchema>;
