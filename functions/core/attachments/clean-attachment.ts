import { type AttachmentClass, classifyType } from '#core/attachments/classify-type';
import { cleanAudio } from '#core/attachments/clean-audio';
import { cleanImage } from '#core/attachments/clean-image';
import { cleanMedia } from '#core/attachments/clean-media';
import { cleanPdf } from '#core/attachments/clean-pdf';
import {
  AttachmentCleaningError,
  type CleanedFile,
  type CleaningReport,
} from '#core/attachments/cleaning-report';
import { type SniffedType, sniffType } from '#core/attachments/sniff-type';

/**
 * What becomes of one uploaded file:
 * - `cleaned`: the clean copy is what staff see; the report says what was removed;
 * - `not-cleaned`: stored as received and shown with a warning (`reason` in plain words);
 * - `inert`: may run or render in a browser (executables, HTML, SVG): never shown, at most a download.
 */
export type AttachmentOutcome =
  | { status: 'cleaned'; type: SniffedType; kind: AttachmentClass; bytes: Uint8Array; report: CleaningReport }
  | { status: 'not-cleaned'; type: SniffedType; kind: AttachmentClass; reason: string }
  | { status: 'inert'; type: SniffedType; kind: AttachmentClass };

const CLEANERS: Partial<
  Record<AttachmentClass, (bytes: Uint8Array, type: SniffedType) => Promise<CleanedFile>>
> = {
  image: cleanImage,
  pdf: cleanPdf,
  media: cleanMedia,
  audio: cleanAudio,
};

/** Sniffs a file by its bytes, then cleans it if a cleaner for its type exists. */
export async function cleanAttachment(bytes: Uint8Array): Promise<AttachmentOutcome> {
  const type = await sniffType(bytes);
  const kind = classifyType(type);
  if (kind === 'inert') return { status: 'inert', type, kind };
  const cleaner = CLEANERS[kind];
  if (!cleaner)
    return { status: 'not-cleaned', type, kind, reason: 'Tipline cannot clean this type of file' };
  let cleaned: CleanedFile;
  try {
    cleaned = await cleaner(bytes, type);
  } catch (err) {
    if (!(err instanceof AttachmentCleaningError)) throw err;
    return { status: 'not-cleaned', type, kind, reason: `${err.message}, so it is stored as received` };
  }
  // The copy is sniffed again: what staff are served must be what the cleaner meant to write.
  const cleanType = await sniffType(cleaned.bytes);
  if (cleanType.mime !== cleaned.mime)
    throw new Error(`cleaner wrote ${cleanType.mime}, not ${cleaned.mime}`);
  return { status: 'cleaned', type: cleanType, kind, bytes: cleaned.bytes, report: cleaned.report };
}
