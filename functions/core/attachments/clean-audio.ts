import { AttachmentCleaningError, type CleanedFile } from '#core/attachments/cleaning-report';
import type { SniffedType } from '#core/attachments/sniff-type';

const latin1 = (bytes: Uint8Array, from: number, length: number) =>
  new TextDecoder('latin1').decode(bytes.subarray(from, from + length));

/** ID3v2 sizes are "syncsafe": 7 bits per byte. */
const syncsafe = (b: Uint8Array, at: number) =>
  (((b[at] ?? 0) & 0x7f) << 21) |
  (((b[at + 1] ?? 0) & 0x7f) << 14) |
  (((b[at + 2] ?? 0) & 0x7f) << 7) |
  ((b[at + 3] ?? 0) & 0x7f);

/**
 * Cleans an MP3 by cutting its tags, which sit outside the audio frames: ID3v2 blocks at the
 * start (artist, title, comments, cover picture, the recorder's software), and at the end an
 * APEv2 tag and an ID3v1 (plus its extended "TAG+") tag. The frames are kept byte for byte.
 * Other audio (Ogg, FLAC, WAV, AAC) keeps its tags inside the stream and is not cleaned yet.
 */
export async function cleanAudio(bytes: Uint8Array, type: SniffedType): Promise<CleanedFile> {
  if (type.mime !== 'audio/mpeg') throw new AttachmentCleaningError(`no cleaner for ${type.ext} audio yet`);
  const removed = new Set<string>();
  let start = 0;
  // Several ID3v2 blocks may follow one another; a footer flag (0x10) adds 10 bytes.
  while (latin1(bytes, start, 3) === 'ID3') {
    const flags = bytes[start + 5] ?? 0;
    start += 10 + syncsafe(bytes, start + 6) + (flags & 0x10 ? 10 : 0);
    removed.add('ID3 tags (artist, title, comments, pictures, software)');
  }
  let end = bytes.length;
  for (let changed = true; changed; ) {
    changed = false;
    if (end - 128 >= start && latin1(bytes, end - 128, 3) === 'TAG') {
      end -= 128;
      if (end - 227 >= start && latin1(bytes, end - 227, 4) === 'TAG+') end -= 227;
      removed.add('ID3v1 tag');
      changed = true;
    }
    if (end - 32 >= start && latin1(bytes, end - 32, 8) === 'APETAGEX') {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const size = view.getUint32(end - 20, true); // items and footer
      const hasHeader = ((bytes[end - 9] ?? 0) & 0x80) !== 0;
      end -= size + (hasHeader ? 32 : 0);
      removed.add('APE tag');
      changed = true;
    }
  }
  if (start >= end) throw new AttachmentCleaningError('the audio holds no sound after its tags');
  // What is left must be audio frames end to end: a tag cut short (its footer lost) is not
  // recognised above, and would otherwise come out "cleaned" with the name inside.
  if (!isFramesOnly(bytes, start, end))
    throw new AttachmentCleaningError('the audio is cut short or holds unknown data');
  return {
    bytes: bytes.slice(start, end),
    mime: 'audio/mpeg',
    report: { removed: [...removed], notes: ['the sound is as sent'] },
  };
}

// MPEG audio Layer III bitrates (kbit/s) by bitrate index, for MPEG-1 and for MPEG-2/2.5.
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** Whether [start, end) is whole Layer III frames, one after another, and nothing else. */
function isFramesOnly(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    if (i + 4 > end || bytes[i] !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
    const version = (b1 >> 3) & 0x03; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    const layer = (b1 >> 1) & 0x03; // 1: Layer III
    const bitrate = (version === 3 ? BITRATES_V1 : BITRATES_V2)[b2 >> 4];
    const rate = SAMPLE_RATES[version]?.[(b2 >> 2) & 0x03];
    if (layer !== 1 || !bitrate || !rate) return false;
    const length = Math.floor(((version === 3 ? 144 : 72) * bitrate * 1000) / rate) + ((b2 >> 1) & 0x01);
    i += length;
  }
  return i === end;
}
