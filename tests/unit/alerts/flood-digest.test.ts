import { describe, expect, it } from 'vitest';
import { digestEmail, inboxLink, makeDigestDelivery } from '#core/alerts/flood-digest';
import { tipRecord } from '../../support/alert-fixtures';
import { typicalAttachments } from '../../support/attachment-fixtures';

const window = { from: new Date('2026-12-02T10:00:00Z'), to: new Date('2026-12-02T10:05:00Z') };

describe('the flood digest email', () => {
  it('names tips and held notices by id, kind, topic and time, and nothing the reader wrote', () => {
    const tip = tipRecord({ topic: 'europe' });
    const noticed = tipRecord({ kind: 'question', topic: 'africa' });
    const email = digestEmail({ tips: [tip], notices: [noticed], ...window });
    expect(email.subject).toBe(
      '[Tipline] Digest: 1 tip or question, 1 new reader message during a flood (10:00–10:05 UTC)',
    );
    expect(email.text).toContain(`${tip.id} · Tip · Europe · ${tip.createdAt}`);
    expect(email.text).toContain(`new reader message on ${noticed.id} · Question · Africa`);
    for (const secret of [tip.message, tip.subject, tip.name, tip.email, tip.phone]) {
      expect(JSON.stringify(email)).not.toContain(secret as string);
    }
    // Without STAFF_INBOX_URL there is nothing to link to.
    expect(email.html).not.toContain('<a ');
    expect(email.text).not.toContain('#/tips/');
  });

  it("links each tip to its page in the staff inbox, as the inbox's script reads it", () => {
    expect(inboxLink('https://inbox.example/staff', '01ABC')).toBe('https://inbox.example/staff#/tips/01ABC');
    expect(inboxLink('https://inbox.example/', '01ABC')).toBe('https://inbox.example/#/tips/01ABC');
    const tip = tipRecord();
    const email = digestEmail(
      { tips: [tip], notices: [], ...window },
      { inboxUrl: 'https://inbox.example/staff' },
    );
    expect(email.html).toContain(
      `<a href="https://inbox.example/staff#/tips/${tip.id}">open in the inbox</a>`,
    );
  });
});

describe('the flood digest and attachments', () => {
  it("counts a held tip's attachments by kind, and names none of them", () => {
    const attachments = typicalAttachments();
    const tip = tipRecord({ topic: 'europe', attachments });
    const plain = tipRecord({ topic: 'europe' });
    // A reader message on a tip with files is a notice: its files were counted in its own alert.
    const noticed = tipRecord({ topic: 'africa', attachments });
    const email = digestEmail({ tips: [tip, plain], notices: [noticed], ...window });

    expect(email.text).toContain(
      `${tip.id} · Tip · Europe · ${tip.createdAt} · 4 attachments (2 photos, 1 video, 1 document)`,
    );
    expect(email.text).toContain(`${plain.id} · Tip · Europe · ${plain.createdAt}\n`);
    expect(email.text).not.toMatch(new RegExp(`on ${noticed.id}.*attachment`));
    expect(email.html).toContain(
      '<td style="padding:2px 12px 2px 0">4 attachments (2 photos, 1 video, 1 document)</td>',
    );
    for (const a of attachments) {
      expect(JSON.stringify(email)).not.toContain(a.id);
      expect(JSON.stringify(email)).not.toContain(a.mime);
    }
  });
});

describe('digest delivery: one per desk, as routing sends the alerts', () => {
  const routing = {
    default: ['world@newsroom.example'],
    rules: [{ topic: 'middle-east' as const, to: ['mideast@newsroom.example', 'world@newsroom.example'] }],
  };

  it('lists a tip for every desk it routes to and for no other, and reports a desk whose send failed', async () => {
    const sent: { to: string[]; text: string }[] = [];
    const deliver = makeDigestDelivery({
      from: 'tipline@newsroom.example',
      routing,
      mailer: {
        async send(to, content) {
          // The one fault SES could produce here, for one desk only.
          if (to.includes('mideast@newsroom.example'))
            throw Object.assign(new Error('x'), { name: 'Throttling' });
          sent.push({ to, text: content.text });
          return `id-${sent.length}`;
        },
      },
    });
    const europe = tipRecord({ topic: 'europe' });
    const mideast = tipRecord({ topic: 'middle-east' });

    const outcomes = await deliver({ tips: [europe, mideast], notices: [], ...window });

    expect(outcomes).toEqual([
      {
        desk: 'world@newsroom.example',
        encrypted: false,
        tipIds: [europe.id, mideast.id],
        noticeIds: [],
        messageId: 'id-1',
      },
      {
        desk: 'mideast@newsroom.example',
        encrypted: false,
        tipIds: [mideast.id],
        noticeIds: [],
        error: 'Throttling',
      },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toEqual(['world@newsroom.example']);
  });
});
