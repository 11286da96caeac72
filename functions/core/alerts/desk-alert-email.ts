import { attachmentCountLine } from '#core/attachments/attachment-words';
import { escapeHtml, headerSafe, linkHost } from '#core/tips/text-safety';
import type { TipRecord } from '#core/tips/tip-record';
import { TOPIC_LABELS } from '#core/tips/tip-schema';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT_EXCERPT = 80;

function contactLine(tip: TipRecord): string {
  if (tip.anonymous) return 'anonymous';
  const parts = [tip.name, tip.email, tip.phone].filter((p): p is string => Boolean(p));
  return parts.length > 0 ? parts.join(' · ') : 'none given';
}

/** Rows whose value is the reader's own text: shown with dir="auto" (an Arabic or Hebrew subject reads right to left). */
const READER_ROWS = new Set(['Subject', 'Contact', 'Link']);

function fields(tip: TipRecord): [string, string][] {
  const rows: [string, string][] = [
    ['Kind', tip.kind === 'tip' ? 'Tip' : 'Question'],
    ['Topic', TOPIC_LABELS[tip.topic]],
    ['Subject', tip.subject ?? '(none)'],
    ['Contact', contactLine(tip)],
  ];
  // The host the link really goes to (punycode for a look-alike), beside what the reader wrote.
  if (tip.sourceUrl)
    rows.push([
      'Link',
      `${tip.sourceUrl} (host ${linkHost(tip.sourceUrl) ?? 'unknown'}, supplied by the reader)`,
    ]);
  // How many files, by kind: never a file, its name or its type string (the files are read
  // in the inbox, where staff see what cleaning made of them).
  const files = attachmentCountLine(tip.attachments);
  if (files) rows.push(['Attachments', files]);
  // No receipt code: it is the reader's only credential, and a mailbox is no place for it.
  rows.push(['Received', tip.createdAt], ['Tip id', tip.id]);
  // One row, one line: a line break in a name or subject must not forge rows (a fake
  // "Receipt:" or "Bcc:" line) in the desk's view, whatever path the record came by.
  return rows.map(([k, v]) => [k, headerSafe(v, Number.POSITIVE_INFINITY)]);
}

/**
 * The desk's alert for one tip. Reader text reaches the subject only through headerSafe
 * (no CR/LF, so it can never add a header) and the HTML part only escaped, each piece in an
 * element with dir="auto" so right-to-left text neither reads backwards nor reorders the rows
 * around it.
 */
export function deskAlertEmail(tip: TipRecord): EmailContent {
  const label = tip.kind === 'tip' ? 'New tip' : 'New question';
  const about = tip.subject ?? tip.message;
  const subject = headerSafe(
    `[Tipline] ${label} · ${TOPIC_LABELS[tip.topic]} · ${about}`,
    60 + SUBJECT_EXCERPT,
  );

  const rows = fields(tip);
  const width = Math.max(...rows.map(([k]) => k.length));
  const text = [
    `${label} for the world desk`,
    '',
    ...rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`),
    '',
    'Message:',
    tip.message,
    '',
    '-- ',
    'Sent by Tipline. Reply from the staff inbox, not to this email.',
  ].join('\n');

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.45;color:#111">
<h1 style="font-size:1.2em">${escapeHtml(label)} for the world desk</h1>
<table style="border-collapse:collapse">
${rows.map(([k, v]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(k)}</th><td${READER_ROWS.has(k) ? ' dir="auto"' : ''}>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
<h2 style="font-size:1em">Message</h2>
<div dir="auto" style="white-space:pre-wrap;border-left:3px solid #ccc;padding-left:12px">${escapeHtml(tip.message)}</div>
<p style="color:#555;font-size:.9em">Sent by Tipline. Reply from the staff inbox, not to this email.</p>
</body></html>`;

  return { subject, text, html };
}
