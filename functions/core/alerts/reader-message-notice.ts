import { escapeHtml } from '#core/tips/text-safety';
import type { TipRecord } from '#core/tips/tip-record';
import { TOPIC_LABELS } from '#core/tips/tip-schema';
import type { EmailContent } from './desk-alert-email';
import { type DeskRouting, routeTip } from './desk-routing';
import type { FloodBreaker } from './flood-breaker';

/**
 * The desk's notice that a reader added to their tip. It carries no reader text at all (only
 * the tip id, kind, topic and date): the message itself is read in the inbox. A desk with a
 * PGP key still gets it encrypted, as its alerts and digests: in the clear, the tip id and topic
 * would tell a mail server which tips that desk holds and that their readers are active.
 */
export function readerMessageNotice(
  tip: Pick<TipRecord, 'id' | 'kind' | 'topic' | 'createdAt'>,
): EmailContent {
  const what = tip.kind === 'tip' ? 'tip' : 'question';
  const subject = `[Tipline] The reader added a message · ${what} ${tip.id}`;
  const lines = [
    `The reader who sent ${what} ${tip.id} (${TOPIC_LABELS[tip.topic] ?? tip.topic}, received ${tip.createdAt.slice(0, 10)}) added a message through their receipt.`,
    '',
    'Read it in the staff inbox, in the history of that tip.',
    '',
    '-- ',
    'Sent by Tipline. This notice never contains what the reader wrote.',
  ];
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.45;color:#111">
${lines
  .filter((l) => l !== '' && l !== '-- ')
  .map((l) => `<p>${escapeHtml(l)}</p>`)
  .join('\n')}
</body></html>`;
  return { subject, text: lines.join('\n'), html };
}

/** The outer subject of an encrypted notice: nothing of the tip. */
export const ENCRYPTED_NOTICE_SUBJECT = '[Tipline] The reader added a message · encrypted';

export interface ReaderMessageNotifierDeps {
  /** Sends to the routed desks, PGP/MIME under `outerSubject` to a desk with a key (makeDeskSend). */
  send(to: string[], content: EmailContent, outerSubject: string): Promise<unknown>;
  routing: DeskRouting;
  /**
   * The notifier's flood breaker (the same guard-table windows): at most one notice per tip per
   * window, and notices count against FLOOD_MAX_ALERTS with the alerts. Without it every
   * message is a notice (only tools and tests run without one).
   */
  breaker?: Pick<FloodBreaker, 'admitNotice'>;
}

/**
 * Sends the notice to the desks the tip routes to (the same routing as its alert), unless the
 * breaker holds it: then the window's digest says "new reader message on <id>" instead, so
 * 40 messages on one tip are one notice, not 40 emails. Resolves to whether it was sent or held.
 */
export function makeReaderMessageNotifier({ send, routing, breaker }: ReaderMessageNotifierDeps) {
  return async function notifyDesk(
    tip: Pick<TipRecord, 'id' | 'kind' | 'topic' | 'createdAt'>,
  ): Promise<'sent' | 'held'> {
    if (breaker && (await breaker.admitNotice(tip.id)) === 'held') return 'held';
    await send(routeTip(routing, tip), readerMessageNotice(tip), ENCRYPTED_NOTICE_SUBJECT);
    return 'sent';
  };
}

export type NotifyDesk = ReturnType<typeof makeReaderMessageNotifier>;
