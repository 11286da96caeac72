import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanAttachment } from '#core/attachments/clean-attachment';
import { cleanAudio } from '#core/attachments/clean-audio';
import {
  exiftoolRead,
  findsSourceStrings,
  identifyingTags,
  SOURCE,
  sourceMp3,
} from '../../support/attachment-files';

const MP3 = { ext: 'mp3', mime: 'audio/mpeg' };
const dir = mkdtempSync(join(tmpdir(), 'tipline-audio-'));

/** ffprobe's streams; with `decode`, every frame decoded by ffmpeg, which stops at a damaged one. */
function audioStreams(bytes: Uint8Array, decode = true): string {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.mp3`);
  writeFileSync(file, bytes);
  if (decode) execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  return execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', file],
    {
      encoding: 'utf8',
    },
  ).trim();
}

describe('cleanAudio', () => {
  it('an MP3 voice note: ID3v2 (with a GPS-tagged cover photo), APE and ID3v1 tags gone, the sound kept', async () => {
    const original = sourceMp3();
    expect(Object.keys(identifyingTags(exiftoolRead(original, 'mp3')))).toEqual(
      expect.arrayContaining(['ID3v2_3:Artist', 'ID3v1:Artist', 'APE:Artist']),
    );
    expect(findsSourceStrings(original)).toEqual(
      expect.arrayContaining([SOURCE.name, SOURCE.serial, SOURCE.software]),
    );
    // (ffmpeg -xerror stops at the hand-made APE tag of the fixture, so the original is only probed.)
    expect(audioStreams(original, false)).toBe('mp3,audio\nmjpeg,video');

    const { bytes, mime, report } = await cleanAudio(original, MP3);

    expect(identifyingTags(exiftoolRead(bytes, 'mp3'))).toEqual({});
    expect(findsSourceStrings(bytes)).toEqual([]);
    expect(audioStreams(bytes)).toBe('mp3,audio');
    expect(mime).toBe('audio/mpeg');
    expect(report.removed).toEqual([
      'ID3 tags (artist, title, comments, pictures, software)',
      'ID3v1 tag',
      'APE tag',
    ]);
  });

  it('goes through cleanAttachment; other audio is stored not cleaned, saying so', async () => {
    const ogg = join(dir, 'note.ogg');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=0.2', '-c:a', 'libopus', ogg]);

    const mp3 = await cleanAttachment(sourceMp3());
    const opus = await cleanAttachment(execFileSync('cat', [ogg]));

    expect(mp3).toMatchObject({ status: 'cleaned', kind: 'audio', type: { mime: 'audio/mpeg' } });
    expect(opus).toMatchObject({
      status: 'not-cleaned',
      kind: 'audio',
      reason: 'no cleaner for opus audio yet, so it is stored as received',
    });
  });
});
