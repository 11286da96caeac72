import { describe, expect, it } from 'vitest';
import { uploadLimits } from '#core/uploads/upload-limits';
import { FILE_REFUSED, filesLimitsText, formatBytes } from '../../../web/shared/reader-copy';

describe('the file picker’s words', () => {
  it('says sizes in the units a reader knows', () => {
    expect(
      [0, 1, 512, 1024, 1536, 2048, 10 * 1024 + 300, 100 * 1024 * 1024, 250 * 1024 * 1024].map(formatBytes),
    ).toEqual(['0 bytes', '1 byte', '512 bytes', '1 KB', '1.5 KB', '2 KB', '10 KB', '100 MB', '250 MB']);
  });

  it('states the default limits as issue 12 has them, from the one place they are set', () => {
    const limits = uploadLimits();

    expect(filesLimitsText(limits)).toBe('Up to 10 files, each at most 100 MB, 250 MB together.');
    expect(FILE_REFUSED.tooBig(limits)).toBe('this file is larger than 100 MB');
    expect(FILE_REFUSED.tooMany(limits)).toBe('only 10 files can be sent together');
  });

  it('keeps a tip’s total at least one file’s limit when MAX_FILE_BYTES is raised past it', () => {
    expect(uploadLimits(300 * 1024 * 1024)).toEqual({
      maxFiles: 10,
      maxFileBytes: 300 * 1024 * 1024,
      maxTotalBytes: 300 * 1024 * 1024,
    });
  });
});
