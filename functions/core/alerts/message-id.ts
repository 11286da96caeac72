import { randomUUID } from 'node:crypto';

/**
 * A Message-ID (RFC 5322 §3.6.4) on the sender's domain: a message without one is scored as
 * spam by some filters and cannot be threaded or traced. SES replaces it with its own id when
 * it accepts the message; it is set here so that every message is complete as composed
 * (the local mailbox, any other transport).
 */
export function newMessageId(from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'tipline.invalid';
  return `<${randomUUID()}@${domain}>`;
}
