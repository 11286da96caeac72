import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { TipKind } from '#core/tips/tip-schema';
import type { EmailContent } from './desk-alert-email';
import { jsonEnv } from './desk-routing';
import { newMessageId } from './message-id';

/**
 * Encrypted desk alerts (PGP/MIME, RFC 3156). A desk that registers an OpenPGP public key
 * gets its alerts as multipart/encrypted: the whole plain alert (text, HTML and the
 * descriptive subject) is inside the encrypted payload, and the outer headers carry
 * nothing the reader wrote, so tip text never crosses a mail server in the clear.
 */

const ARMORED_PUBLIC_KEY =
  /^-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]+-----END PGP PUBLIC KEY BLOCK-----\s*$/;

/** Desk address → armored public key. Checked for shape at start; parsed once, on first use. */
export const deskKeysSchema = jsonEnv(
  z.record(
    z.email('each key must be listed under a desk email address'),
    z
      .string()
      .trim()
      .regex(ARMORED_PUBLIC_KEY, 'must be an ASCII-armored OpenPGP public key (not a private key)'),
  ),
);

export type DeskKeys = Record<string, string>;

/** The outer subject of an encrypted alert: the kind of message, never the reader's words. */
export function encryptedSubject(kind: TipKind): string {
  return `[Tipline] ${kind === 'tip' ? 'New tip' : 'New question'} · encrypted`;
}

const CRLF = '\r\n';

/** RFC 2047 encoded-word for a header that isn't plain ASCII (the subject's middle dot). */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join(CRLF);
}

function boundary(label: string): string {
  return `----=_tipline_${label}_${randomBytes(12).toString('hex')}`;
}

/**
 * The MIME entity that gets encrypted: the alert as multipart/alternative, with the real
 * subject as a protected header (the convention mail clients such as Thunderbird display).
 */
export function innerAlertEntity(content: EmailContent): string {
  const b = boundary('alt');
  return [
    `Content-Type: multipart/alternative; boundary="${b}"; protected-headers="v1"`,
    `Subject: ${encodeHeader(content.subject)}`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(content.text),
    `--${b}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(content.html),
    `--${b}--`,
    '',
  ].join(CRLF);
}

export interface PgpMimeEnvelope {
  from: string;
  to: string[];
  subject: string;
  /** The ASCII-armored OpenPGP message. */
  armored: string;
  date?: Date;
  /** Defaults to a new one on the sender's domain. */
  messageId?: string;
}

/** The RFC 3156 multipart/encrypted message: a version part and the encrypted octet stream. */
export function pgpMimeMessage({
  from,
  to,
  subject,
  armored,
  date = new Date(),
  messageId = newMessageId(from),
}: PgpMimeEnvelope): string {
  const b = boundary('enc');
  return [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    `Subject: ${encodeHeader(subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"`,
    '',
    'This is an OpenPGP/MIME encrypted message (RFC 3156).',
    `--${b}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${b}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    armored.replace(/\r?\n/g, CRLF).trimEnd(),
    '',
    `--${b}--`,
    '',
  ].join(CRLF);
}

type OpenPgp = typeof import('openpgp');
type PublicKey = Awaited<ReturnType<OpenPgp['readKey']>>;

/**
 * Parses each desk's key once and checks it can encrypt (not expired, has an encryption
 * subkey), so a bad key fails loudly on the first alert rather than mailing in the clear.
 * openpgp is imported only when some desk has a key: the others don't pay its load time.
 */
export function makeAlertEncryptor(deskKeys: DeskKeys) {
  let loaded: Promise<{ pgp: OpenPgp; keys: Map<string, PublicKey> }> | undefined;
  const load = async () => {
    const pgp = await import('openpgp');
    const keys = new Map<string, PublicKey>();
    for (const [address, armoredKey] of Object.entries(deskKeys)) {
      const key = await pgp.readKey({ armoredKey });
      await key.getEncryptionKey();
      keys.set(address.toLowerCase(), key);
    }
    return { pgp, keys };
  };

  return {
    hasKey(address: string): boolean {
      return Object.keys(deskKeys).some((a) => a.toLowerCase() === address.toLowerCase());
    },
    /** The inner entity encrypted to this desk's key, ASCII-armored. */
    async encryptFor(address: string, content: EmailContent): Promise<string> {
      loaded ??= load();
      const { pgp, keys } = await loaded.catch((err) => {
        loaded = undefined;
        throw err;
      });
      const key = keys.get(address.toLowerCase());
      if (!key) throw new Error('no key registered for this desk');
      const message = await pgp.createMessage({ text: innerAlertEntity(content) });
      return (await pgp.encrypt({ message, encryptionKeys: key, format: 'armored' })) as string;
    },
  };
}

export type AlertEncryptor = ReturnType<typeof makeAlertEncryptor>;
