import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attachment, erasedAttachment } from '#core/attachments/attachment-record';
import type { TipRecord } from '#core/tips/tip-record';
import { attachmentRecord } from '../../support/attachment-fixtures';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';
import { runTipsCliOn } from '../../support/tips-cli';

/** What a terminal would act on: C0 controls but newline and tab, DEL, C1 controls, bidi controls and marks. */
const TERMINAL_ACTIVE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/**
 * A tip as it might sit in the table from before today's schema or written around it: every
 * reader-supplied field carries escape sequences (clear screen, colours, an OSC window title,
 * 8-bit CSI), bare CR, BEL, NUL and bidi overrides.
 */
function hostileTip(): TipRecord {
  const tip = seedTip({
    createdAt: new Date('2026-11-27T08:00:00Z'),
    topic: 'other',
    subject: 'Ferry \u001b[2J\u001b[Hstrike\u001b]0;pwned\u0007 \u202eevil\u202c',
    message:
      'line one \u001b[31mred\u001b[0m\nline two\rOVERWRITTEN \u009b2J \u0007bell \u0000nul \u2066isolate\u2069 \u200fRLM',
  });
  return {
    ...tip,
    anonymous: false,
    name: 'Ana\u001b[8m hidden\u001b[28m',
    email: 'ana@example.org\u001b[1A',
    sourceUrl: 'https://example.org/\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\',
    tags: ['x\u001b[5mblink'],
    // A record written around the schema: escapes in its type string and report.
    attachments: [
      {
        ...attachmentRecord({ id: 'att-1\u001b[2J' }),
        mime: 'image/jpeg\u001b]0;pwned\u0007',
        cleaning: { status: 'cleaned', removed: ['GPS\u001b[31m position', 'camera serial number'] },
      } as Attachment,
      {
        ...attachmentRecord({ id: 'att-2', mime: 'application/zip', kind: 'other', width: undefined }),
        cleaning: { status: 'not-cleaned', removed: [], reason: 'cannot\u009b2J clean' },
      } as Attachment,
      erasedAttachment({ id: 'att-3\u001b[2J', uploadedAt: tip.createdAt, scan: { status: 'not-scanned' } }),
    ],
    history: [
      ...tip.history,
      { at: tip.createdAt, by: 'rea\u001b[1Kder', action: 'note', note: 'n\u001bcote' },
    ],
  };
}

describe('npm run tips prints nothing a terminal would act on, whatever is stored', () => {
  let s: StaffStack;
  const tip = hostileTip();

  beforeAll(async () => {
    s = await startStaffStack('staff-cli-hostile');
    await batchWriteTips(s.doc, s.tableName, [tip]);
  });
  afterAll(async () => s?.stop());

  const run = (args: string[], { tty = false } = {}) => runTipsCliOn(s, args, { stdoutTty: tty });

  it.each([
    ['list', ['list']],
    ['list --json', ['list', '--json']],
    ['show', ['show', tip.id]],
    ['show --json', ['show', tip.id, '--json']],
    ['export to a terminal', ['export', '--format', 'jsonl']],
  ])('%s', async (_, args) => {
    const { code, stdout, stderr } = await run(args, { tty: args[0] === 'export' });

    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(0);
    expect(stdout).not.toMatch(TERMINAL_ACTIVE);
    expect(stderr).not.toMatch(TERMINAL_ACTIVE);
  });

  it('keeps the readable text, and --json stays exact', async () => {
    const shown = (await run(['show', tip.id])).stdout;
    expect(shown).toContain('Ferry strike');
    expect(shown).toContain('  line one red\n  line twoOVERWRITTEN');
    expect(shown).toContain('name      Ana hidden');
    expect(shown).toContain(
      '  att-1  photo  image/jpeg  1.2 MB  4032x3024  metadata removed: GPS position, camera serial number  not-scanned',
    );
    expect(shown).toContain(
      '  att-2  other  application/zip  1.2 MB  NOT CLEANED: cannot clean  not-scanned',
    );
    // An erased file: only its id, and that it is gone.
    expect(shown).toContain('  att-3  erased: deleted for good\n');

    const asJson = JSON.parse((await run(['show', tip.id, '--json'])).stdout) as TipRecord;
    expect(asJson.subject).toBe(tip.subject);
    expect(asJson.message).toBe(tip.message);
  });

  it('an export to a file or a pipe is the data as stored', async () => {
    const { stdout } = await run(['export', '--format', 'jsonl']);
    expect((JSON.parse(stdout.trim()) as TipRecord).message).toBe(tip.message);
  });
});
