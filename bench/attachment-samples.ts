import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { WORK } from './support';

/**
 * Files of realistic sizes for the cleaning bench, built as the tests build theirs
 * (tests/support/attachment-files.ts: ffmpeg, heif-enc, pdf-lib, then exiftool's tags naming a
 * source), but large: camera-sized photos, multi-page documents, seconds of HD video. Pictures
 * are noise, the worst case for a codec, so a megapixel count gives a predictable size. Built
 * once into bench/.work/cleaning/ and reused.
 */
export const SAMPLE_DIR = join(WORK, 'cleaning');

export type SampleType = 'jpeg' | 'png' | 'webp' | 'heic' | 'pdf' | 'mp4' | 'mp3';

export interface SampleSpec {
  type: SampleType;
  /** What the size step is: megapixels, pages or seconds. */
  label: string;
  build: (file: string) => Promise<void>;
}

const TAGS = [
  '-Artist=Yulia Kovalenko',
  '-SerialNumber=SN4417ZX9',
  '-Make=Canon',
  '-Model=EOS 90D',
  '-GPSLatitude=48.5069',
  '-GPSLatitudeRef=N',
  '-GPSLongitude=35.0452',
  '-GPSLongitudeRef=E',
  '-XMP-dc:Creator=Yulia Kovalenko',
];

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
const tag = (file: string, tags = TAGS) =>
  run('exiftool', ['-q', '-q', '-overwrite_original', ...tags, file]);
const ffmpeg = (args: string[]) => run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** A noise picture of about `mp` megapixels, 4:3. */
function noise(mp: number) {
  const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: 'grey',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  });
}

function picture(type: 'jpeg' | 'png' | 'webp', mp: number): SampleSpec {
  return {
    type,
    label: `${mp} MP`,
    async build(file) {
      const img = noise(mp);
      await (type === 'jpeg'
        ? img.jpeg({ quality: 90 })
        : type === 'png'
          ? img.png()
          : img.webp({ quality: 90 })
      ).toFile(file);
      tag(file);
    },
  };
}

function heic(mp: number): SampleSpec {
  return {
    type: 'heic',
    label: `${mp} MP`,
    async build(file) {
      const png = `${file}.png`;
      await noise(mp).png().toFile(png);
      run('heif-enc', ['-q', '80', '-o', file, png]);
      tag(file);
    },
  };
}

function pdf(pages: number): SampleSpec {
  return {
    type: 'pdf',
    label: `${pages} pages`,
    async build(file) {
      const doc = await PDFDocument.create({ updateMetadata: false });
      doc.setAuthor('Yulia Kovalenko');
      doc.setCreator('Kovalenko Office Suite');
      const font = await doc.embedFont(StandardFonts.Helvetica);
      for (let p = 0; p < pages; p++) {
        // A scanned photo of its own on each page: what makes office PDFs megabytes.
        const scan = await doc.embedJpg(await noise(0.3).jpeg({ quality: 80 }).toBuffer());
        const page = doc.addPage([595, 842]);
        page.drawImage(scan, { x: 40, y: 300, width: 515, height: 386 });
        for (let line = 0; line < 20; line++) {
          page.drawText(`Page ${p + 1}, line ${line + 1}: shipment schedule, week 48`, {
            x: 40,
            y: 280 - line * 12,
            size: 10,
            font,
          });
        }
      }
      writeFileSync(file, await doc.save({ useObjectStreams: false }));
      // exiftool appends an incremental update: the cleaner must rewrite the whole file.
      tag(file, ['-PDF:Author=Desk Archive', '-XMP-dc:Creator=Yulia Kovalenko']);
    },
  };
}

function mp4(seconds: number): SampleSpec {
  return {
    type: 'mp4',
    label: `${seconds} s 720p`,
    async build(file) {
      ffmpeg([
        ...['-f', 'lavfi', '-i', `testsrc2=size=1280x720:duration=${seconds}:rate=30`],
        ...['-f', 'lavfi', '-i', `sine=duration=${seconds}`],
        ...[
          '-pix_fmt',
          'yuv420p',
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-crf',
          '18',
          '-c:a',
          'aac',
          '-shortest',
        ],
        ...['-metadata', 'location=+48.5069+035.0452/', '-metadata', 'artist=Yulia Kovalenko'],
        ...['-movflags', 'use_metadata_tags', file],
      ]);
      tag(file, ['-Keys:Make=Apple', '-Keys:Model=iPhone 15', '-XMP-dc:Creator=Yulia Kovalenko']);
    },
  };
}

function mp3(seconds: number): SampleSpec {
  return {
    type: 'mp3',
    label: `${seconds} s`,
    async build(file) {
      const cover = `${file}.jpg`;
      await noise(0.3).jpeg().toFile(cover);
      tag(cover);
      ffmpeg([
        ...['-f', 'lavfi', '-i', `anoisesrc=duration=${seconds}:amplitude=0.3`, '-i', cover],
        ...['-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-b:a', '192k', '-c:v', 'copy'],
        ...[
          '-id3v2_version',
          '3',
          '-metadata',
          'artist=Yulia Kovalenko',
          '-metadata',
          'comment=SN4417ZX9',
          file,
        ],
      ]);
    },
  };
}

/** Each type at a few sizes (BENCH_CLEAN_QUICK=1: the smallest of each only). */
export function sampleSpecs(quick = false): SampleSpec[] {
  const all = [
    ...[1, 4, 12].map((mp) => picture('jpeg', mp)),
    ...[1, 4].map((mp) => picture('png', mp)),
    ...[1, 4, 12].map((mp) => picture('webp', mp)),
    ...[1, 4].map(heic),
    ...[10, 50].map(pdf),
    ...[3, 12].map(mp4),
    ...[60, 300].map(mp3),
  ];
  if (!quick) return all;
  const seen = new Set<SampleType>();
  return all.filter((s) => !seen.has(s.type) && seen.add(s.type));
}

const EXT: Record<SampleType, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  heic: 'heic',
  pdf: 'pdf',
  mp4: 'mp4',
  mp3: 'mp3',
};

/** The sample's file, built unless it is there from an earlier run. */
export async function samplePath(spec: SampleSpec): Promise<string> {
  mkdirSync(SAMPLE_DIR, { recursive: true });
  const file = join(SAMPLE_DIR, `${spec.type}-${spec.label.replace(/\W+/g, '_')}.${EXT[spec.type]}`);
  if (existsSync(file)) return file;
  const partial = `${file}.part.${EXT[spec.type]}`;
  await spec.build(partial);
  renameSync(partial, file);
  return file;
}

export const fileBytes = (file: string) => readFileSync(file).length;
