import * as z from 'zod';
import { jsonEnv } from '#core/alerts/desk-routing';
import { TIP_STATUSES, type TipStatus } from './tip-record';

/**
 * How long a tip is kept, by status, counted from the moment it took that status: a tip
 * dismissed after a year in review is kept 30 days more, not deleted at once. DynamoDB's
 * TTL deletes it once `expiresAt` (epoch seconds) passes; a legal hold removes `expiresAt`,
 * so nothing under hold can expire, and releasing the hold sets it again from that day.
 */
const days = z.number().int().positive().max(36_500);

export const retentionPolicySchema = z.strictObject({
  default: days,
  byStatus: z.partialRecord(z.enum(TIP_STATUSES), days).default({}),
});

export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

/** Dismissed and quarantined tips (mostly noise and spam) go soon; the rest are kept a year. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  default: 365,
  byStatus: { dismissed: 30, quarantined: 7 },
};

export const retentionEnvSchema = jsonEnv(retentionPolicySchema).default(DEFAULT_RETENTION);

const DAY_SECONDS = 86_400;

export function retentionDays(policy: RetentionPolicy, status: TipStatus): number {
  return policy.byStatus[status] ?? policy.default;
}

/**
 * The TTL attribute for a tip in this state: undefined (remove it) under legal hold,
 * otherwise `now` plus the status's retention period.
 */
export function expiresAtFor(
  policy: RetentionPolicy,
  tip: { status: TipStatus; legalHold?: boolean | undefined },
  now: Date,
): number | undefined {
  if (tip.legalHold === true) return undefined;
  return Math.floor(now.getTime() / 1000) + retentionDays(policy, tip.status) * DAY_SECONDS;
}
