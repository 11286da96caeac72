import { ATTACHMENT_LIMITS, type Attachment } from '#core/attachments/attachment-record';

/** A stored attachment record as the cleaner would write it; `over` replaces any part. */
export function attachmentRecord(over: Partial<Attachment> & Pick<Attachment, 'id'>): Attachment {
  return {
    mime: 'image/jpeg',
    kind: 'photo',
    sizeBytes: 1_234_567,
    width: 4032,
    height: 3024,
    cleaning: { status: 'cleaned', removed: ['GPS position', 'camera serial number'] },
    scan: { status: 'not-scanned' },
    uploadedAt: '2026-11-14T09:30:00.000Z',
    ...over,
  };
}

/** Two photos, a video, a PDF that could not be cleaned: what a reader in a war zone sends. */
export function typicalAttachments(): Attachment[] {
  return [
    attachmentRecord({ id: 'att-photo-1' }),
    attachmentRecord({
      id: 'att-photo-2',
      mime: 'image/png',
      sizeBytes: 845_000,
      width: 1170,
      height: 2532,
      cleaning: { status: 'cleaned', removed: ['comment', 'creator software'] },
    }),
    attachmentRecord({
      id: 'att-video-1',
      mime: 'video/mp4',
      kind: 'video',
      sizeBytes: 48_200_000,
      width: 1920,
      height: 1080,
      durationSeconds: 42,
      cleaning: { status: 'cleaned', removed: ['GPS position', 'camera model'] },
    }),
    attachmentRecord({
      id: 'att-doc-1',
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      kind: 'document',
      sizeBytes: 31_000,
      cleaning: {
        status: 'not-cleaned',
        removed: [],
        reason: 'Tipline cannot clean this type of file',
      },
    }),
  ];
}

/** The largest record the schema admits (every list full, every string at its limit). */
export function largestAttachment(n: number): Attachment {
  const text = (chars: number) => 'w'.repeat(chars);
  return {
    id: `${n}`.padStart(ATTACHMENT_LIMITS.id, 'x'),
    mime: `application/${'x'.repeat(ATTACHMENT_LIMITS.mime - 'application/'.length)}`,
    kind: 'document',
    sizeBytes: Number.MAX_SAFE_INTEGER,
    width: Number.MAX_SAFE_INTEGER,
    height: Number.MAX_SAFE_INTEGER,
    durationSeconds: 999_999_999.999_999,
    cleaning: {
      status: 'not-cleaned',
      removed: Array.from({ length: ATTACHMENT_LIMITS.removedItems }, () =>
        text(ATTACHMENT_LIMITS.removedItem),
      ),
      notes: Array.from({ length: ATTACHMENT_LIMITS.notes }, () => text(ATTACHMENT_LIMITS.note)),
      reason: text(ATTACHMENT_LIMITS.reason),
    },
    scan: { status: 'not-scanned' },
    uploadedAt: '2026-11-14T09:30:00.000Z',
  };
}
