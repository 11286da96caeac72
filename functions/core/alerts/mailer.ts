import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { MailerError } from '#core/http/errors';
import type { EmailContent } from './desk-alert-email';
import { newMessageId } from './message-id';

export interface Mailer {
  /** Sends one email; resolves to the provider's message id. */
  send(to: string[], content: EmailContent): Promise<string>;
}

/** Sends a message the caller composed itself (PGP/MIME): SES v2 `Content.Raw`. */
export interface RawMailer {
  /** `to` is the envelope; the MIME source carries its own From/To/Subject headers. */
  sendRaw(to: string[], mime: string): Promise<string>;
}

export interface MailerProps {
  ses: SESv2Client;
  from: string;
}

const RETRYABLE = new Set(['TooManyRequestsException', 'LimitExceededException', 'SendingPausedException']);

function toMailerError(err: unknown): MailerError {
  const name = err instanceof Error ? err.name : 'unknown';
  const retryable =
    RETRYABLE.has(name) || (err as { $fault?: string }).$fault === 'server' || !('$metadata' in Object(err));
  return new MailerError(`SES refused the email (${name})`, retryable, { cause: err });
}

export function makeMailer({ ses, from }: MailerProps): Mailer & RawMailer {
  return {
    async sendRaw(to, mime) {
      try {
        const out = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: to },
            Content: { Raw: { Data: Buffer.from(mime, 'utf8') } },
          }),
        );
        return out.MessageId ?? 'unknown';
      } catch (err) {
        throw toMailerError(err);
      }
    },

    async send(to, { subject, text, html }) {
      try {
        const out = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: to },
            Content: {
              Simple: {
                Subject: { Data: subject, Charset: 'UTF-8' },
                Body: { Text: { Data: text, Charset: 'UTF-8' }, Html: { Data: html, Charset: 'UTF-8' } },
                Headers: [{ Name: 'Message-ID', Value: newMessageId(from) }],
              },
            },
          }),
        );
        return out.MessageId ?? 'unknown';
      } catch (err) {
        const name = err instanceof Error ? err.name : 'unknown';
        const retryable =
          RETRYABLE.has(name) ||
          (err as { $fault?: string }).$fault === 'server' ||
          !('$metadata' in Object(err));
        throw new MailerError(`SES refused the email (${name})`, retryable, { cause: err });
      }
    },
  };
}
