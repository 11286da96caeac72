import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deskAlertEmail } from '#core/alerts/desk-alert-email';
import type { TipRecord } from '#core/tips/tip-record';
import { INJECTION, tipRecord } from '../../support/alert-fixtures';
import { typicalAttachments } from '../../support/attachment-fixtures';

describe('the desk alert email', () => {
  it('carries kind, topic, subject, message, contact and id in both parts', () => {
    const tip = tipRecord({ sourceUrl: 'https://example.org/a?b=1&c=2' });
    const email = deskAlertEmail(tip);
    expect(email.subject).toBe('[Tipline] New tip · Russia-Ukraine war · Grain corridor');
    for (const expected of [
      'Tip',
      'Russia-Ukraine war',
      'Grain corridor',
      tip.message,
      'Edgars Rinkēvičs',
      'reader@example.org',
      '+371 2000 0000',
      'https://example.org/a?b=1&c=2',
      tip.id,
    ]) {
      expect(email.text).toContain(expected);
    }
    for (const expected of ['Russia-Ukraine war', 'Edgars Rinkēvičs', tip.id]) {
      expect(email.html).toContain(expected);
    }
    expect(email.html).toContain('https://example.org/a?b=1&amp;c=2');
  });

  it.each([
    [
      'an anonymous tip',
      { anonymous: true, name: undefined, email: undefined, phone: undefined },
      'anonymous',
    ],
    ['a tip without contact details', { name: undefined, email: undefined, phone: undefined }, 'none given'],
  ])('says so for %s', (_, overrides, contact) => {
    const email = deskAlertEmail(tipRecord(overrides));
    expect(email.text).toMatch(new RegExp(`Contact:\\s+${contact}`));
    expect(email.html).toContain(`<td dir="auto">${contact}</td>`);
  });

  it("never carries the receipt code, the reader's only credential, in either part", () => {
    // An item from before receipts were hashed still holds its code: it must not reach the email.
    const tip = { ...tipRecord(), receipt: 'QRST-UVWX-YZ23' } as TipRecord;
    const email = deskAlertEmail(tip);
    for (const part of [email.subject, email.text, email.html]) {
      expect(part).not.toContain('QRST-UVWX-YZ23');
      expect(part).not.toMatch(/receipt/i);
    }
  });

  it('marks every piece of reader text dir="auto" in the HTML part, and nothing the desk wrote', () => {
    const tip = tipRecord({
      subject: 'ممر الحبوب',
      message: 'السفن تنتظر خارج أوديسا',
      name: 'ليلى',
      sourceUrl: 'https://example.org/x',
    });
    const { html } = deskAlertEmail(tip);
    for (const text of ['ممر الحبوب', 'ليلى', 'https://example.org/x']) {
      expect(html).toContain(`<td dir="auto">${text}`);
    }
    expect(html).toMatch(/<div dir="auto"[^>]*>السفن تنتظر خارج أوديسا<\/div>/);
    expect(html).toContain(`<td>${tip.id}</td>`);
    expect(html.match(/dir="auto"/g)).toHaveLength(4);
  });

  it('labels a question and falls back to the message when there is no subject', () => {
    const email = deskAlertEmail(tipRecord({ kind: 'question', subject: undefined, topic: 'africa' }));
    expect(email.subject).toBe(
      '[Tipline] New question · Africa · Ships are waiting outside Odesa since Monday. A second line.',
    );
    expect(email.text).toContain('Subject:  (none)');
  });

  it('keeps a long subject to one short header line', () => {
    const email = deskAlertEmail(tipRecord({ subject: undefined, message: 'word '.repeat(2_000) }));
    expect(email.subject.length).toBeLessThanOrEqual(140);
    expect(email.subject.endsWith('…')).toBe(true);
  });

  it('escapes <script> and every other reader string in the HTML part, and keeps it as text in the text part', () => {
    const script = '<script>alert("x")</script>';
    const email = deskAlertEmail(
      tipRecord({
        subject: `Subject ${script}`,
        message: `Look: ${script} & more`,
        name: `<img src=x onerror=alert(1)>`,
        email: `o'brien@example.org`,
        sourceUrl: 'https://example.org/"><script>x</script>',
      }),
    );
    expect(email.html).not.toMatch(/<script/i);
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('Look: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('o&#39;brien@example.org');
    expect(email.text).toContain(`Look: ${script} & more`);
    expect(email.text).toContain('<img src=x onerror=alert(1)>');
  });

  it('never lets CR/LF in the subject or name become a header line', () => {
    const email = deskAlertEmail(
      tipRecord({ subject: `Grain corridor${INJECTION}`, name: `Ana${INJECTION}` }),
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toBe(
      '[Tipline] New tip · Russia-Ukraine war · Grain corridor Bcc: evil@example.org',
    );
    // In the body too, each field stays on its own row: no forged "Bcc:" (or "Receipt:") line.
    expect(email.text).not.toMatch(/^Bcc:/m);
    expect(email.text).toMatch(/^Contact: +Ana Bcc: evil@example.org · reader@example.org/m);
    expect(email.text).toMatch(/^Subject: +Grain corridor Bcc: evil@example.org$/m);
  });

  it.each([
    ['a line separator', '\u2028'],
    ['a NUL and vertical tab', '\u0000\u000b'],
    ['a C1 next-line', '\u0085'],
  ])('flattens %s in the subject too', (_, control) => {
    expect(deskAlertEmail(tipRecord({ subject: `one${control}two` })).subject).toMatch(/one two$/);
  });

  it('for any reader strings: a one-line subject, no raw markup in the HTML, every row on one line', () => {
    // Full Unicode, with control, separator and markup characters made likely.
    const hostile = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\r', '\n', '\u2028', '\u0085', '\u0000', '<', '>', '&', '"', "'", ' '),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      maxLength: 300,
    });
    fc.assert(
      fc.property(hostile, hostile, hostile, (subject, name, message) => {
        const email = deskAlertEmail(tipRecord({ subject, name, message: `m${message}` }));
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
        expect(email.subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
        expect(email.subject.length).toBeLessThanOrEqual(140);
        // Outside the template's own tags, no reader character can open or close one.
        const body = email.html.replace(
          /<\/?(?:!doctype html|html|head|meta|title|body|h1|h2|table|tr|th|td|div|p)\b[^<>]*>/gi,
          '',
        );
        expect(body).not.toMatch(/[<>]/);
        const rows = email.text.split('\n\nMessage:\n')[0]?.split('\n').slice(2) ?? [];
        expect(rows.map((r) => r.split(':')[0])).toEqual([
          'Kind',
          'Topic',
          'Subject',
          'Contact',
          'Received',
          'Tip id',
        ]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the desk alert and attachments', () => {
  it('says how many files by kind in both parts, never a file name, type or id', () => {
    const attachments = typicalAttachments().slice(0, 3);
    const email = deskAlertEmail(tipRecord({ attachments }));
    expect(email.text).toMatch(/Attachments:\s+3 attachments \(2 photos, 1 video\)\n/);
    expect(email.html).toContain('<td>3 attachments (2 photos, 1 video)</td>');
    for (const a of attachments) {
      expect(email.text + email.html).not.toContain(a.id);
      expect(email.text + email.html).not.toContain(a.mime);
    }
  });

  it('has no attachments row for a tip without any (an old tip or a text-only one)', () => {
    for (const attachments of [undefined, []]) {
      const email = deskAlertEmail(tipRecord({ attachments }));
      expect(email.text).not.toContain('Attachments');
      expect(email.html).not.toContain('attachment');
    }
  });
});
