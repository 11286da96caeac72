import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cleanPdf } from '#core/attachments/clean-pdf';
import {
  exiftoolRead,
  findsSourceStrings,
  identifyingTags,
  SOURCE,
  sourceJpeg,
  sourcePdf,
} from '../../support/attachment-files';

describe('cleanPdf', () => {
  it('a PDF edited with an incremental update: the first revision’s author is still in the file before, nowhere after', async () => {
    const original = await sourcePdf();
    // exiftool reads only the latest revision, yet the source's name is still in the bytes.
    expect(exiftoolRead(original, 'pdf')).toMatchObject({ 'PDF:Author': 'Desk Archive' });
    expect(
      Buffer.from(original)
        .toString('latin1')
        .match(/startxref/g),
    ).toHaveLength(2);
    expect(findsSourceStrings(original)).toEqual(
      expect.arrayContaining([SOURCE.name, SOURCE.software, SOURCE.serial, SOURCE.lensSerial]),
    );

    const { bytes, mime, report } = await cleanPdf(original);

    expect(identifyingTags(exiftoolRead(bytes, 'pdf'))).toEqual({});
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(
      Buffer.from(bytes)
        .toString('latin1')
        .match(/startxref/g),
    ).toHaveLength(1);
    expect(mime).toBe('application/pdf');
    expect(Buffer.from(bytes).toString('latin1')).not.toMatch(/\/ID\s*\[/);
    expect(report.removed).toEqual(
      expect.arrayContaining([
        'author name',
        'creator software',
        'producer software',
        'title',
        'keywords',
        'XMP',
        'earlier revisions',
        'application private data',
        'annotation author names',
        'file identifier',
      ]),
    );
  });

  it('keeps the pages: same count, same size, the text still drawn', async () => {
    const { bytes } = await cleanPdf(await sourcePdf());

    const clean = await PDFDocument.load(bytes, { updateMetadata: false });
    expect(clean.getPageCount()).toBe(1);
    expect(clean.getPage(0).getSize()).toEqual({ width: 300, height: 200 });
    expect(exiftoolRead(bytes, 'pdf')).toMatchObject({ 'PDF:PageCount': 1 });
    expect(clean.getAuthor()).toBeUndefined();
    expect(clean.getProducer()).toBeUndefined();
  });

  it('a phone photo placed in the document loses its EXIF inside the PDF, and is still the same JPEG', async () => {
    const doc = await PDFDocument.create({ updateMetadata: false });
    const source = sourceJpeg();
    const photo = await doc.embedJpg(source);
    doc.addPage([100, 100]).drawImage(photo, { x: 0, y: 0, width: 64, height: 48 });
    const original = await doc.save();
    expect(findsSourceStrings(original)).toEqual(expect.arrayContaining([SOURCE.name, SOURCE.serial]));

    const { bytes, report } = await cleanPdf(original);

    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(report.removed).toContain('metadata of photos in the document');
    const [jpeg] = (await PDFDocument.load(bytes, { updateMetadata: false })).context
      .enumerateIndirectObjects()
      .flatMap(([, o]) =>
        o instanceof PDFRawStream && o.dict.get(PDFName.of('Filter')) === PDFName.of('DCTDecode')
          ? [o.contents]
          : [],
      );
    if (!jpeg) throw new Error('the photo is gone from the page');
    expect(identifyingTags(exiftoolRead(jpeg, 'jpg'))).toEqual({});
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    // Only segments were cut: the pixels decode exactly as before.
    expect((await sharp(jpeg).raw().toBuffer()).equals(await sharp(source).raw().toBuffer())).toBe(true);
  });

  it('refuses bytes that are not a PDF', async () => {
    await expect(cleanPdf(new TextEncoder().encode('%PDF-1.7 nothing else'))).rejects.toThrow(
      'the PDF cannot be read',
    );
  });
});
