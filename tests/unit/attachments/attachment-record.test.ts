import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_LIMITS,
  attachmentKind,
  attachmentListSchema,
  attachmentSchema,
  MAX_ATTACHMENTS_PER_TIP,
} from '#core/attachments/attachment-record';
import { cleanAttachment } from '#core/attachments/clean-attachment';
import { attachmentFromOutcome } from '#core/attachments/record-from-outcome';
import { tipRecordSchema } from '#core/tips/tip-record';
import { SOURCE, sourceJpeg } from '../../support/attachment-files';
import { attachmentRecord, typicalAttachments } from '../../support/attachment-fixtures';

const facts = { id: 'up-01', sizeBytes: 2048, uploadedAt: '2026-11-14T09:30:00.000Z' };

describe('an attachment record: the file as data, never its name or bytes', () => {
  it('accepts what the cleaner records and drops a file name a writer adds', () => {
    const withName = {
      ...attachmentRecord({ id: 'up-01' }),
      fileName: 'IMG_Kherson_balcony.jpg',
      name: 'x.jpg',
    };
    const parsed = attachmentSchema.parse(withName);
    expect(parsed).not.toHaveProperty('fileName');
    expect(parsed).not.toHaveProperty('name');
    expect(parsed.cleaning.removed).toEqual(['GPS position', 'camera serial number']);
  });

  it('refuses a type string or id that is not a plain token', () => {
    for (const mime of ['<img src=x onerror=alert(1)>', 'image/jpeg"><script>', 'jpeg', 'image/', ''])
      expect(attachmentSchema.safeParse(attachmentRecord({ id: 'up-01', mime })).success, mime).toBe(false);
    expect(
      attachmentSchema.safeParse(attachmentRecord({ id: 'audio', mime: 'audio/ogg; codecs=opus' })).success,
    ).toBe(true);
    for (const id of ['../etc/passwd', 'a b', '', 'x'.repeat(ATTACHMENT_LIMITS.id + 1)])
      expect(attachmentSchema.safeParse(attachmentRecord({ id })).success, id).toBe(false);
  });

  it(`holds at most ${MAX_ATTACHMENTS_PER_TIP} per tip; an old tip without any is still a tip`, () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => attachmentRecord({ id: `up-${i}` }));
    expect(attachmentListSchema.safeParse(list(MAX_ATTACHMENTS_PER_TIP)).success).toBe(true);
    expect(attachmentListSchema.safeParse(list(MAX_ATTACHMENTS_PER_TIP + 1)).success).toBe(false);
    const old = {
      id: '01JTEST',
      createdAt: '2026-11-14T09:30:00.000Z',
      kind: 'tip',
      topic: 'europe',
      message: 'm',
      anonymous: true,
      status: 'new',
      version: 1,
      history: [],
    };
    expect(tipRecordSchema.parse(old).attachments).toBeUndefined();
    expect(tipRecordSchema.parse({ ...old, attachments: typicalAttachments() }).attachments).toHaveLength(4);
  });

  it('sorts kinds by the sniffed type; an inert file is never a photo', () => {
    expect(attachmentKind('image/jpeg', 'cleaned')).toBe('photo');
    expect(attachmentKind('video/quicktime', 'cleaned')).toBe('video');
    expect(attachmentKind('audio/x-m4a', 'cleaned')).toBe('audio');
    expect(attachmentKind('application/pdf', 'cleaned')).toBe('document');
    expect(attachmentKind('application/msword', 'not-cleaned')).toBe('document');
    expect(attachmentKind('application/zip', 'not-cleaned')).toBe('other');
    expect(attachmentKind('image/svg+xml', 'refused-inert')).toBe('other');
  });

  it('records a real cleaned photo with its report, not scanned', async () => {
    const outcome = await cleanAttachment(sourceJpeg());
    const record = attachmentFromOutcome(outcome, facts);
    expect(record).toMatchObject({
      id: 'up-01',
      mime: 'image/jpeg',
      kind: 'photo',
      cleaning: { status: 'cleaned' },
      scan: { status: 'not-scanned' },
    });
    expect(record.cleaning.removed).toContain('GPS position');
    expect(JSON.stringify(record)).not.toContain(SOURCE.name);
  });

  it('records an HTML page as refused-inert and an unknown file as not cleaned, with reasons', async () => {
    const html = await cleanAttachment(new TextEncoder().encode('<!doctype html><script>alert(1)</script>'));
    expect(attachmentFromOutcome(html, facts)).toMatchObject({
      kind: 'other',
      mime: 'text/html',
      cleaning: { status: 'refused-inert', removed: [], reason: expect.stringContaining('download') },
    });
    const unknown = await cleanAttachment(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(attachmentFromOutcome(unknown, facts)).toMatchObject({
      kind: 'other',
      cleaning: { status: 'not-cleaned', reason: 'Tipline cannot clean this type of file' },
    });
  });

  it("keeps a cleaner's report within the bounds, whatever it says", () => {
    const outcome = {
      status: 'cleaned' as const,
      type: { ext: 'jpg', mime: 'image/jpeg' },
      kind: 'image' as const,
      bytes: new Uint8Array(),
      report: {
        removed: [
          'Kamera-Seriennummer (Ü)',
          'line\nbreak',
          'x'.repeat(200),
          ...Array.from({ length: 30 }, (_, i) => `w${i}`),
        ],
        notes: ['re-encoded'],
      },
    };
    const { cleaning } = attachmentFromOutcome(outcome, facts);
    expect(cleaning.removed).toHaveLength(ATTACHMENT_LIMITS.removedItems);
    expect(cleaning.removed.slice(0, 3)).toEqual([
      'Kamera-Seriennummer (?)',
      'line?break',
      `${'x'.repeat(ATTACHMENT_LIMITS.removedItem - 3)}...`,
    ]);
    expect(cleaning.notes).toEqual(['re-encoded']);
  });
});
