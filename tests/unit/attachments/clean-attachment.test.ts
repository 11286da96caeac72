import { describe, expect, it } from 'vitest';
import { cleanAttachment } from '#core/attachments/clean-attachment';
import { findsSourceStrings, sourceJpeg, sourceMp4, sourcePdf } from '../../support/attachment-files';

const text = (s: string) => new TextEncoder().encode(s);

describe('cleanAttachment', () => {
  it('cleans a photo, a PDF and a video whatever they are called, and reports what it removed', async () => {
    const photo = await cleanAttachment(sourceJpeg());
    const pdf = await cleanAttachment(await sourcePdf());
    const video = await cleanAttachment(sourceMp4());

    expect(photo).toMatchObject({ status: 'cleaned', kind: 'image', type: { mime: 'image/jpeg' } });
    expect(pdf).toMatchObject({ status: 'cleaned', kind: 'pdf', type: { mime: 'application/pdf' } });
    expect(video).toMatchObject({ status: 'cleaned', kind: 'media', type: { mime: 'video/mp4' } });
    for (const outcome of [photo, pdf, video]) {
      if (outcome.status !== 'cleaned') throw new Error('expected a clean copy');
      expect(findsSourceStrings(outcome.bytes)).toEqual([]);
      expect(outcome.report.removed).toContain('author name');
    }
  });

  it('keeps HTML named photo.jpg and an SVG with a script inert, never cleaned as images', async () => {
    const html = await cleanAttachment(text('<html><script>fetch("/tips")</script></html>'));
    const svg = await cleanAttachment(
      text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    );

    expect(html).toEqual({ status: 'inert', kind: 'inert', type: { ext: 'html', mime: 'text/html' } });
    expect(svg).toEqual({ status: 'inert', kind: 'inert', type: { ext: 'svg', mime: 'image/svg+xml' } });
  });

  it('stores what it cannot clean as received, saying why: unknown bytes, a damaged JPEG', async () => {
    const unknown = await cleanAttachment(text('minutes of the meeting'));
    const damaged = await cleanAttachment(sourceJpeg().subarray(0, 600));

    expect(unknown).toEqual({
      status: 'not-cleaned',
      kind: 'not-cleanable',
      type: { ext: 'bin', mime: 'application/octet-stream' },
      reason: 'Tipline cannot clean this type of file',
    });
    expect(damaged).toMatchObject({ status: 'not-cleaned', kind: 'image', type: { mime: 'image/jpeg' } });
    expect(damaged.status === 'not-cleaned' && damaged.reason).toMatch(/stored as received$/);
  });
});
