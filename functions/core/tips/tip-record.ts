import type { TipKind, TipTopic } from './tip-schema';

export const TIP_STATUSES = [
  'new',
  'in-review',
  'followed-up',
  'published',
  'dismissed',
  'quarantined',
] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

export interface HistoryEntry {
  at: string;
  /** `reader`, `system`, or the staff member's user name. */
  by: string;
  action: string;
  from?: string;
  to?: string;
  note?: string;
  reason?: string;
}

/** A tip as stored: one DynamoDB item; its history lives inside it (dynalite has no transactions). */
export interface TipRecord {
  id: string;
  receipt: string;
  createdAt: string;
  kind: TipKind;
  topic: TipTopic;
  subject?: string;
  message: string;
  name?: string;
  email?: string;
  phone?: string;
  anonymous: boolean;
  sourceUrl?: string;
  status: TipStatus;
  /** Why a tip was quarantined (honeypot, too fast, duplicate...), so an editor can judge a release. */
  quarantineReason?: string;
  assignee?: string;
  tags?: string[];
  version: number;
  history: HistoryEntry[];
  /** Set once, conditionally, when the desk alert went out: an alert is never sent twice. */
  alertedAt?: string;
  /** Epoch seconds: DynamoDB TTL removes the tip after its retention period. */
  expiresAt?: number;
  /** Under legal hold: retention is suspended (no expiresAt) until an editor lifts it. */
  legalHold?: boolean;
}

/** Contact fields: erased on request, never logged. */
export const CONTACT_FIELDS = ['name', 'email', 'phone'] as const;
