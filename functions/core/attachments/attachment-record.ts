// Namespace import: esbuild then drops zod's unused locales (see tip-schema.ts).
import * as z from 'zod';

// Pure (zod only, and no import of the cleaners, not even a type: the browser code's type check
// would pull them in): the tip record, the staff API's OpenAPI document and, for its types, the
// inbox's browser code all read it.

/**
 * The most attachments one tip may carry: the contract's ceiling, and what the tip's size
 * budget reserves room for (item-size.ts). An upload limit from config may be lower, never higher.
 */
export const MAX_ATTACHMENTS_PER_TIP = 10;

/** What staff are told a file is, by its sniffed type: what the alert counts and the inbox shows. */
export const ATTACHMENT_KINDS = ['photo', 'video', 'audio', 'document', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * `pending`: intake stored the tip with the upload checked (present, this submission's, within
 * limits) but the cleaner has not read it yet: its type is not known (`application/octet-stream`,
 * kind `other`) and staff are told it is being cleaned.
 * `erased`: an editor erased the tip's attachments (the staff PATCH's `eraseAttachments`): the
 * clean copy and any original are deleted from storage and the record keeps only the id and
 * when it arrived, like a pending one (no type, size 0), so every view says "erased".
 */
export const CLEANING_STATUSES = ['pending', 'cleaned', 'not-cleaned', 'refused-inert', 'erased'] as const;
/** The type of a file nobody has sniffed yet: a pending record says no more than this. */
export const UNSNIFFED_MIME = 'application/octet-stream';
export type CleaningStatus = (typeof CLEANING_STATUSES)[number];

/** `not-scanned` wherever no scanner runs (always locally): the inbox never pretends a file was scanned. */
export const SCAN_STATUSES = ['not-scanned', 'pending', 'clean', 'infected'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/**
 * Bounds on every string and list, so ten attachments of the largest shape this schema admits
 * fit the room the tip's size budget keeps for them (ATTACHMENTS_HEADROOM_BYTES, item-size.ts).
 */
export const ATTACHMENT_LIMITS = {
  id: 64,
  mime: 100,
  removedItems: 16,
  removedItem: 40,
  notes: 3,
  note: 100,
  reason: 160,
} as const;

// A media type as the sniffer names one (`audio/ogg; codecs=opus` included): nothing a page could
// read as markup gets in through a valid record.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(; ?[a-z0-9_.-]+=[a-z0-9_.-]+)?$/i;

// The cleaner's own words, in English: printable ASCII, one byte a character, so the bounds
// above are bytes too; a control character or a line break never reaches a page or an email.
const words = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x20-\x7e]+$/, 'plain printable text');

export const attachmentCleaningSchema = z.object({
  status: z.enum(CLEANING_STATUSES),
  removed: z
    .array(words(ATTACHMENT_LIMITS.removedItem))
    .max(ATTACHMENT_LIMITS.removedItems)
    .describe(
      'What the cleaner found and removed, in words ("GPS position", "camera serial number"), never the values; empty unless cleaned',
    ),
  notes: z
    .array(words(ATTACHMENT_LIMITS.note))
    .max(ATTACHMENT_LIMITS.notes)
    .optional()
    .describe('What was done besides ("orientation applied") and what the cleaner knowingly left'),
  reason: words(ATTACHMENT_LIMITS.reason)
    .optional()
    .describe('Why a file is not cleaned, in plain words: shown to staff as a warning'),
});
export type AttachmentCleaning = z.infer<typeof attachmentCleaningSchema>;

/**
 * One file a reader sent with a tip, as data: what it is (by its bytes), how big, what cleaning
 * and scanning made of it. Never the reader's file name: `IMG_20261114_Kherson.jpg` or
 * `Ivanova-draft.pdf` can name the place or the person, and staff identify a file by its `id`.
 * The file's bytes live in storage under that id, never in the tip.
 */
export const attachmentSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'an attachment id is letters, digits, - and _')
    .max(ATTACHMENT_LIMITS.id)
    .describe('The upload id: the file in storage, never derived from its name'),
  mime: z
    .string()
    .max(ATTACHMENT_LIMITS.mime)
    .regex(MIME, 'a media type such as image/jpeg')
    .describe('The type sniffed from the bytes (of the clean copy when cleaned), never the declared one'),
  kind: z.enum(ATTACHMENT_KINDS),
  sizeBytes: z.int().min(0).describe('Of the copy staff get (the clean one when cleaned)'),
  width: z.int().min(1).optional().describe('Pixels, for a photo or video whose size is known'),
  height: z.int().min(1).optional(),
  durationSeconds: z
    .number()
    .min(0)
    .max(1e9)
    .optional()
    .describe('For a video or audio file whose length is known'),
  cleaning: attachmentCleaningSchema,
  scan: z.object({ status: z.enum(SCAN_STATUSES) }),
  uploadedAt: z.iso.datetime(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const attachmentListSchema = z
  .array(attachmentSchema)
  .max(MAX_ATTACHMENTS_PER_TIP)
  .describe(`The files sent with the tip, at most ${MAX_ATTACHMENTS_PER_TIP}; absent on tips without any`);

const KIND_BY_TOP_TYPE: Partial<Record<string, AttachmentKind>> = {
  image: 'photo',
  video: 'video',
  audio: 'audio',
};

const DOCUMENTS =
  /^(application\/(pdf|rtf|msword|vnd\.ms-|vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.|epub)|text\/(plain|csv))/;

/**
 * The kind staff see, from the sniffed type. A file refused as inert (an SVG, an HTML page
 * called `.jpg`) is `other` whatever its type says: never counted or shown as a photo.
 */
/**
 * What is left of an attachment once erased: its id (the history and the export name files by
 * it) and when it arrived; nothing of what the file was (type, size, dimensions, the cleaning
 * report), since an editor erases a file because even that could point at the source.
 */
export function erasedAttachment(a: Pick<Attachment, 'id' | 'uploadedAt' | 'scan'>): Attachment {
  return {
    id: a.id,
    mime: UNSNIFFED_MIME,
    kind: 'other',
    sizeBytes: 0,
    cleaning: { status: 'erased', removed: [] },
    scan: a.scan,
    uploadedAt: a.uploadedAt,
  };
}

export function attachmentKind(mime: string, cleaning: CleaningStatus): AttachmentKind {
  if (cleaning === 'refused-inert') return 'other';
  const top = mime.split('/')[0] ?? '';
  return KIND_BY_TOP_TYPE[top] ?? (DOCUMENTS.test(mime) ? 'document' : 'other');
}
