import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFObject,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from 'pdf-lib';
import { AttachmentCleaningError, type CleanedFile, uniqueItems } from '#core/attachments/cleaning-report';
import { stripJpegMetadata } from '#core/attachments/jpeg-segments';

/** Info dictionary entries, in the words the report uses; any other entry is a custom property. */
const INFO_WORDS: Record<string, string> = {
  Author: 'author name',
  Creator: 'creator software',
  Producer: 'producer software',
  Title: 'title',
  Subject: 'subject',
  Keywords: 'keywords',
  CreationDate: 'creation and modification dates',
  ModDate: 'creation and modification dates',
  Trapped: 'trapping flag',
};

/** Keys that carry metadata wherever they sit: on a page, an image, a font, an annotation. */
const METADATA_KEYS: Record<string, string> = {
  Metadata: 'XMP',
  PieceInfo: 'application private data',
  LastModified: 'modification dates',
};

/** Annotation entries naming who commented and when. */
const ANNOTATION_KEYS: Record<string, string> = { T: 'annotation author names', M: 'modification dates' };

/**
 * Cleans a PDF by building a new document from its pages alone (pdf-lib's copyPages), so only
 * what a page draws comes along: the Info dictionary, the catalog's XMP metadata, embedded files,
 * document scripts, and every earlier revision an incremental update left behind (editing a PDF
 * appends, so the first author's name is still in the file) are not copied. It is written out
 * as one revision. On what was copied, XMP streams, application private data and annotation
 * authors are removed too. Not kept: bookmarks, interactive form fields, links between pages.
 * JPEG photos placed in the pages lose their EXIF, XMP, IPTC and comments. Left as they are: the
 * text and pictures on the pages (see docs/architecture.md).
 */
export async function cleanPdf(bytes: Uint8Array): Promise<CleanedFile> {
  let source: PDFDocument;
  let clean: PDFDocument;
  const removed: string[] = [];
  try {
    source = await PDFDocument.load(bytes, { updateMetadata: false });
    removed.push(...describeDocument(source), ...describeRevisions(bytes));
    clean = await PDFDocument.create({ updateMetadata: false });
    const pages = await clean.copyPages(source, source.getPageIndices());
    for (const page of pages) clean.addPage(page);
  } catch (err) {
    // Damaged files, and encrypted ones: pdf-lib refuses those, whose metadata cannot be read
    // or removed without the password.
    throw new AttachmentCleaningError('the PDF cannot be read', { cause: err });
  }
  removed.push(...stripMetadataKeys(clean), ...stripImageMetadata(clean));

  const out = await clean.save({ updateFieldAppearances: false });
  return {
    bytes: out,
    mime: 'application/pdf',
    report: {
      removed: uniqueItems(removed),
      notes: ['rewritten as one revision', 'bookmarks and form fields not kept'],
    },
  };
}

function describeDocument(doc: PDFDocument): string[] {
  const found: string[] = [];
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  if (info instanceof PDFDict) {
    for (const key of info.keys()) found.push(INFO_WORDS[key.decodeText()] ?? 'custom document properties');
  }
  const catalog = doc.catalog;
  if (catalog.has(PDFName.of('Metadata'))) found.push('XMP');
  const names = catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  if (names?.has(PDFName.of('EmbeddedFiles'))) found.push('embedded files');
  if (names?.has(PDFName.of('JavaScript')) || catalog.has(PDFName.of('OpenAction')))
    found.push('document scripts');
  if (doc.context.trailerInfo.ID) found.push('file identifier');
  return found;
}

/**
 * Each incremental update adds a cross-reference section ending in `startxref`; more than one
 * means earlier revisions, whose objects (an old Info dictionary among them) are still in the file.
 */
function describeRevisions(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const sections = text.match(/startxref/g)?.length ?? 0;
  return sections > 1 ? ['earlier revisions'] : [];
}

/** Removes metadata keys from every dictionary and stream of the new document; names what it removed. */
function stripMetadataKeys(doc: PDFDocument): string[] {
  const removed: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    const dict = object instanceof PDFDict ? object : object instanceof PDFStream ? object.dict : undefined;
    if (!dict) continue;
    for (const [key, words] of Object.entries(METADATA_KEYS)) {
      if (dict.delete(PDFName.of(key))) removed.push(words);
    }
    // An annotation is a dictionary with a Subtype (Text, Highlight...); streams with one are images and forms.
    if (object instanceof PDFDict && dict.has(PDFName.of('Subtype'))) {
      for (const [key, words] of Object.entries(ANNOTATION_KEYS)) {
        if (dict.delete(PDFName.of(key))) removed.push(words);
      }
    }
  }
  dropUnreachable(doc);
  return removed;
}

/**
 * A photo placed in a document keeps its EXIF inside the PDF (a JPEG is stored as it came, a
 * DCTDecode stream): GPS and serial would survive the document's cleaning. Metadata segments
 * are cut from each such stream; the pixels are not touched.
 */
function stripImageMetadata(doc: PDFDocument): string[] {
  let removed = 0;
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (
      !(object instanceof PDFRawStream) ||
      object.dict.get(PDFName.of('Filter')) !== PDFName.of('DCTDecode')
    )
      continue;
    const stripped = stripJpegMetadata(object.contents);
    if (stripped.removed === 0) continue;
    removed += stripped.removed;
    const dict = object.dict.clone(doc.context);
    dict.set(PDFName.of('Length'), doc.context.obj(stripped.bytes.length));
    doc.context.assign(ref, PDFRawStream.of(dict, stripped.bytes));
  }
  return removed > 0 ? ['metadata of photos in the document'] : [];
}

/**
 * pdf-lib writes every object its context holds, referenced or not: the XMP streams and private
 * data whose keys were just removed would still be written. Keep only what the catalog reaches.
 */
function dropUnreachable(doc: PDFDocument): void {
  const { context } = doc;
  const reached = new Set<string>();
  const pending: PDFObject[] = [context.trailerInfo.Root].filter((o): o is PDFObject => o !== undefined);
  while (pending.length > 0) {
    const object = pending.pop();
    if (object instanceof PDFRef) {
      if (reached.has(object.tag)) continue;
      reached.add(object.tag);
      const target = context.lookup(object);
      if (target) pending.push(target);
    } else if (object instanceof PDFDict) {
      pending.push(...object.values());
    } else if (object instanceof PDFArray) {
      pending.push(...object.asArray());
    } else if (object instanceof PDFStream) {
      pending.push(object.dict);
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!reached.has(ref.tag)) context.delete(ref);
  }
}
