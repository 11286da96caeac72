import * as z from 'zod';
import { erasedAttachment } from '#core/attachments/attachment-record';
import { DESK_REPLY_ACTION, READER_MESSAGE_LIMITS } from '#core/receipts/follow-up';
import { DEFAULT_RETENTION, expiresAtFor, type RetentionPolicy } from './retention';
import { MESSAGE_CONTROL } from './text-safety';
import { CONTACT_FIELDS, type HistoryEntry, type TipRecord, type TipStatus } from './tip-record';

/**
 * What an editor can do for a source beyond triage: reply through the receipt page, erase the
 * contact details while keeping the tip, and put the tip under legal hold so retention never
 * deletes it. Each is a field of the staff PATCH; this module plans the change, triage writes it.
 */
export const protectionPatchShape = {
  /** Shown to the reader on their receipt page, with the date; never who wrote it. */
  reply: z
    .string()
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(READER_MESSAGE_LIMITS.min, 'a reply is empty')
        .max(READER_MESSAGE_LIMITS.max, `a reply must be at most ${READER_MESSAGE_LIMITS.max} characters`)
        .refine((s) => !MESSAGE_CONTROL.test(s), 'the reply contains control characters'),
    )
    .optional(),
  /** true removes name, email and phone for good; the history records that, never the values. */
  eraseContact: z
    .literal(true, { error: 'eraseContact can only be true (erasing cannot be undone)' })
    .optional(),
  /**
   * true deletes every attachment's stored copies (clean copy and original) and leaves an
   * "erased" record of each; like eraseContact it cannot be undone and a legal hold does not
   * stop it (erasure protects a source; the hold only stops retention).
   */
  eraseAttachments: z
    .literal(true, { error: 'eraseAttachments can only be true (erasing cannot be undone)' })
    .optional(),
  /** true suspends retention (removes expiresAt); false lifts the hold and retention starts again. */
  legalHold: z.boolean().optional(),
};

export interface ProtectionPatch {
  reply?: string | undefined;
  eraseContact?: true | undefined;
  eraseAttachments?: true | undefined;
  legalHold?: boolean | undefined;
}

export interface ProtectionPlan {
  set: { expiresAt?: number; legalHold?: true; attachments?: TipRecord['attachments'] };
  remove: Array<'expiresAt' | 'legalHold' | (typeof CONTACT_FIELDS)[number]>;
  history: HistoryEntry[];
  /**
   * The attachments whose objects must be deleted before the change is written (objects first:
   * a failure in between leaves records that a retry erases, never a record saying "erased"
   * over a file still stored).
   */
  eraseObjects?: string[];
}

/**
 * The retention and source-protection part of one staff change. `nextStatus` is the status
 * the tip will have after the whole patch: every status change recomputes `expiresAt` (unless
 * the tip is, or is being put, under hold), so the retention period counts from that change.
 */
export function planProtections(
  tip: Pick<TipRecord, 'status' | 'legalHold' | CONTACT_FIELDS_KEY> & Partial<Pick<TipRecord, 'attachments'>>,
  patch: ProtectionPatch,
  {
    by,
    at,
    nextStatus,
    retention = DEFAULT_RETENTION,
  }: { by: string; at: string; nextStatus: TipStatus; retention?: RetentionPolicy | undefined },
): ProtectionPlan {
  const plan: ProtectionPlan = { set: {}, remove: [], history: [] };
  const wasHeld = tip.legalHold === true;
  const held = patch.legalHold ?? wasHeld;

  if (patch.legalHold !== undefined && patch.legalHold !== wasHeld) {
    plan.history.push({
      at,
      by,
      action: 'legal-hold',
      from: wasHeld ? 'on' : 'off',
      to: held ? 'on' : 'off',
    });
  }
  if (held) {
    if (!wasHeld) plan.set.legalHold = true;
    if (!wasHeld) plan.remove.push('expiresAt');
  } else if (wasHeld || nextStatus !== tip.status) {
    // Released from hold, or a status change: the period of the (new) status starts now.
    if (wasHeld) plan.remove.push('legalHold');
    const expiresAt = expiresAtFor(retention, { status: nextStatus }, new Date(at));
    if (expiresAt !== undefined) plan.set.expiresAt = expiresAt;
  }

  if (patch.eraseContact === true) {
    const present = CONTACT_FIELDS.filter((f) => tip[f] !== undefined);
    if (present.length > 0) {
      plan.remove.push(...present);
      // Which kinds of detail were erased, so an editor knows; never the values.
      plan.history.push({ at, by, action: 'contact-erased', note: present.join(',') });
    }
  }

  if (patch.eraseAttachments === true) {
    const all = tip.attachments ?? [];
    const toErase = all.filter((a) => a.cleaning.status !== 'erased').map((a) => a.id);
    if (toErase.length > 0) {
      plan.set.attachments = all.map((a) => (a.cleaning.status === 'erased' ? a : erasedAttachment(a)));
      plan.eraseObjects = toErase;
      // How many and which (by id, as the export names them); never what they were.
      plan.history.push({ at, by, action: 'attachments-erased', note: toErase.join(',') });
    }
  }

  if (patch.reply !== undefined) plan.history.push({ at, by, action: DESK_REPLY_ACTION, note: patch.reply });
  return plan;
}

type CONTACT_FIELDS_KEY = (typeof CONTACT_FIELDS)[number];
