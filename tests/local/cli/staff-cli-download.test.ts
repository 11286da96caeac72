import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tipRecordSchema } from '#core/tips/tip-record';
import { cleanKey } from '#core/uploads/storage-layout';
import { attachmentRecord } from '../../support/attachment-fixtures';
import { cleanBucketOf, tinyJpeg } from '../../support/attachment-objects';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';
import { runTipsCliOn } from '../../support/tips-cli';

describe('npm run tips -- download', () => {
  let s: StaffStack;
  let dir: string;
  let jpeg: Buffer;
  const tip = seedTip({
    createdAt: new Date('2026-11-28T08:00:00Z'),
    attachments: [
      attachmentRecord({ id: 'cli-photo' }),
      attachmentRecord({ id: 'cli-pending', cleaning: { status: 'pending', removed: [] } }),
    ],
  });

  beforeAll(async () => {
    s = await startStaffStack('staff-cli-download');
    dir = mkdtempSync(join(tmpdir(), 'tipline-cli-download-'));
    jpeg = await tinyJpeg();
    await batchWriteTips(s.doc, s.tableName, [tip]);
    const bucket = cleanBucketOf(s.stack);
    await bucket.put(cleanKey('cli-photo'), jpeg, 'image/jpeg');
    bucket.close();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await s?.stop();
  });

  it('saves the clean copy to --out and says it was recorded; the tip has the history entry', async () => {
    const out = join(dir, 'photo.jpg');
    const { code, stderr } = await runTipsCliOn(s, ['download', tip.id, 'cli-photo', '--out', out]);
    const stored = tipRecordSchema.parse((await s.getJson(`/tips/${tip.id}`)).body);

    expect(code).toBe(0);
    expect(readFileSync(out).equals(jpeg)).toBe(true);
    expect(stderr).toContain("recorded in the tip's history (version 2)");
    expect(stored.history.at(-1)).toMatchObject({ action: 'download', attachment: 'cli-photo' });
    const shown = await runTipsCliOn(s, ['show', tip.id]);
    expect(shown.stdout).toMatch(/alice\s+download cli-photo/);
  });

  it('says why a file cannot be had, with the code, and exits 1; an attachment id is required', async () => {
    const pending = await runTipsCliOn(s, ['download', tip.id, 'cli-pending', '--out', join(dir, 'x')]);
    const missing = await runTipsCliOn(s, ['download', tip.id]);

    expect(pending.code).toBe(1);
    expect(pending.stderr).toContain('409 attachment_pending');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('download needs an attachment id');
  });
});
