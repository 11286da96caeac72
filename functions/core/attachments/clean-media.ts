import { type Box, createFile, Log, MP4BoxBuffer } from 'mp4box';
import { AttachmentCleaningError, type CleanedFile, uniqueItems } from '#core/attachments/cleaning-report';
import type { SniffedType } from '#core/attachments/sniff-type';

// mp4box logs to the console, not as JSON; its debug, info and warnings are of no use here.
Log.setLogLevel(Log.error);

/** Boxes that hold metadata and nothing a player needs, wherever they sit (file, movie, track). */
const METADATA_BOXES = new Set(['udta', 'meta', 'uuid']);
/** Where those are removed; not inside fragments (moof), where a `uuid` box may be needed to play. */
const METADATA_PARENTS = new Set(['file', 'moov', 'trak']);
/** Boxes whose creation and modification times are zeroed. */
const DATED_BOXES = new Set(['mvhd', 'tkhd', 'mdhd']);

/** What the report calls what a removed box held, by the atom or key names inside it. */
const MARKERS: [RegExp, string][] = [
  [/©xyz|loci|location|ISO6709/i, 'GPS position'],
  [/CAME|serial/i, 'camera serial number'],
  [/©ART|©aut|auth|artist|author|©wrt|owner/i, 'author name'],
  [/©mak|©mod|\bmake|model/i, 'camera make and model'],
  [/©too|©swr|encoder|software/i, 'creator software'],
  [/©cmt|comment|©des|description/i, 'comment'],
  [/©day|creationdate/i, 'creation date'],
  [/x:xmpmeta|xpacket/, 'XMP'],
];

/**
 * Cleans an MP4, MOV or M4A in place: mp4box parses the box tree, and every user-data (`udta`),
 * metadata (`meta`) and vendor (`uuid`, where XMP lives) box of the file, the movie or a track
 * is turned into a `free` box of the same size with its contents zeroed. Players skip `free`
 * boxes, and since nothing moves, the sample offsets stay right without rewriting the file.
 * Creation and modification times in the movie, track and media headers are zeroed, and so
 * are track handler names. Left: the media itself (frames and sound, and any timed metadata
 * track inside it, such as a GoPro's GPS telemetry) and the encoder's name in the sample
 * description.
 */
export async function cleanMedia(bytes: Uint8Array, type: SniffedType): Promise<CleanedFile> {
  const out = Uint8Array.from(bytes);
  const boxes = parseBoxes(out);
  const removed: string[] = [];
  const visit = (box: Box, parent: string): void => {
    if (METADATA_BOXES.has(box.type) && METADATA_PARENTS.has(parent)) {
      removed.push(...describe(out, box));
      blank(out, box);
      return;
    }
    if (DATED_BOXES.has(box.type) && zeroDates(out, box)) removed.push('creation date');
    if (box.type === 'hdlr' && zeroHandlerName(out, box)) removed.push('track names');
    for (const child of box.boxes ?? []) visit(child, box.type);
  };
  for (const box of boxes) visit(box, 'file');
  return {
    bytes: out,
    mime: type.mime,
    report: { removed: uniqueItems(removed), notes: ['the picture and sound are as sent'] },
  };
}

function parseBoxes(bytes: Uint8Array): Box[] {
  const file = createFile();
  const copy = bytes.slice().buffer;
  try {
    withoutConsoleErrors(() => {
      file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0));
      file.flush();
    });
  } catch (err) {
    throw new AttachmentCleaningError('the video cannot be read', { cause: err });
  }
  if (!file.boxes.some((b) => b.type === 'moov'))
    throw new AttachmentCleaningError('the video cannot be read');
  // mp4box leaves out a box cut short, which would then not be blanked: a file cut inside its
  // XMP box came out "cleaned" with the name in it. The boxes must cover the file end to end.
  let end = 0;
  for (const box of file.boxes) {
    if (box.start !== end) break;
    end += box.size ?? 0;
  }
  if (end !== bytes.length) throw new AttachmentCleaningError('the video is truncated');
  return file.boxes;
}

/**
 * mp4box prints a plain-text line to console.error for every box it does not know (©xyz, CAME:
 * harmless, the blanking works from the boxes it knows), which would break the JSON logs and
 * cannot be turned off. Parsing is synchronous, so silencing the console for its duration
 * silences nothing else.
 */
function withoutConsoleErrors(parse: () => void): void {
  const { error } = console;
  console.error = () => undefined;
  try {
    parse();
  } finally {
    console.error = error;
  }
}

/** A box's start and size as the file has them, checked to lie inside the file. */
function extent(bytes: Uint8Array, box: Box): { start: number; end: number; header: number } {
  const start = box.start ?? 0;
  const end = start + (box.size ?? 0);
  if (end > bytes.length || start < 0) throw new AttachmentCleaningError('the video is truncated');
  // A 64-bit size (size field 1) puts 8 more bytes in the header.
  const header = new DataView(bytes.buffer, bytes.byteOffset).getUint32(start) === 1 ? 16 : 8;
  return { start, end, header };
}

function blank(bytes: Uint8Array, box: Box): void {
  const { start, end, header } = extent(bytes, box);
  bytes.set(new TextEncoder().encode('free'), start + 4);
  bytes.fill(0, start + header, end);
}

function describe(bytes: Uint8Array, box: Box): string[] {
  const { start, end } = extent(bytes, box);
  const text = new TextDecoder('latin1').decode(bytes.subarray(start, end)).replaceAll('\xa9', '©');
  const found = MARKERS.filter(([pattern]) => pattern.test(text)).map(([, words]) => words);
  return found.length > 0 ? found : ['metadata'];
}

/** mvhd, tkhd and mdhd start alike: version, flags, then two times of 4 bytes (version 0) or 8. */
function zeroDates(bytes: Uint8Array, box: Box): boolean {
  const { start, header } = extent(bytes, box);
  const version = bytes[start + header] ?? 0;
  const from = start + header + 4;
  const to = from + (version === 1 ? 16 : 8);
  const had = bytes.subarray(from, to).some((b) => b !== 0);
  bytes.fill(0, from, to);
  return had;
}

/** hdlr: version and flags, pre_defined, handler type, 12 reserved bytes, then the name. */
function zeroHandlerName(bytes: Uint8Array, box: Box): boolean {
  const { start, end, header } = extent(bytes, box);
  const from = start + header + 4 + 4 + 4 + 12;
  if (from >= end) return false;
  const had = bytes.subarray(from, end).some((b) => b !== 0);
  bytes.fill(0, from, end);
  return had;
}
