import { escapeHtml } from '#core/tips/text-safety';
import type { TipRecord } from '#core/tips/tip-record';
import { TOPIC_LABELS } from '#core/tips/tip-schema';
import type { EmailContent } from './desk-alert-email';
import { type DeskRouting, routeTip } from './desk-routing';

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
}

/** Sends the notice to the desks the tip routes to (the same routing as its alert). */
export function makeReaderMessageNotifier({ send, routing }: ReaderMessageNotifierDeps) {
  return async function notifyDesk(
    tip: Pick<TipRecord, 'id' | 'kind' | 'topic' | 'createdAt'>,
  ): Promise<string> {
    return send(routeTip(routing, tip), readerMessageNotice(tip));
  };
}

export type NotifyDesk = ReturnType<typeof makeReaderMessageNotifier>;
