import * as z from 'zod';
import { ConversationFullError, NotFoundError, TipTooLargeError, ValidationError } from '#core/http/errors';
import { TIP_BUDGET_BYTES } from '#core/tips/item-size';
import { normaliseReceiptCode } from '#core/tips/receipt-code';
import { MESSAGE_TEXT, MESSAGE_TEXT_PROBLEM } from '#core/tips/text-safety';
import type { HistoryEntry, TipStatus } from '#core/tips/tip-record';
import { fieldIssues, tipSubmissionSchema } from '#core/tips/tip-schema';
import type { MarkAttached } from '#core/uploads/attached-tag';
import type { AttachmentClaims } from '#core/uploads/attachment-claims';
import { pendingAttachment } from '#core/uploads/pending-attachment';
import { type UploadLimits, uploadLimits } from '#core/uploads/upload-limits';
import type { VerifyUploads } from '#core/uploads/verify-uploads';
import type { ReaderStatus, ReceiptAnswer } from './receipt-answer';
import type { ReaderFiles, ReceiptStore, ReceiptView } from './receipt-store';

/**
 * A reader's follow-up by receipt code, without an account. The code is the only secret, so
 * what it shows is kept to what helps the reader and harms no one if the code leaks: the
 * status in plain words and the replies the desk chose to send. The reader's own words (the
 * tip, their added messages) are never echoed back, and nor is anything about the editors.
 */

/** History actions the follow-up writes and reads. Staff replies are written by triage. */
export const READER_MESSAGE_ACTION = 'reader-message';
/** A reader added files from the follow-up page; the note says how many, never their names. */
export const READER_FILES_ACTION = 'reader-files';
export const DESK_REPLY_ACTION = 'reply';

/** A quarantined tip reads as received: a bot checking its receipt learns nothing. */
export const READER_STATUS: Record<TipStatus, ReaderStatus> = {
  new: 'received',
  quarantined: 'received',
  'in-review': 'being looked at',
  'followed-up': 'closed',
  published: 'closed',
  dismissed: 'closed',
};

const EXPLANATION: Record<ReaderStatus, string> = {
  received: 'Your message reached the desk and is waiting to be read.',
  'being looked at': 'An editor is looking at your message.',
  closed: 'The desk has finished with your message. Thank you for sending it.',
};

/** `code` is the one the reader sent (normalised): the tip does not hold it. */
export function readerAnswer(tip: ReceiptView, code: string): ReceiptAnswer {
  const status = READER_STATUS[tip.status] ?? 'received';
  return {
    receipt: normaliseReceiptCode(code),
    kind: tip.kind,
    status,
    explanation: EXPLANATION[status],
    receivedOn: tip.createdAt.slice(0, 10),
    replies: tip.history
      .filter((h) => h.action === DESK_REPLY_ACTION && h.note !== undefined)
      .map((h) => ({ at: h.at, message: h.note as string })),
    messagesAdded: tip.history.filter((h) => h.action === READER_MESSAGE_ACTION).length,
  };
}

export const READER_MESSAGE_LIMITS = { min: 2, max: 5_000 } as const;
/** History entries a tip may hold before reader messages are refused (items are capped at 400 KB). */
export const MAX_HISTORY = 60;

const readerMessageText = z
  .string({ error: 'write your message' })
  .transform((s) => s.replace(/\r\n?/g, '\n').trim())
  .pipe(
    z
      .string()
      .min(READER_MESSAGE_LIMITS.min, `the message must be at least ${READER_MESSAGE_LIMITS.min} characters`)
      .max(READER_MESSAGE_LIMITS.max, `the message must be at most ${READER_MESSAGE_LIMITS.max} characters`)
      .regex(MESSAGE_TEXT, MESSAGE_TEXT_PROBLEM),
  );

/**
 * POST /receipts/{code}/messages: a message, files (the upload ids of the same POST /uploads path
 * the form uses, with their submission nonce), or both. The files' fields are the tip schema's own.
 */
export const readerMessageSchema = z
  .strictObject({
    message: readerMessageText.optional(),
    submission: tipSubmissionSchema.shape.submission,
    attachments: tipSubmissionSchema.shape.attachments,
  })
  .superRefine((body, ctx) => {
    const files = body.attachments?.length ?? 0;
    if (body.message === undefined && files === 0) {
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'write your message' });
    }
    if (files > 0 && body.submission === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['attachments'],
        message: 'attachments need the submission they were uploaded for',
      });
    }
  });

export type ReaderMessage = z.output<typeof readerMessageSchema>;

export interface FollowUpDeps {
  receipts: ReceiptStore;
  clock?: () => Date;
  /**
   * Tells the desk a reader added a message (reader-message-notice.ts). Best effort: the
   * message is stored first and the reader gets 201 even if the notice fails (`onNoticeFailed`);
   * the desk still sees it in the tip's history.
   */
  notifyDesk?: (tip: ReceiptView) => Promise<unknown>;
  onNoticeFailed?: (err: unknown) => void;
  /** Checks a follow-up's upload ids as intake checks a tip's; without it files are refused (400). */
  verifyUploads?: VerifyUploads;
  /** The tip's file limits (upload-limits.ts), counted with the files it has already. */
  uploadLimits?: UploadLimits;
  /**
   * Where a follow-up's files meet the cleaner, as a new tip's do (submit-tip.ts): each is claimed
   * for the tip at its place in the list; one the cleaner finished already gets its record now.
   * Without it the files stay pending.
   */
  attachmentClaims?: { claims: AttachmentClaims; markAttached: MarkAttached };
}

/** A wrong code and a missing one are the same answer: the same error, the same message. */
const noSuchReceipt = () => new NotFoundError('no such receipt');

export function makeFollowUp({
  receipts,
  clock = () => new Date(),
  notifyDesk,
  onNoticeFailed,
  verifyUploads,
  uploadLimits: limits = uploadLimits(),
  attachmentClaims,
}: FollowUpDeps) {
  /**
   * Claims each file for the tip at its place (after the `seen` records it has), before the
   * write, as intake does; the claims taken are listed in `taken` to be given back if the write
   * fails. A file the cleaner finished already is recorded as its result, its copy tagged attached.
   */
  async function claimFiles(tipId: string, files: ReaderFiles, taken: string[]): Promise<void> {
    if (!attachmentClaims) return;
    const { claims, markAttached } = attachmentClaims;
    const outcomes = await Promise.allSettled(
      files.attachments.map(async (record, i) => {
        const outcome = await claims.attach(record.id, tipId, files.seen + i);
        if (outcome.ok) taken.push(record.id);
        return outcome;
      }),
    );
    const issues: { path: string; message: string }[] = [];
    for (const [i, settled] of outcomes.entries()) {
      if (settled.status === 'rejected') throw settled.reason;
      if (!settled.value.ok)
        issues.push({ path: `attachments.${i}`, message: 'already sent with another tip' });
    }
    if (issues.length > 0) throw new ValidationError(issues);
    for (const [i, settled] of outcomes.entries()) {
      const claim = settled.status === 'fulfilled' && settled.value.ok ? settled.value.claim : undefined;
      if (!claim?.result) continue;
      await markAttached(claim.result.id, { keptOriginal: claim.keptOriginal === true });
      files.attachments[i] = claim.result;
    }
  }

  /** The follow-up's files, checked, as pending records within what the tip may still take. */
  async function checkedFiles(
    tip: ReceiptView,
    message: ReaderMessage,
    now: Date,
  ): Promise<ReaderFiles | undefined> {
    const ids = message.attachments ?? [];
    if (ids.length === 0) return undefined;
    if (!verifyUploads) {
      throw new ValidationError([{ path: 'attachments', message: 'this tip line does not take files' }]);
    }
    const verified = await verifyUploads(ids, message.submission as string);
    const existing = await receipts.attachmentsOf(tip.id);
    // A retry after a lost answer names the same uploads again: each object is attached once.
    const attached = new Set(existing.map((a) => a.id));
    const again = verified.flatMap((u, i) =>
      attached.has(pendingAttachment(u, now).id)
        ? [{ path: `attachments.${i}`, message: 'already attached to this tip' }]
        : [],
    );
    if (again.length > 0) throw new ValidationError(again);
    const had = existing.reduce((sum, a) => sum + a.sizeBytes, 0);
    const adding = verified.reduce((sum, u) => sum + u.bytes, 0);
    if (existing.length + verified.length > limits.maxFiles) {
      const left = Math.max(0, limits.maxFiles - existing.length);
      throw new ValidationError([
        {
          path: 'attachments',
          message: `at most ${limits.maxFiles} files per tip: this one can take ${left} more`,
        },
      ]);
    }
    if (had + adding > limits.maxTotalBytes) {
      throw new ValidationError([
        { path: 'attachments', message: `at most ${limits.maxTotalBytes} bytes per tip together` },
      ]);
    }
    return { attachments: verified.map((u) => pendingAttachment(u, now)), seen: existing.length };
  }

  /** The files of a follow-up that was not stored are free again, for its retry or another tip. */
  async function releaseClaims(tipId: string, taken: string[]): Promise<void> {
    if (!attachmentClaims || taken.length === 0) return;
    await Promise.all(taken.map((id) => attachmentClaims.claims.release(id, tipId)));
  }

  return {
    async check(code: string): Promise<ReceiptAnswer> {
      const tip = await receipts.findByReceipt(code);
      if (!tip) throw noSuchReceipt();
      return readerAnswer(tip, code);
    },

    /** Adds the reader's message to the tip's history; the desk sees it in the tip. */
    async addMessage(code: string, body: unknown): Promise<ReceiptAnswer> {
      // The code is looked up first, so a wrong code with a bad body still reads as not found.
      const tip = await receipts.findByReceipt(code);
      if (!tip) throw noSuchReceipt();
      const parsed = readerMessageSchema.safeParse(body);
      if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
      const now = clock();
      const at = now.toISOString();
      const files = await checkedFiles(tip, parsed.data, now);
      const entries: HistoryEntry[] = [
        ...(parsed.data.message !== undefined
          ? [{ at, by: 'reader', action: READER_MESSAGE_ACTION, note: parsed.data.message }]
          : []),
        ...(files
          ? [
              {
                at,
                by: 'reader',
                action: READER_FILES_ACTION,
                note: `${files.attachments.length} file${files.attachments.length === 1 ? '' : 's'} added`,
              },
            ]
          : []),
      ];
      const taken: string[] = [];
      let outcome: Awaited<ReturnType<ReceiptStore['appendReaderEntry']>>;
      try {
        if (files) await claimFiles(tip.id, files, taken);
        outcome = await receipts.appendReaderEntry(
          code,
          tip,
          entries,
          { maxHistory: MAX_HISTORY, maxBytes: TIP_BUDGET_BYTES },
          files,
        );
      } catch (err) {
        await releaseClaims(tip.id, taken);
        throw err;
      }
      if (outcome !== 'appended') await releaseClaims(tip.id, taken);
      if (outcome === 'full') throw new ConversationFullError();
      if (outcome === 'too-large') throw new TipTooLargeError(TIP_BUDGET_BYTES);
      if (outcome === 'files-changed') {
        throw new ValidationError([
          {
            path: 'attachments',
            message: 'other files were added to this tip at the same moment: send again',
          },
        ]);
      }
      // A quarantined tip is never alerted, and its follow-up does not reach the desk's inbox either.
      if (notifyDesk && tip.status !== 'quarantined') {
        await notifyDesk(tip).catch((err: unknown) => onNoticeFailed?.(err));
      }
      return readerAnswer({ ...tip, history: [...tip.history, ...entries] }, code);
    },
  };
}

export type FollowUp = ReturnType<typeof makeFollowUp>;
