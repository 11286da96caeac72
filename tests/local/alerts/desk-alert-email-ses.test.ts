import { describe, expect, inject, it } from 'vitest';
import { deskAlertEmail } from '#core/alerts/desk-alert-email';
import { makeMailer } from '#core/alerts/mailer';
import { makeSesClient } from '#core/platform/aws-clients';
import { INJECTION, tipRecord } from '../../support/alert-fixtures';
import { readMailbox, type StoredEmail } from '../../support/local-env';

/** The raw RFC 5322 message the SES emulator built, split into its header block and the rest. */

async function rawMessage(sesUrl: string, messageId: string): Promise<{ headers: string; raw: string }> {
  const res = await fetch(`${sesUrl}/get-emlContent?messageId=${encodeURIComponent(messageId)}`);
  expect(res.status).toBe(200);
  const { body } = (await res.json()) as { body: { type: 'Buffer'; data: number[] } };
  const raw = Buffer.from(body.data).toString('utf8');
  const end = raw.indexOf('\r\n\r\n') === -1 ? raw.indexOf('\n\n') : raw.indexOf('\r\n\r\n');
  return { headers: raw.slice(0, end), raw };
}

/** Header fields with their continuation lines joined (RFC 5322 unfolding). */
function unfoldHeaders(block: string): string[] {
  return block.split(/\r?\n(?![ \t])/).map((h) => h.replace(/\r?\n[ \t]+/g, ' '));
}

/** Decodes RFC 2047 encoded words (Q and B); whitespace between adjacent words is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

describe('the desk alert email through the real SES emulator', () => {
  it('sent through the real SES emulator, a hostile subject and name add no header', async () => {
    const sesUrl = inject('sesUrl');
    const mailer = makeMailer({
      ses: makeSesClient({ region: 'us-east-1', endpoint: sesUrl }),
      from: 'tipline@newsroom.example',
    });
    const tip = tipRecord({ subject: `Grain corridor${INJECTION}`, name: `Ana${INJECTION}` });

    const messageId = await mailer.send(['world-desk@newsroom.example'], deskAlertEmail(tip));

    const stored = (await readMailbox(sesUrl)).find((e) => e.messageId === messageId);
    expect(stored?.destination).toEqual({ to: ['world-desk@newsroom.example'], cc: [], bcc: [] });
    expect(stored?.subject).not.toMatch(/[\r\n]/);
    const { headers, raw } = await rawMessage(sesUrl, messageId);
    const lines = headers.split(/\r?\n/);
    expect(lines.some((l) => /^bcc:/i.test(l))).toBe(false);
    // Nor in any MIME part's own header block. (A part's body may have a line that starts with
    // "Bcc:" where quoted-printable soft-wraps the reader's text: that is body, not a header.)
    const partHeaders = raw
      .split(/\r?\n--[^\r\n]+\r?\n/)
      .slice(1)
      .map((part) => part.split(/\r?\n\r?\n/)[0] ?? '');
    expect(partHeaders.length).toBeGreaterThanOrEqual(2);
    for (const block of partHeaders) expect(block).not.toMatch(/^bcc:/im);
    expect(stored?.body.text).toContain('Ana Bcc: evil@example.org');
    // The emulator folds the long UTF-8 subject into RFC 2047 encoded words over continuation
    // lines; unfolded and decoded it must be our one-line subject, text and all.
    const subjectHeaders = unfoldHeaders(headers).filter((h) => /^subject:/i.test(h));
    expect(subjectHeaders).toHaveLength(1);
    expect(decodeWords((subjectHeaders[0] ?? '').replace(/^subject:\s*/i, ''))).toBe(
      '[Tipline] New tip · Russia-Ukraine war · Grain corridor Bcc: evil@example.org',
    );
    expect(lines.filter((l) => /^to:/i.test(l))).toEqual(['To: world-desk@newsroom.example']);
  });

  it('carries one Message-ID on the sender domain, as SES received it and in the message the emulator built', async () => {
    const sesUrl = inject('sesUrl');
    const mailer = makeMailer({
      ses: makeSesClient({ region: 'us-east-1', endpoint: sesUrl }),
      from: 'tipline@newsroom.example',
    });

    const messageId = await mailer.send(['world-desk@newsroom.example'], deskAlertEmail(tipRecord()));

    const stored = (await readMailbox(sesUrl)).find((e) => e.messageId === messageId) as
      | (StoredEmail & { headers?: { name: string; value: string }[] })
      | undefined;
    const given = stored?.headers?.filter((h) => h.name.toLowerCase() === 'message-id') ?? [];
    expect(given).toEqual([
      { name: 'Message-ID', value: expect.stringMatching(/^<[0-9a-f-]{36}@newsroom\.example>$/) },
    ]);
    const { headers } = await rawMessage(sesUrl, messageId);
    expect(unfoldHeaders(headers).filter((h) => /^message-id:/i.test(h))).toEqual([
      `Message-ID: ${given[0]?.value}`,
    ]);
  });
});
