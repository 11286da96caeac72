import { attachmentCountLine } from '#core/attachments/attachment-words';
import { escapeHtml } from '#core/tips/text-safety';
import type { TipRecord } from '#core/tips/tip-record';
import { TOPIC_LABELS } from '#core/tips/tip-schema';
import type { EmailContent } from './desk-alert-email';
import { type DeskRouting, routeTip } from './desk-routing';
import type { Mailer, RawMailer } from './mailer';
import { type AlertEncryptor, pgpMimeMessage } from './pgp-alert';

/**
 * What a digest may say about a tip: never its text, its contact details or its receipt code;
 * of its attachments, only how many of each kind.
 */
export type DigestTip = Pick<TipRecord, 'id' | 'kind' | 'topic' | 'createdAt' | 'attachments'>;

export interface DigestBatch {
  /** Tips held by the flood breaker: they get no alert of their own. */
  tips: DigestTip[];
  /** Tips whose reader added a message that got no notice of its own this window. */
  notices: DigestTip[];
  from: Date;
  to: Date;
}

/** One desk's digest as sent (or not): what it listed, so the caller knows what reached whom. */
export interface DigestSend {
  desk: string;
  encrypted: boolean;
  tipIds: string[];
  noticeIds: string[];
  messageId?: string;
  /** The error's name when this desk's digest was not sent. */
  error?: string;
}

export type DigestDelivery = (batch: DigestBatch) => Promise<DigestSend[]>;

export const ENCRYPTED_DIGEST_SUBJECT = '[Tipline] Digest · encrypted';

/** The tip's page in the staff inbox (`#/tips/<id>`, as the inbox's script reads it). */
export function inboxLink(inboxUrl: string, tipId: string): string {
  const url = new URL(inboxUrl);
  url.hash = `/tips/${encodeURIComponent(tipId)}`;
  return url.href;
}

/**
 * One desk's email for a flood window. Each line names a tip by id, kind, topic and time, and
 * links to it in the staff inbox when `inboxUrl` is set; no reader text, no contact details,
 * no receipt code: the tips are read where staff sign in.
 */
export function digestEmail(
  { tips, notices, from, to }: DigestBatch,
  { inboxUrl }: { inboxUrl?: string | undefined } = {},
): EmailContent {
  const span = `${from.toISOString().slice(11, 16)}–${to.toISOString().slice(11, 16)} UTC`;
  const counts = [
    tips.length > 0 ? `${tips.length} ${tips.length === 1 ? 'tip or question' : 'tips and questions'}` : '',
    notices.length > 0 ? `${notices.length} new reader message${notices.length === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const subject = `[Tipline] Digest: ${counts.join(', ')} during a flood (${span})`;
  // A held tip is named by its id; a held notice by what happened to which tip.
  const row = (t: DigestTip, label: string, what: string) => ({
    label,
    what,
    id: t.id,
    rest: [t.kind === 'tip' ? 'Tip' : 'Question', TOPIC_LABELS[t.topic] ?? t.topic, t.createdAt],
    files: label === t.id ? attachmentCountLine(t.attachments) : undefined,
    link: inboxUrl ? inboxLink(inboxUrl, t.id) : undefined,
  });
  const rows = [
    ...tips.map((t) => row(t, t.id, 'new')),
    ...notices.map((t) => row(t, `new reader message on ${t.id}`, 'new reader message')),
  ];
  const text = [
    `More alerts were due between ${span} than the desk gets one by one.`,
    'Here they are in one email; read them in the staff inbox.',
    '',
    ...rows.map((r) =>
      [r.label, ...r.rest, ...(r.files ? [r.files] : []), ...(r.link ? [r.link] : [])].join(' · '),
    ),
    '',
    '-- ',
    'Sent by Tipline. Individual alerts resume on their own.',
  ].join('\n');
  const cell = (c: string) => `<td style="padding:2px 12px 2px 0">${escapeHtml(c)}</td>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.45;color:#111">
<h1 style="font-size:1.2em">${escapeHtml(counts.join(', '))} (${escapeHtml(span)})</h1>
<p>More alerts were due than the desk gets one by one. Read them in the staff inbox.</p>
<table style="border-collapse:collapse">
<tr><th>What</th><th>Tip id</th><th>Kind</th><th>Topic</th><th>Received</th><th>Attachments</th>${inboxUrl ? '<th></th>' : ''}</tr>
${rows
  .map(
    (r) =>
      `<tr>${[r.what, r.id, ...r.rest, r.files ?? ''].map(cell).join('')}${r.link ? `<td><a href="${escapeHtml(r.link)}">open in the inbox</a></td>` : ''}</tr>`,
  )
  .join('\n')}
</table>
</body></html>`;
  return { subject, text, html };
}

export interface DigestDeliveryDeps {
  mailer: Mailer & Partial<RawMailer>;
  /** The SES sender, for the From header of PGP/MIME digests. */
  from: string;
  routing: DeskRouting;
  encryptor?: AlertEncryptor | undefined;
  /** The staff inbox's address (STAFF_INBOX_URL); without it the digest has no links. */
  inboxUrl?: string | undefined;
  clock?: () => Date;
}

/**
 * Sends a flood window's digests: one per desk, listing only the tips routing gives that desk
 * (exactly as their alerts would have gone), PGP/MIME-encrypted for a desk with a key. A desk
 * never learns anything of another desk's tips, and one desk's failure does not stop the others.
 */
export function makeDigestDelivery({
  mailer,
  from,
  routing,
  encryptor,
  inboxUrl,
  clock = () => new Date(),
}: DigestDeliveryDeps): DigestDelivery {
  return async function deliverDigests(batch) {
    const byDesk = new Map<string, { tips: DigestTip[]; notices: DigestTip[] }>();
    const add = (t: DigestTip, key: 'tips' | 'notices') => {
      for (const desk of routeTip(routing, t)) {
        const entry = byDesk.get(desk) ?? { tips: [], notices: [] };
        entry[key].push(t);
        byDesk.set(desk, entry);
      }
    };
    for (const t of batch.tips) add(t, 'tips');
    for (const t of batch.notices) add(t, 'notices');

    const sent: DigestSend[] = [];
    for (const [desk, items] of byDesk) {
      const encrypted = encryptor?.hasKey(desk) ?? false;
      const result: DigestSend = {
        desk,
        encrypted,
        tipIds: items.tips.map((t) => t.id),
        noticeIds: items.notices.map((t) => t.id),
      };
      try {
        const content = digestEmail({ ...batch, ...items }, { inboxUrl });
        if (encrypted) {
          if (!mailer.sendRaw) throw new Error('this mailer cannot send PGP/MIME');
          const armored = await (encryptor as AlertEncryptor).encryptFor(desk, content);
          const mime = pgpMimeMessage({
            from,
            to: [desk],
            subject: ENCRYPTED_DIGEST_SUBJECT,
            armored,
            date: clock(),
          });
          result.messageId = await mailer.sendRaw([desk], mime);
        } else {
          result.messageId = await mailer.send([desk], content);
        }
      } catch (err) {
        result.error = err instanceof Error ? err.name : 'unknown';
      }
      sent.push(result);
    }
    return sent;
  };
}
