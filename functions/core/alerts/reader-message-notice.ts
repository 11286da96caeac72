import { escapeHtml } from '#core/tips/text-safety';
import type { TipRecord } from '#core/tips/tip-record';
import { TOPIC_LABELS } from '#core/tips/tip-schema';
import type { EmailContent } from './desk-alert-email';
import { type DeskRouting, routeTip } from './desk-routing';
import type { FloodBreaker } from './flood-breaker';

/**
 * The desk's notice that a reader added to their tip. It carries no reader text at all (only
 * the tip id, kind, topic and date), so it needs no encryption and leaks nothing to a mail
 * server even for desks whose alerts are encrypted: the message itself is read in the inbox.
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

export interface ReaderMessageNotifierDeps {
  send(to: string[], content: EmailContent): Promise<string>;
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
 * 40 messages on one tip are one notice, not 40 emails. Resolves to the message id, or
 * undefined when held.
 */
export function makeReaderMessageNotifier({ send, routing, breaker }: ReaderMessageNotifierDeps) {
  return async function notifyDesk(
    tip: Pick<TipRecord, 'id' | 'kind' | 'topic' | 'createdAt'>,
  ): Promise<string | undefined> {
    if (breaker && (await breaker.admitNotice(tip.id)) === 'held') return undefined;
    return send(routeTip(routing, tip), readerMessageNotice(tip));
  };
}

export type NotifyDesk = ReturnType<typeof makeReaderMessageNotifier>;
