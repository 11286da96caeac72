import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cleanImage } from '#core/attachments/clean-image';
import { sniffType } from '#core/attachments/sniff-type';
import {
  exiftoolRead,
  findsSourceStrings,
  identifyingTags,
  sourceAnimation,
  sourceAvif,
  sourceGif,
  sourceJpeg,
  sourcePng,
  sourceWebp,
} from '../../support/attachment-files';

/** The colour of one pixel of an image, as sharp decodes it. */
async function pixel(bytes: Uint8Array, x: number, y: number): Promise<'red' | 'blue' | 'other'> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  const [r = 0, g = 0, b = 0] = data.subarray(at, at + 3);
  if (r > 200 && g < 60 && b < 60) return 'red';
  if (b > 200 && r < 60 && g < 60) return 'blue';
  return 'other';
}

describe('cleanImage', () => {
  it('a phone JPEG: exiftool finds no GPS, serial, owner, software or comment, and the name is nowhere', async () => {
    const original = sourceJpeg();
    expect(Object.keys(identifyingTags(exiftoolRead(original, 'jpg'))).length).toBeGreaterThan(15);
    expect(findsSourceStrings(original)).toHaveLength(4);

    const { bytes, mime, report } = await cleanImage(original);

    const tags = exiftoolRead(bytes, 'jpg');
    expect(identifyingTags(tags)).toEqual({});
    expect(Object.keys(tags).filter((k) => /^(IFD0|IFD1|ExifIFD|GPS|XMP|IPTC|Photoshop):/.test(k))).toEqual(
      [],
    );
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(mime).toBe('image/jpeg');
    expect((await sniffType(bytes)).mime).toBe('image/jpeg');
    expect(report.removed).toEqual(
      expect.arrayContaining([
        'GPS position',
        'camera serial number',
        'author name',
        'camera make and model',
        'creator software',
        'date and time taken',
        'comment',
        'thumbnail',
        'XMP',
        'IPTC',
      ]),
    );
    expect(report.notes).toEqual(['re-encoded', 'orientation applied']);
  });

  it('applies the orientation first: shown 48×64 before, stored 48×64 after, left half now on top', async () => {
    const original = sourceJpeg();
    expect(exiftoolRead(original, 'jpg')).toMatchObject({
      'File:ImageWidth': 64,
      'File:ImageHeight': 48,
      'IFD0:Orientation': 6,
    });

    const { bytes } = await cleanImage(original);

    const tags = exiftoolRead(bytes, 'jpg');
    expect(tags).toMatchObject({ 'File:ImageWidth': 48, 'File:ImageHeight': 64 });
    expect(tags['IFD0:Orientation']).toBeUndefined();
    // Turned a quarter clockwise, the red left half is the top and the blue right half the bottom.
    expect([await pixel(bytes, 24, 8), await pixel(bytes, 24, 56)]).toEqual(['red', 'blue']);
  });

  it('a PNG: no eXIf, tEXt, zTXt, iTXt or tIME chunk left, same size, the name nowhere', async () => {
    const original = sourcePng();
    expect(chunkTypes(original)).toEqual(expect.arrayContaining(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']));

    const { bytes, mime, report } = await cleanImage(original);

    // libvips writes the pixel density (pHYs, 72 dpi here): what the library leaves, and it says nothing of the source.
    expect(chunkTypes(bytes).filter((t) => !['IHDR', 'IDAT', 'IEND'].includes(t))).toEqual(['pHYs']);
    expect(identifyingTags(exiftoolRead(bytes, 'png'))).toEqual({});
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(exiftoolRead(bytes, 'png')).toMatchObject({ 'PNG:ImageWidth': 64, 'PNG:ImageHeight': 48 });
    expect(mime).toBe('image/png');
    expect(report.removed).toEqual(
      expect.arrayContaining([
        'EXIF',
        'GPS position',
        'camera serial number',
        'author name',
        'comment',
        'XMP',
        'modification time',
        'text chunk',
      ]),
    );
  });

  it('a WebP: no EXIF or XMP chunk left, same size, the name nowhere', async () => {
    const original = sourceWebp();
    expect(riffChunks(original)).toEqual(expect.arrayContaining(['EXIF', 'XMP ']));

    const { bytes, mime, report } = await cleanImage(original);

    expect(riffChunks(bytes).filter((c) => c === 'EXIF' || c === 'XMP ')).toEqual([]);
    expect(identifyingTags(exiftoolRead(bytes, 'webp'))).toEqual({});
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(exiftoolRead(bytes, 'webp')).toMatchObject({ 'Composite:ImageSize': '64 48' });
    expect(mime).toBe('image/webp');
    expect(report.removed).toEqual(
      expect.arrayContaining(['GPS position', 'camera serial number', 'author name', 'XMP']),
    );
  });

  it.each([
    ['gif', 'image/gif', async () => sourceGif()],
    ['avif', 'image/avif', sourceAvif],
  ])(
    'a %s: exiftool finds nothing identifying after, same size, the name nowhere',
    async (ext, type, make) => {
      const original = await make();
      expect(Object.keys(identifyingTags(exiftoolRead(original, ext))).length).toBeGreaterThan(1);

      const { bytes, mime, report } = await cleanImage(original);

      expect(identifyingTags(exiftoolRead(bytes, ext))).toEqual({});
      expect(findsSourceStrings(bytes)).toEqual([]);
      expect(exiftoolRead(bytes, ext)).toMatchObject({ 'Composite:ImageSize': '64 48' });
      expect(mime).toBe(type);
      expect((await sniffType(bytes)).mime).toBe(type);
      expect(report.removed).toContain('XMP');
    },
  );

  it.each(['gif', 'webp'] as const)(
    'an animated %s keeps its 5 frames and loses its metadata',
    async (ext) => {
      const original = sourceAnimation(ext);

      const { bytes, report } = await cleanImage(original);

      expect(await sharp(bytes, { animated: true }).metadata()).toMatchObject({
        pages: 5,
        width: 64,
        pageHeight: 48,
      });
      expect(identifyingTags(exiftoolRead(bytes, ext))).toEqual({});
      expect(findsSourceStrings(bytes)).toEqual([]);
      expect(report.removed).toEqual([ext === 'gif' ? 'comment' : 'XMP']);
    },
  );

  it('refuses bytes that only claim to be an image', async () => {
    await expect(cleanImage(new TextEncoder().encode('<html>not a photo</html>'))).rejects.toThrow(
      'the image cannot be read',
    );
  });
});

function chunkTypes(png: Uint8Array): string[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const types: string[] = [];
  for (let i = 8; i + 8 <= png.length; i += 12 + view.getUint32(i)) {
    types.push(Buffer.from(png.subarray(i + 4, i + 8)).toString('latin1'));
  }
  return types;
}

function riffChunks(webp: Uint8Array): string[] {
  const view = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  const chunks: string[] = [];
  for (
    let i = 12;
    i + 8 <= webp.length;
    i += 8 + view.getUint32(i + 4, true) + (view.getUint32(i + 4, true) % 2)
  ) {
    chunks.push(Buffer.from(webp.subarray(i, i + 4)).toString('latin1'));
  }
  return chunks;
}
