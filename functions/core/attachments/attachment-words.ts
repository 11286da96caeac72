import type { Attachment, AttachmentKind } from '#core/attachments/attachment-record';

// Pure, no zod: the desk alert, the digest and the inbox's browser code say the same words.

const KIND_WORDS: Record<AttachmentKind, [one: string, many: string]> = {
  photo: ['photo', 'photos'],
  video: ['video', 'videos'],
  audio: ['audio file', 'audio files'],
  document: ['document', 'documents'],
  other: ['other file', 'other files'],
};

const KIND_ORDER: AttachmentKind[] = ['photo', 'video', 'audio', 'document', 'other'];

const counted = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`;

/**
 * "3 attachments (2 photos, 1 video)": how many files, by kind, and nothing else: no name, no
 * type string, no size. Undefined for a tip without attachments.
 */
export function attachmentCountLine(
  attachments: readonly (Pick<Attachment, 'kind'> & { cleaning?: { status: string } })[] | undefined,
): string | undefined {
  if (!attachments || attachments.length === 0) return undefined;
  const byKind = new Map<AttachmentKind, number>();
  let beingCleaned = 0;
  let erased = 0;
  // A kind this code does not know (a record from a newer writer) is counted as other.
  for (const a of attachments) {
    // Not read yet: its kind is not known, so it is counted as what it is, a file being cleaned.
    if (a.cleaning?.status === 'pending') {
      beingCleaned += 1;
      continue;
    }
    // Erased by an editor: nothing of the file is left, not even its kind.
    if (a.cleaning?.status === 'erased') {
      erased += 1;
      continue;
    }
    const kind = KIND_ORDER.includes(a.kind) ? a.kind : 'other';
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const parts = KIND_ORDER.filter((k) => byKind.has(k)).map((k) =>
    counted(byKind.get(k) ?? 0, KIND_WORDS[k]),
  );
  if (beingCleaned > 0) parts.push(`${beingCleaned} being cleaned`);
  if (erased > 0) parts.push(`${erased} erased`);
  return `${counted(attachments.length, ['attachment', 'attachments'])} (${parts.join(', ')})`;
}

const UNITS = ['KB', 'MB', 'GB'];

/** A size as staff read it: 812 bytes, 1.2 MB (decimal units, as file managers show them). */
export function sizeWords(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  let value = bytes;
  let unit = 'bytes';
  for (const u of UNITS) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** A length as staff read it: 0:42, 12:05, 1:02:09. */
export function durationWords(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
