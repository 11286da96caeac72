import { describe, expect, it } from 'vitest';
import { cleanAttachment } from '#core/attachments/clean-attachment';
import {
  findsSourceStrings,
  sourceJpeg,
  sourceMp3,
  sourceMp4,
  sourcePdf,
  sourcePng,
  sourceWebp,
} from '../../support/attachment-files';

/**
 * An upload cut short (a lost connection, a tampered file) must never come out "cleaned" with
 * the source's name still in it, and never throw (a thrown error would be a 500, a bug).
 */
describe.each([
  ['JPEG', async () => sourceJpeg()],
  ['PNG', async () => sourcePng()],
  ['WebP', async () => sourceWebp()],
  ['MP4', async () => sourceMp4()],
  ['PDF', sourcePdf],
  ['MP3', async () => sourceMp3()],
])('a %s cut short', (_name, make) => {
  it('is cleaned with nothing of the source left, or stored as not cleaned, at every cut', async () => {
    const whole = await make();
    const spread = Array.from({ length: 40 }, (_, i) => Math.floor(((i + 1) * whole.length) / 41));
    // Tags and trailers sit at the end (ID3v1, APE, a PDF's last revision): cut there densely too.
    const nearEnd = Array.from({ length: 30 }, (_, i) => whole.length - 1 - i * 7);
    const cuts = [...spread, ...nearEnd];

    for (const cut of cuts) {
      const outcome = await cleanAttachment(whole.subarray(0, cut));
      if (outcome.status === 'cleaned')
        expect({ cut, found: findsSourceStrings(outcome.bytes) }).toEqual({ cut, found: [] });
      else expect(['not-cleaned', 'inert']).toContain(outcome.status);
    }
  });
});
