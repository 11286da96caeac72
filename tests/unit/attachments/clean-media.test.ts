import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanMedia } from '#core/attachments/clean-media';
import { sniffType } from '#core/attachments/sniff-type';
import {
  exiftoolRead,
  findsSourceStrings,
  identifyingTags,
  SOURCE,
  sourceM4a,
  sourceMp4,
} from '../../support/attachment-files';

const MP4 = { ext: 'mp4', mime: 'video/mp4' };
const dir = mkdtempSync(join(tmpdir(), 'tipline-media-'));

function writeTemp(bytes: Uint8Array): string {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.m4a`);
  writeFileSync(file, bytes);
  return file;
}

/** What ffprobe reads of each stream, and how many frames ffmpeg decodes without an error. */
function probe(bytes: Uint8Array): { streams: unknown[]; frames: number } {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(file, bytes);
  const json = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_type,width,height,nb_read_frames',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const { streams } = JSON.parse(json) as { streams: { codec_type: string; nb_read_frames: string }[] };
  // Decoding every frame: a broken offset table would stop ffmpeg with an error here.
  execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  const video = streams.find((s) => s.codec_type === 'video');
  return { streams, frames: Number(video?.nb_read_frames) };
}

describe('cleanMedia', () => {
  it('an MP4 with location atoms: exiftool finds no GPS, serial, author, software or comment after', async () => {
    const original = sourceMp4();
    const before = identifyingTags(exiftoolRead(original, 'mp4'));
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'Keys:Location',
        'Keys:Author',
        'UserData:GPSCoordinates',
        'UserData:SerialNumberHash',
        'Composite:GPSPosition',
      ]),
    );
    expect(findsSourceStrings(original)).toEqual(expect.arrayContaining([SOURCE.name, SOURCE.software]));

    const { bytes, mime, report } = await cleanMedia(original, MP4);

    expect(identifyingTags(exiftoolRead(bytes, 'mp4'))).toEqual({});
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(mime).toBe('video/mp4');
    expect(report.removed).toEqual(
      expect.arrayContaining([
        'GPS position',
        'camera serial number',
        'author name',
        'creator software',
        'comment',
        'XMP',
      ]),
    );
  });

  it('still plays: same streams, same size, every frame decodes', async () => {
    const original = sourceMp4();

    const { bytes } = await cleanMedia(original, MP4);

    expect(bytes.length).toBe(original.length);
    expect(probe(bytes)).toEqual(probe(original));
    expect(probe(bytes).frames).toBe(5);
  });

  it('a QuickTime MOV, as an iPhone sends: the same atoms go, and it still plays', async () => {
    const original = sourceMp4('mov');
    expect(await sniffType(original)).toEqual({ ext: 'mov', mime: 'video/quicktime' });

    const { bytes, mime } = await cleanMedia(original, await sniffType(original));

    expect(identifyingTags(exiftoolRead(bytes, 'mov'))).toEqual({});
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(mime).toBe('video/quicktime');
    expect(probe(bytes)).toEqual(probe(original));
  });

  it('a voice memo (M4A): location and artist gone, the sound as sent', async () => {
    const original = sourceM4a();
    const type = await sniffType(original);
    expect(type).toEqual({ ext: 'm4a', mime: 'audio/x-m4a' });

    const { bytes, mime, report } = await cleanMedia(original, type);

    expect(identifyingTags(exiftoolRead(bytes, 'm4a'))).toEqual({});
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(mime).toBe('audio/x-m4a');
    expect(report.removed).toEqual(expect.arrayContaining(['GPS position', 'author name']));
    expect(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', writeTemp(bytes)],
        { encoding: 'utf8' },
      ).trim(),
    ).toBe('aac');
  });

  it('refuses bytes that are not a movie', async () => {
    await expect(cleanMedia(new TextEncoder().encode('not a movie at all'), MP4)).rejects.toThrow(
      'the video cannot be read',
    );
  });
});
