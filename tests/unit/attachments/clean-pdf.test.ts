import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { cleanPdf } from '#core/attachments/clean-pdf';
import {
  exiftoolRead,
  findsSourceStrings,
  identifyingTags,
  SOURCE,
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

  it('refuses bytes that are not a PDF', async () => {
    await expect(cleanPdf(new TextEncoder().encode('%PDF-1.7 nothing else'))).rejects.toThrow(
      'the PDF cannot be read',
    );
  });
});
