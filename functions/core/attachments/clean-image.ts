import sharp, { type Metadata, type Sharp } from 'sharp';
import { AttachmentCleaningError, type CleanedFile, uniqueItems } from '#core/attachments/cleaning-report';
import { describeImageMetadata } from '#core/attachments/image-metadata';

// Close to what phones save at, so a photo's detail survives the one re-encode.
const JPEG_QUALITY = 92;
const WEBP_QUALITY = 90;

/**
 * Cleans a JPEG, PNG, WebP, GIF or AVIF by decoding it and encoding the pixels afresh with
 * sharp (libvips), which writes no metadata unless asked. Nothing of the original container
 * survives: EXIF (GPS, serials, maker notes, thumbnail), XMP, IPTC, comments, text chunks, and
 * anything hidden after the image data. EXIF orientation is applied to the pixels first, so the
 * picture looks as it did. The colour profile is converted to sRGB and dropped (a profile names
 * its maker and can be unusual enough to fingerprint a device).
 */
export async function cleanImage(bytes: Uint8Array): Promise<CleanedFile> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new AttachmentCleaningError('the image cannot be read', { cause: err });
  }
  const animated = (meta.pages ?? 1) > 1;
  const notes: string[] = ['re-encoded'];
  if (meta.orientation && meta.orientation !== 1) notes.push('orientation applied');

  const image = sharp(bytes, { animated }).autoOrient();
  let out: Buffer;
  try {
    out = await encodeAs(image, meta).toBuffer();
  } catch (err) {
    throw new AttachmentCleaningError('the image cannot be re-encoded', { cause: err });
  }
  return {
    bytes: out,
    mime: `image/${meta.format === 'heif' ? 'avif' : meta.format}`,
    report: { removed: uniqueItems(describeImageMetadata(meta, bytes)), notes },
  };
}

function encodeAs(image: Sharp, meta: Metadata): Sharp {
  switch (meta.format) {
    case 'jpeg':
      return image.jpeg({ quality: JPEG_QUALITY });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: WEBP_QUALITY });
    case 'gif':
      return image.gif();
    case 'heif':
      return image.avif();
    default:
      throw new AttachmentCleaningError(`no cleaner for ${meta.format ?? 'this'} images`);
  }
}
