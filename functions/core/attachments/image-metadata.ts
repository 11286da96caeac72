import exifReader from 'exif-reader';
import type { Metadata } from 'sharp';

/**
 * Names, in plain words, the metadata an image carries, from sharp's reading of it (EXIF parsed
 * by exif-reader, XMP, IPTC, PNG text chunks) and from a walk of the container for what sharp
 * does not list (JPEG comment segments, PNG tIME/zTXt chunks, GIF comment and XMP extensions). Only for
 * the report: cleaning itself re-encodes the pixels, so it does not depend on this list.
 */
export function describeImageMetadata(meta: Metadata, bytes: Uint8Array): string[] {
  const found: string[] = [];
  if (meta.exif) found.push(...describeExif(meta.exif));
  if (meta.xmp) found.push('XMP');
  if (meta.iptc) found.push('IPTC');
  for (const { keyword } of meta.comments ?? []) found.push(describeTextKeyword(keyword));
  if (meta.format === 'jpeg') found.push(...describeJpegSegments(bytes));
  if (meta.format === 'png') found.push(...describePngChunks(bytes));
  if (meta.format === 'gif') found.push(...describeGifExtensions(bytes));
  if (meta.icc) found.push('colour profile');
  return found;
}

function describeExif(exif: Buffer): string[] {
  const found = ['EXIF'];
  let tags: ReturnType<typeof exifReader>;
  try {
    tags = exifReader(exif);
  } catch {
    return found;
  }
  const { Image: image = {}, Photo: photo = {}, GPSInfo: gps, Thumbnail: thumbnail } = tags;
  if (gps && Object.keys(gps).some((k) => k !== 'GPSVersionID')) found.push('GPS position');
  if (photo.BodySerialNumber || image.CameraSerialNumber || photo.LensSerialNumber)
    found.push('camera serial number');
  if (photo.ImageUniqueID) found.push('image unique id');
  if (image.Artist || photo.CameraOwnerName || image.Copyright) found.push('author name');
  if (image.Make || image.Model || photo.LensMake || photo.LensModel) found.push('camera make and model');
  if (image.Software || image.ProcessingSoftware || image.HostComputer) found.push('creator software');
  if (image.DateTime || photo.DateTimeOriginal || photo.DateTimeDigitized) found.push('date and time taken');
  if (photo.MakerNote) found.push('maker notes');
  if (image.ImageDescription || photo.UserComment || image.XPComment) found.push('comment');
  if (thumbnail && Object.keys(thumbnail).length > 0) found.push('thumbnail');
  return found;
}

function describeTextKeyword(keyword: string): string {
  const k = keyword.toLowerCase();
  if (k === 'author' || k === 'copyright') return 'author name';
  if (k === 'software' || k === 'source') return 'creator software';
  if (k === 'comment' || k === 'description' || k === 'title') return 'comment';
  if (k.startsWith('xml:com.adobe.xmp')) return 'XMP';
  return 'text chunk';
}

/** JPEG markers before the image data: COM (FE) comments, APPn segments sharp may not name. */
function describeJpegSegments(bytes: Uint8Array): string[] {
  const found: string[] = [];
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1] ?? 0;
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image
    const length = ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0);
    if (marker === 0xfe) found.push('comment');
    if (marker === 0xed) found.push('IPTC');
    if (marker >= 0xe2 && marker <= 0xef && marker !== 0xed && marker !== 0xee)
      found.push('application data');
    i += 2 + length;
  }
  return found;
}

/** PNG ancillary chunks that carry metadata; text chunks sharp already listed by keyword. */
function describePngChunks(bytes: Uint8Array): string[] {
  const found: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 8;
  while (i + 8 <= bytes.length) {
    const length = view.getUint32(i);
    const type = new TextDecoder('latin1').decode(bytes.subarray(i + 4, i + 8));
    if (type === 'tIME') found.push('modification time');
    if (type === 'zTXt' || type === 'iTXt' || type === 'tEXt') found.push('text chunk');
    if (type === 'eXIf') found.push('EXIF');
    if (type === 'IEND') break;
    i += 12 + length;
  }
  return found;
}

/** GIF blocks: comment extensions (21 FE) and application extensions (21 FF), XMP among them. */
function describeGifExtensions(bytes: Uint8Array): string[] {
  const found: string[] = [];
  const at = (i: number) => bytes[i] ?? 0;
  const skipSubBlocks = (from: number): number => {
    let i = from;
    while (i < bytes.length && at(i) !== 0) i += at(i) + 1;
    return i + 1;
  };
  const flags = at(10);
  let i = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  while (i < bytes.length && at(i) !== 0x3b) {
    if (at(i) === 0x21) {
      const label = at(i + 1);
      if (label === 0xfe) found.push('comment');
      if (label === 0xff) {
        const app = new TextDecoder('latin1').decode(bytes.subarray(i + 3, i + 14));
        // NETSCAPE2.0 is the animation loop count: not metadata.
        if (app === 'XMP DataXMP') found.push('XMP');
        else if (!app.startsWith('NETSCAPE')) found.push('application data');
      }
      i = skipSubBlocks(i + 2);
    } else if (at(i) === 0x2c) {
      const local = at(i + 9);
      i += 10 + (local & 0x80 ? 3 * 2 ** ((local & 0x07) + 1) : 0) + 1; // descriptor, colour table, LZW size
      i = skipSubBlocks(i);
    } else {
      break;
    }
  }
  return found;
}
