import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { PDFDocument, PDFHexString, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

/**
 * Real files as a source's phone or laptop would send them, built at test time with ffmpeg and
 * tagged with exiftool, and exiftool again as the independent reader of what a cleaned file
 * still carries.
 */

/** What the fixtures carry that gives the source away. */
export const SOURCE = {
  name: 'Yulia Kovalenko',
  serial: 'SN4417ZX9',
  lensSerial: 'LS7781QK',
  software: 'Kovalenko Office Suite',
  latitude: '48.5069',
  longitude: '35.0452',
} as const;

const dir = mkdtempSync(join(tmpdir(), 'tipline-attachments-'));
let counter = 0;

function path(ext: string): string {
  counter += 1;
  return join(dir, `f${counter}.${ext}`);
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A still picture, left half red and right half blue, so a rotation shows in the pixels. */
function halves(ext: string, width: number, height: number): string {
  const out = path(ext);
  const half = `size=${width / 2}x${height}`;
  run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...[
      '-f',
      'lavfi',
      '-i',
      `color=red:${half},format=rgb24`,
      '-f',
      'lavfi',
      '-i',
      `color=blue:${half},format=rgb24`,
    ],
    ...['-filter_complex', 'hstack', '-frames:v', '1', out],
  ]);
  return out;
}

const CAMERA_TAGS = [
  `-Artist=${SOURCE.name}`,
  `-OwnerName=${SOURCE.name}`,
  `-Copyright=${SOURCE.name}`,
  `-SerialNumber=${SOURCE.serial}`,
  `-LensSerialNumber=${SOURCE.lensSerial}`,
  '-Make=Canon',
  '-Model=EOS 90D',
  `-Software=${SOURCE.software}`,
  '-DateTimeOriginal=2026:11:30 09:15:00',
  `-ImageDescription=${SOURCE.name} on the balcony`,
  `-GPSLatitude=${SOURCE.latitude}`,
  '-GPSLatitudeRef=N',
  `-GPSLongitude=${SOURCE.longitude}`,
  '-GPSLongitudeRef=E',
  `-XMP-dc:Creator=${SOURCE.name}`,
  `-XMP-xmp:CreatorTool=${SOURCE.software}`,
];

function tag(file: string, tags: string[]): Buffer {
  run('exiftool', ['-q', '-q', '-overwrite_original', ...tags, file]);
  return readFileSync(file);
}

/**
 * A phone photo: EXIF with GPS, serials, owner and maker, an EXIF thumbnail, XMP, IPTC
 * (APP13), a JPEG comment, and Orientation 6 (stored 64×48, shown 48×64 turned clockwise).
 */
export function sourceJpeg(): Buffer {
  const thumb = halves('jpg', 16, 12);
  return tag(halves('jpg', 64, 48), [
    ...CAMERA_TAGS,
    `-IPTC:By-line=${SOURCE.name}`,
    `-IPTC:City=Dnipro`,
    `-Comment=${SOURCE.name}`,
    '-Orientation#=6',
    `-ThumbnailImage<=${thumb}`,
  ]);
}

/** A screenshot: tEXt (author, comment), zTXt (a long description), iTXt (a title in Cyrillic, and XMP), tIME, eXIf. */
export function sourcePng(): Buffer {
  const file = halves('png', 64, 48);
  tag(file, [
    ...CAMERA_TAGS,
    `-PNG:Author=${SOURCE.name}`,
    `-PNG:Comment=${SOURCE.name} took this`,
    '-PNG:ModifyDate=2026:11:30 10:00:00',
  ]);
  // -z writes compressed chunks; a long text is worth compressing, so it lands in zTXt.
  return tag(file, ['-z', `-PNG:Description=${`${SOURCE.name} `.repeat(40)}`, '-PNG:Title=Юлия Коваленко']);
}

/** A WebP (what messaging apps send): EXIF and XMP chunks. */
export function sourceWebp(): Buffer {
  return tag(halves('webp', 64, 48), CAMERA_TAGS);
}

/**
 * A document from the source's office: Info (author, creator, producer, title, keywords), a
 * catalog XMP stream, a page XMP stream, page private data (PieceInfo) and a comment annotation signed with the
 * name; then edited by exiftool, which appends an incremental update with a new author and
 * leaves the first revision, name and all, in the file.
 */
export async function sourcePdf(): Promise<Buffer> {
  // updateMetadata off: otherwise pdf-lib writes its own name over the producer set here.
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setAuthor(SOURCE.name);
  doc.setCreator(SOURCE.software);
  doc.setProducer(SOURCE.software);
  doc.setTitle(`Memo by ${SOURCE.name}`);
  doc.setKeywords([SOURCE.name, 'ministry']);
  const page = doc.addPage([300, 200]);
  page.drawText('Shipment schedule, week 48', {
    x: 20,
    y: 150,
    size: 12,
    font: await doc.embedFont(StandardFonts.Helvetica),
  });
  const { context } = doc;
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${SOURCE.name}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`;
  doc.catalog.set(
    PDFName.of('Metadata'),
    context.register(context.stream(xmp, { Type: 'Metadata', Subtype: 'XML' })),
  );
  // A page's own XMP, an indirect stream: removing the key alone would leave the stream written out.
  const pageXmp = xmp.replace(SOURCE.name, SOURCE.lensSerial);
  page.node.set(
    PDFName.of('Metadata'),
    context.register(context.stream(pageXmp, { Type: 'Metadata', Subtype: 'XML' })),
  );
  page.node.set(PDFName.of('PieceInfo'), context.obj({ Office: { Private: PDFString.of(SOURCE.serial) } }));
  const note = context.obj({
    Type: 'Annot',
    Subtype: 'Text',
    Rect: [10, 10, 30, 30],
    T: PDFString.of(SOURCE.name),
    Contents: PDFString.of('see p. 2'),
  });
  page.node.set(PDFName.of('Annots'), context.obj([context.register(note)]));
  // A file identifier, as office software writes it (often a hash of path, time and machine).
  const id = PDFHexString.of(Buffer.from(SOURCE.serial).toString('hex'));
  context.trailerInfo.ID = context.obj([id, id]);
  const file = path('pdf');
  writeFileSync(file, await doc.save({ useObjectStreams: false }));
  return tag(file, ['-PDF:Author=Desk Archive', '-PDF:Creator=Scanner', '-XMP-dc:Creator=Desk Archive']);
}

/**
 * A phone video: ffmpeg writes a location, artist, comment and encoder as metadata atoms and
 * a track handler name; exiftool adds Apple-style keys (make, model, author), a UserData GPS
 * position, a camera serial hash (CAME) and XMP. As `.mov`, ffmpeg writes a QuickTime file.
 */
export function sourceMp4(ext: 'mp4' | 'mov' = 'mp4'): Buffer {
  const file = path(ext);
  run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...[
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:duration=0.5:rate=10',
      '-f',
      'lavfi',
      '-i',
      'sine=duration=0.5',
    ],
    ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-c:a', 'aac', '-shortest'],
    ...[
      '-metadata',
      `location=+${SOURCE.latitude}+0${SOURCE.longitude}/`,
      '-metadata',
      `artist=${SOURCE.name}`,
    ],
    ...['-metadata', `comment=${SOURCE.name}`, '-metadata', `encoder=${SOURCE.software}`],
    ...['-metadata:s:v:0', `handler_name=${SOURCE.software}`, '-movflags', 'use_metadata_tags', file],
  ]);
  return tag(file, [
    '-Keys:Make=Apple',
    '-Keys:Model=iPhone 15',
    `-Keys:Author=${SOURCE.name}`,
    `-UserData:GPSCoordinates=${SOURCE.latitude} N, ${SOURCE.longitude} E`,
    `-UserData:SerialNumberHash=${SOURCE.serial}`,
    `-XMP-dc:Creator=${SOURCE.name}`,
  ]);
}

/** A GIF (an animated reaction, a screen recording): a comment extension and XMP. */
export function sourceGif(): Buffer {
  return tag(halves('gif', 64, 48), [`-Comment=${SOURCE.name}`, `-XMP-dc:Creator=${SOURCE.name}`]);
}

/** An AVIF (what newer phones and browsers save): EXIF with GPS and owner, XMP. */
export async function sourceAvif(): Promise<Buffer> {
  const file = path('avif');
  await sharp(halves('png', 64, 48))
    .avif()
    .toFile(file);
  return tag(file, CAMERA_TAGS);
}

/** An animated GIF or WebP of 5 frames, with a comment (GIF) or XMP (WebP) naming the source. */
export function sourceAnimation(ext: 'gif' | 'webp'): Buffer {
  const file = path(ext);
  run('ffmpeg', [
    ...[
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:duration=0.5:rate=10',
    ],
    ...(ext === 'webp' ? ['-loop', '0'] : []),
    file,
  ]);
  return tag(file, ext === 'gif' ? [`-Comment=${SOURCE.name}`] : [`-XMP-dc:Creator=${SOURCE.name}`]);
}

/** A voice memo as a phone records it (M4A): artist and location atoms. */
export function sourceM4a(): Buffer {
  const file = path('m4a');
  run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=0.3', '-c:a', 'aac'],
    ...[
      '-metadata',
      `artist=${SOURCE.name}`,
      '-metadata',
      `location=+${SOURCE.latitude}+0${SOURCE.longitude}/`,
    ],
    ...['-movflags', 'use_metadata_tags', file],
  ]);
  return readFileSync(file);
}

/**
 * A voice note as MP3: ID3v2 (artist, comment, encoder, and the phone photo as cover picture,
 * GPS and all), an APEv2 tag naming the source, then an ID3v1 tag, as some recorders pile them.
 */
export function sourceMp3(): Buffer {
  const photo = path('jpg');
  writeFileSync(photo, sourceJpeg());
  const file = path('mp3');
  run('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=0.3', '-i', photo],
    ...['-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-c:v', 'copy', '-id3v2_version', '3'],
    ...[
      '-metadata',
      `artist=${SOURCE.name}`,
      '-metadata',
      `comment=${SOURCE.name}`,
      '-metadata',
      `encoder=${SOURCE.software}`,
    ],
    file,
  ]);
  const v1 = Buffer.alloc(128);
  v1.write('TAG', 0, 'latin1');
  v1.write(SOURCE.name, 33, 'latin1'); // artist field
  return Buffer.concat([readFileSync(file), apeTag('Artist', SOURCE.serial), v1]);
}

/** An APEv2 tag of one item, footer only. */
function apeTag(key: string, value: string): Buffer {
  const item = Buffer.concat([Buffer.alloc(8), Buffer.from(`${key}\0${value}`, 'latin1')]);
  item.writeUInt32LE(Buffer.byteLength(value), 0);
  const footer = Buffer.alloc(32);
  footer.write('APETAGEX', 0, 'latin1');
  footer.writeUInt32LE(2000, 8);
  footer.writeUInt32LE(item.length + 32, 12);
  footer.writeUInt32LE(1, 16);
  return Buffer.concat([item, footer]);
}

/** exiftool's reading of some bytes: every tag, each named `Group:Tag`. */
export function exiftoolRead(bytes: Uint8Array, ext: string): Record<string, unknown> {
  const file = path(ext);
  writeFileSync(file, bytes);
  const out = execFileSync('exiftool', ['-j', '-a', '-G1', '-n', file], { encoding: 'utf8' });
  const [tags] = JSON.parse(out) as Record<string, unknown>[];
  return tags ?? {};
}

/** The chunk, chunk type and segment names (`Group:Tag`) that must not survive cleaning. */
const IDENTIFYING =
  /GPS|Serial|Artist|Author|Creator|By-line|Owner|Copyright|Comment|Software|Producer|Make|Model|Description|Title|DateTimeOriginal|ThumbnailImage|City|Location/i;

/** The tags exiftool still finds that could identify a source, with their values. */
export function identifyingTags(tags: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(tags).filter(
      ([key]) =>
        IDENTIFYING.test(key) &&
        !key.startsWith('ExifTool:') &&
        !key.startsWith('System:') &&
        // MPEG frame-header bits (the Copyright flag), not tags.
        !key.startsWith('MPEG:'),
    ),
  );
}

/**
 * Whether any of the source's strings is anywhere in the bytes: as ASCII/UTF-8, UTF-16 either
 * way (PDF and EXIF strings may be either), spelled in hex (PDF hex strings), and inside any zlib
 * stream (PNG zTXt, PDF streams).
 */
export function findsSourceStrings(bytes: Uint8Array): string[] {
  const needles = [SOURCE.name, SOURCE.serial, SOURCE.lensSerial, SOURCE.software, 'Юлия'];
  const haystacks = [Buffer.from(bytes), ...inflatedStreams(Buffer.from(bytes))];
  const found = new Set<string>();
  for (const needle of needles) {
    const encodings = [
      Buffer.from(needle, 'utf8'),
      Buffer.from(needle, 'utf16le'),
      Buffer.from(needle, 'utf16le').swap16(),
    ];
    // PDF hex strings (<FEFF0059...>) spell each encoding out in hex digits, either case.
    const hex = encodings.map((e) => e.toString('hex')).flatMap((h) => [h, h.toUpperCase()]);
    const forms = [...encodings, ...hex.map((h) => Buffer.from(h, 'latin1'))];
    if (haystacks.some((h) => forms.some((f) => h.includes(f)))) found.add(needle);
  }
  return [...found];
}

/** Every zlib stream in the file, inflated (a zlib header is 78 01/5E/9C/DA). */
function inflatedStreams(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] !== 0x78 || ![0x01, 0x5e, 0x9c, 0xda].includes(bytes[i + 1] ?? 0)) continue;
    try {
      out.push(inflateSync(bytes.subarray(i), { finishFlush: 2 }));
    } catch {
      // not a stream after all
    }
  }
  return out;
}
