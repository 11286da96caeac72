import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * The emulator keeps a Raw send only as mailparser's parse of it, and its /get-emlContent
 * re-renders that parse with nodemailer (multipart/mixed), so neither is the source SES was
 * given. The exact bytes are observed where they leave the SDK for the emulator: the
 * serialized SendEmail request at the end of the SDK's middleware stack.
 */
export function recordRawSends(ses: SESv2Client): string[] {
  const sent: string[] = [];
  ses.middlewareStack.add(
    (next) => async (args) => {
      const body = (args.request as { body?: unknown }).body;
      const text =
        typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : '';
      if (text !== '') {
        const data = (JSON.parse(text) as { Content?: { Raw?: { Data?: string } } }).Content?.Raw?.Data;
        if (data) sent.push(Buffer.from(data, 'base64').toString('utf8'));
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRawSends', priority: 'low' },
  );
  return sent;
}

/** The decrypted inner entity's text parts, base64-decoded. */
export function decodedParts(entity: string): string {
  const bodies = entity.split(/\r?\n--/).map((part) =>
    part
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n'),
  );
  return bodies
    .filter((b) => /^[A-Za-z0-9+/=\r\n]+$/.test(b.trim()) && b.trim().length > 0)
    .map((b) => Buffer.from(b.replace(/\s+/g, ''), 'base64').toString('utf8'))
    .join('\n');
}

/**
 * Decrypts an armored OpenPGP message with GnuPG, an implementation independent of the openpgp
 * library that encrypted it: what a desk's own mail client would do. A throwaway keyring holds
 * only the given private key.
 */
export function gpgDecrypt(armoredPrivateKey: string, armoredMessage: string): string {
  const home = mkdtempSync(join(tmpdir(), 'tipline-gpg-'));
  const gpg = (args: string[], input: string) =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', ...args], {
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString('utf8');
  try {
    gpg(['--import'], armoredPrivateKey);
    return gpg(['--passphrase', '', '--decrypt'], armoredMessage);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
