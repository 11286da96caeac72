import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cleanImage } from '#core/attachments/clean-image';
import { sniffType } from '#core/attachments/sniff-type';
import {
  exiftoolRead,
  findsSourceStrings,
  identifyingTags,
  p3Heic,
  sourceAnimation,
  sourceAvif,
  sourceGif,
  sourceHeic,
  sourceJpeg,
  sourcePng,
  sourceWebp,
  twoPictureHeic,
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

  it('a HEIC from an iPhone: a JPEG after, exiftool finds no GPS, serial or owner, the name nowhere', async () => {
    const original = sourceHeic();
    expect(identifyingTags(exiftoolRead(original, 'heic'))).toMatchObject({
      'GPS:GPSLatitude': 48.5069,
      'ExifIFD:SerialNumber': 'SN4417ZX9',
      'IFD0:Artist': 'Yulia Kovalenko',
      'XMP-dc:Creator': 'Yulia Kovalenko',
    });
    expect(findsSourceStrings(original)).toEqual(expect.arrayContaining(['Yulia Kovalenko', 'SN4417ZX9']));
    expect((await sniffType(original)).mime).toBe('image/heic');

    const { bytes, mime, report } = await cleanImage(original);

    const tags = exiftoolRead(bytes, 'jpg');
    expect(identifyingTags(tags)).toEqual({});
    expect(
      Object.keys(tags).filter((k) => /^(IFD0|IFD1|ExifIFD|GPS|XMP|IPTC|ICC|QuickTime|Meta):/.test(k)),
    ).toEqual([]);
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(mime).toBe('image/jpeg');
    expect((await sniffType(bytes)).mime).toBe('image/jpeg');
    expect(report.removed).toEqual(
      expect.arrayContaining(['EXIF', 'GPS position', 'camera serial number', 'author name', 'XMP']),
    );
    expect(report.notes).toEqual(['re-encoded as JPEG']);
  });

  it('a HEIC is turned once, by its HEIF rotation: shown 48×64 before, stored 48×64 after, left half on top', async () => {
    const original = sourceHeic();
    expect(exiftoolRead(original, 'heic')).toMatchObject({
      'Meta:MetaImageSize': '0 0 64 48',
      'QuickTime:Rotation': 270,
      'IFD0:Orientation': 6,
    });

    const { bytes } = await cleanImage(original);

    const tags = exiftoolRead(bytes, 'jpg');
    expect(tags).toMatchObject({ 'File:ImageWidth': 48, 'File:ImageHeight': 64 });
    expect(tags['IFD0:Orientation']).toBeUndefined();
    // A quarter turn clockwise puts the red left half on top; EXIF applied as well would turn it back on its side.
    expect([await pixel(bytes, 24, 8), await pixel(bytes, 24, 56)]).toEqual(['red', 'blue']);
  });

  it('a HEIC in Display P3 keeps its colours: converted to sRGB from its profile, which is dropped', async () => {
    const original = await p3Heic();
    // sharp's built-in Display P3 profile calls itself sP3C.
    expect(exiftoolRead(original, 'heic')).toMatchObject({ 'ICC_Profile:ProfileDescription': 'sP3C' });

    const { bytes, report } = await cleanImage(original);

    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    // Read as sRGB without the conversion, the P3 values would show as about (186, 105, 102).
    expect([...data.subarray(0, 3)].map((c, i) => Math.abs(c - ([200, 100, 100][i] ?? 0)) <= 3)).toEqual([
      true,
      true,
      true,
    ]);
    expect(Object.keys(exiftoolRead(bytes, 'jpg')).filter((k) => k.startsWith('ICC'))).toEqual([]);
    expect(report.removed).toContain('colour profile');
  });

  it('a HEIC whose profile describes no colours is still cleaned, not stored as received', async () => {
    const { bytes, mime, report } = await cleanImage(await p3Heic('damaged'));

    expect(mime).toBe('image/jpeg');
    expect(exiftoolRead(bytes, 'jpg')).toMatchObject({ 'File:ImageWidth': 64, 'File:ImageHeight': 48 });
    expect(report.notes).toEqual(['re-encoded as JPEG']);
  });

  it('a HEIC of two pictures: the primary one is kept, not merely the first, and the report says so', async () => {
    const { bytes, report } = await cleanImage(twoPictureHeic());

    expect(exiftoolRead(bytes, 'jpg')).toMatchObject({ 'File:ImageWidth': 32, 'File:ImageHeight': 32 });
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[1]).toBeGreaterThan(100);
    expect(report.notes).toEqual(['re-encoded as JPEG', 'only the main picture of 2 kept']);
  });

  it('a HEIC that declares more pixels than sharp would decode is refused before decoding', async () => {
    const original = sourceHeic();
    // The primary picture's size (ispe, 64×48) rewritten as 17000×17000: 289 million pixels, over
    // sharp's limit of 16383², yet under libheif's own: a decoder given it would allocate 1.2 GB.
    const ispe = original.lastIndexOf('ispe');
    original.writeUInt32BE(17000, ispe + 8);
    original.writeUInt32BE(17000, ispe + 12);

    await expect(cleanImage(original)).rejects.toThrow(
      expect.objectContaining({
        message: 'the image cannot be read',
        cause: expect.objectContaining({ message: 'Input image exceeds pixel limit' }),
      }),
    );
  });

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
