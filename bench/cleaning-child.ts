import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { cleanAttachment } from '#core/attachments/clean-attachment';
import { decodeHeic } from '#core/attachments/decode-heic';
import type { SampleType } from './attachment-samples';

/**
 * One side of one cleaning measure in a fresh process (`node --import tsx bench/cleaning-child.ts
 * <clean|reference> <type> <file> <runs>`), so its peak RSS is its own: one unmeasured run, then
 * `runs` timed ones. Prints `@@bench {json}`.
 *
 * The reference is the least the same file could cost without Tipline's pipeline (sniffing,
 * metadata reading, orientation, the report, the second sniff): a picture decoded and encoded
 * again in its own format by sharp at the cleaner's qualities (JPEG 92, WebP 90) (a HEIC decoded by the same libheif and written as JPEG, as
 * the cleaner does); a PDF loaded and saved by pdf-lib; a video or an MP3 copied and hashed
 * (their cleaners rewrite boxes and tags in a copy of the bytes).
 */
const [mode, type, file, runsArg] = process.argv.slice(2) as [
  'clean' | 'reference',
  SampleType,
  string,
  string,
];
const bytes = new Uint8Array(readFileSync(file));

async function reference(): Promise<number> {
  switch (type) {
    case 'jpeg':
      return (await sharp(bytes).jpeg({ quality: 92 }).toBuffer()).length;
    case 'png':
      return (await sharp(bytes).png().toBuffer()).length;
    case 'webp':
      return (await sharp(bytes).webp({ quality: 90 }).toBuffer()).length;
    case 'heic':
      return (await (await decodeHeic(bytes)).jpeg({ quality: 92 }).toBuffer()).length;
    case 'pdf':
      return (await (await PDFDocument.load(bytes)).save()).length;
    default:
      return createHash('sha256').update(Uint8Array.from(bytes)).digest().length;
  }
}

async function clean(): Promise<number> {
  const outcome = await cleanAttachment(bytes);
  if (outcome.status !== 'cleaned') throw new Error(`${type} not cleaned: ${outcome.status}`);
  return outcome.bytes.length;
}

const once = mode === 'clean' ? clean : reference;
let outBytes = await once();
const times: number[] = [];
for (let i = 0; i < Number(runsArg); i++) {
  const t = performance.now();
  outBytes = await once();
  times.push(performance.now() - t);
}
const cpu = process.cpuUsage();
process.stdout.write(
  `@@bench ${JSON.stringify({
    times,
    outBytes,
    // ru_maxrss: the peak resident set of the whole process (KB on Linux).
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
process.exit(0);
