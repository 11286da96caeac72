import { describe, expect, it } from 'vitest';
import { type AttachmentKind, erasedAttachment } from '#core/attachments/attachment-record';
import { attachmentCountLine, durationWords, sizeWords } from '#core/attachments/attachment-words';

const kinds = (...list: AttachmentKind[]) => list.map((kind) => ({ kind }));

describe('the words for attachments', () => {
  it('counts them by kind, in a fixed order, singular and plural', () => {
    expect(attachmentCountLine(kinds('video', 'photo', 'photo'))).toBe('3 attachments (2 photos, 1 video)');
    expect(attachmentCountLine(kinds('document'))).toBe('1 attachment (1 document)');
    expect(attachmentCountLine(kinds('audio', 'audio', 'other', 'document', 'document'))).toBe(
      '5 attachments (2 audio files, 2 documents, 1 other file)',
    );
  });

  it('counts a file not yet cleaned as being cleaned, not as an other file', () => {
    const pending = { kind: 'other' as const, cleaning: { status: 'pending' } };
    const cleaned = { kind: 'photo' as const, cleaning: { status: 'cleaned' } };
    expect(attachmentCountLine([pending, pending])).toBe('2 attachments (2 being cleaned)');
    expect(attachmentCountLine([cleaned, pending])).toBe('2 attachments (1 photo, 1 being cleaned)');
  });

  it('counts an erased file as erased, not as an other file', () => {
    const erased = erasedAttachment({
      id: 'a1',
      uploadedAt: '2026-11-14T09:30:00.000Z',
      scan: { status: 'not-scanned' },
    });
    const cleaned = { kind: 'photo' as const, cleaning: { status: 'cleaned' } };
    expect(attachmentCountLine([erased, erased])).toBe('2 attachments (2 erased)');
    expect(attachmentCountLine([cleaned, erased])).toBe('2 attachments (1 photo, 1 erased)');
  });

  it('says nothing for a tip without attachments, and counts an unknown kind as other', () => {
    expect(attachmentCountLine(undefined)).toBeUndefined();
    expect(attachmentCountLine([])).toBeUndefined();
    expect(attachmentCountLine([{ kind: '<b>script</b>' as AttachmentKind }])).toBe(
      '1 attachment (1 other file)',
    );
  });

  it('gives sizes and lengths as staff read them', () => {
    expect(sizeWords(1)).toBe('1 byte');
    expect(sizeWords(812)).toBe('812 bytes');
    expect(sizeWords(1_234_567)).toBe('1.2 MB');
    expect(sizeWords(48_200_000)).toBe('48 MB');
    expect(durationWords(42)).toBe('0:42');
    expect(durationWords(725)).toBe('12:05');
    expect(durationWords(3729.4)).toBe('1:02:09');
  });
});
