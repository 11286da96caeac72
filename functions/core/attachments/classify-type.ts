import type { SniffedType } from '#core/attachments/sniff-type';

/**
 * What Tipline does with a file of a sniffed type:
 * - `image`, `pdf`, `media` (MP4/MOV/M4A), `audio`: a cleaner removes what gives the source away;
 * - `not-cleanable` (office documents, archives, anything unknown): stored as received, marked
 *   "not cleaned", shown to staff with a warning;
 * - `inert` (executables, HTML, SVG, XML, scripts): never rendered, at most kept as a download.
 */
export type AttachmentClass = 'image' | 'pdf' | 'media' | 'audio' | 'not-cleanable' | 'inert';

// HEIC is not here: the prebuilt image library decodes AVIF but not HEVC, so a HEIC photo is not
// cleanable yet and is stored marked "not cleaned".
const IMAGE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);
const MEDIA = new Set(['video/mp4', 'video/quicktime', 'audio/x-m4a', 'audio/mp4', 'video/x-m4v']);
const AUDIO = new Set([
  'audio/mpeg',
  'audio/ogg',
  'audio/opus',
  'audio/flac',
  'audio/wav',
  'audio/x-wav',
  'audio/aac',
  'audio/ogg; codecs=opus',
]);

// Anything a browser or an operating system may run or render as a page, whatever it is called.
const INERT = new Set([
  'text/html',
  'image/svg+xml',
  'application/xml',
  'application/x-msdownload',
  'application/x-elf',
  'application/x-mach-binary',
  'application/vnd.microsoft.portable-executable',
  'application/x-sharedlib',
  'application/wasm',
  'application/java-vm',
  'application/java-archive',
  'application/vnd.android.package-archive',
  'application/x-shockwave-flash',
  'application/x-msi',
  'application/x-apple-diskimage',
  'application/x-sh',
  'text/javascript',
  'application/javascript',
]);

export function classifyType(type: SniffedType): AttachmentClass {
  if (INERT.has(type.mime)) return 'inert';
  if (IMAGE.has(type.mime)) return 'image';
  if (type.mime === 'application/pdf') return 'pdf';
  if (MEDIA.has(type.mime)) return 'media';
  if (AUDIO.has(type.mime)) return 'audio';
  return 'not-cleanable';
}
