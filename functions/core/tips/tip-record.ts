// Namespace import: esbuild then drops zod's unused locales (see tip-schema.ts).
import * as z from 'zod';
import { attachmentListSchema } from '#core/attachments/attachment-record';
import { TIP_KINDS, TIP_TOPICS } from './tip-schema';

export const TIP_STATUSES = [
  'new',
  'in-review',
  'followed-up',
  'published',
  'dismissed',
  'quarantined',
] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

export const historyEntrySchema = z.object({
  at: z.iso.datetime(),
  by: z.string().describe("`reader`, `system`, or the staff member's user name"),
  action: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  note: z.string().optional(),
  reason: z.string().optional(),
  attachment: z
    .string()
    .optional()
    .describe('The attachment id a `download` or `download-original` entry is about'),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/**
 * A tip as stored (one DynamoDB item; its history lives inside it: dynalite has no
 * transactions) and as GET and PATCH /tips/{id} answer with it. Its receipt code is not part of
 * it: the item holds only the code's keyed hash, as a receipt-index key (receipt-key.ts).
 */
export const tipRecordSchema = z.object({
  id: z.string().describe('ULID'),
  createdAt: z.iso.datetime(),
  kind: z.enum(TIP_KINDS),
  topic: z.enum(TIP_TOPICS),
  subject: z.string().optional(),
  message: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  anonymous: z.boolean(),
  sourceUrl: z.string().optional(),
  status: z.enum(TIP_STATUSES),
  quarantineReason: z
    .string()
    .optional()
    .describe(
      'Why a tip was quarantined (honeypot, too fast, duplicate...), so an editor can judge a release',
    ),
  assignee: z.string().optional(),
  tags: z.array(z.string()).optional(),
  version: z.int().min(1),
  history: z.array(historyEntrySchema),
  alertedAt: z.iso
    .datetime()
    .optional()
    .describe('Set once, conditionally, when the desk alert went out: an alert is never sent twice'),
  expiresAt: z
    .int()
    .optional()
    .describe('Epoch seconds: DynamoDB TTL removes the tip after its retention period'),
  legalHold: z
    .boolean()
    .optional()
    .describe('Under legal hold: retention is suspended (no expiresAt) until an editor lifts it'),
  attachments: attachmentListSchema.optional(),
});
export type TipRecord = z.infer<typeof tipRecordSchema>;

/** Contact fields: erased on request, never logged. */
export const CONTACT_FIELDS = ['name', 'email', 'phone'] as const;
