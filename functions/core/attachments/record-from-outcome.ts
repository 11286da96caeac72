import {
  ATTACHMENT_LIMITS,
  type Attachment,
  type AttachmentCleaning,
  attachmentKind,
  attachmentSchema,
  type CleaningStatus,
} from '#core/attachments/attachment-record';
import type { AttachmentOutcome } from '#core/attachments/clean-attachment';

/** What storage knows of a cleaned or stored file besides the cleaner's outcome. */
export interface AttachmentFacts {
  id: string;
  sizeBytes: number;
  uploadedAt: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}

// The record's words are printable ASCII (see ATTACHMENT_LIMITS): anything else a cleaner says
// becomes '?', so a new word never makes the record unwritable.
const bounded = (items: readonly string[], count: number, chars: number) =>
  items
    .slice(0, count)
    .map((s) => s.replace(/[^\x20-\x7e]/g, '?').trim() || '?')
    .map((s) => (s.length > chars ? `${s.slice(0, chars - 3)}...` : s));

/**
 * The record of one file from what the cleaner made of it (`cleanAttachment`): no scanner has
 * looked at it yet, so its scan is `not-scanned` until one reports.
 */
export function attachmentFromOutcome(outcome: AttachmentOutcome, facts: AttachmentFacts): Attachment {
  const status: CleaningStatus = outcome.status === 'inert' ? 'refused-inert' : outcome.status;
  const cleaning: AttachmentCleaning =
    outcome.status === 'cleaned'
      ? {
          status,
          removed: bounded(
            outcome.report.removed,
            ATTACHMENT_LIMITS.removedItems,
            ATTACHMENT_LIMITS.removedItem,
          ),
          ...(outcome.report.notes.length > 0
            ? { notes: bounded(outcome.report.notes, ATTACHMENT_LIMITS.notes, ATTACHMENT_LIMITS.note) }
            : {}),
        }
      : outcome.status === 'not-cleaned'
        ? { status, removed: [], reason: bounded([outcome.reason], 1, ATTACHMENT_LIMITS.reason)[0] as string }
        : {
            status,
            removed: [],
            reason: 'it could run or render in a browser, so it is kept only as a download',
          };
  return attachmentSchema.parse({
    ...facts,
    mime: outcome.type.mime,
    kind: attachmentKind(outcome.type.mime, status),
    cleaning,
    scan: { status: 'not-scanned' },
  });
}
