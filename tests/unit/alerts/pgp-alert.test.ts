import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { encryptedSubject, makeAlertEncryptor, pgpMimeMessage } from '#core/alerts/pgp-alert';

const content = {
  subject: '[Tipline] New tip · Europe · Ferries stopped',
  text: 'Ferries stopped — Rinkēvičs',
  html: '<p>Ferries</p>',
};

describe('PGP/MIME desk alerts', () => {
  it('names only the kind of message in the outer subject', () => {
    expect(encryptedSubject('tip')).toBe('[Tipline] New tip · encrypted');
    expect(encryptedSubject('question')).toBe('[Tipline] New question · encrypted');
  });

  it('builds an RFC 3156 message: multipart/encrypted, a version part, then the octet stream', () => {
    const raw = pgpMimeMessage({
      from: 'tipline@newsroom.example',
      to: ['desk@newsroom.example'],
      subject: encryptedSubject('tip'),
      armored: '-----BEGIN PGP MESSAGE-----\n\nabc\n-----END PGP MESSAGE-----\n',
      date: new Date('2026-11-25T10:00:00Z'),
    });
    const [head = '', ...rest] = raw.split('\r\n\r\n');
    const boundary = /boundary="([^"]+)"/.exec(head)?.[1] ?? '';
    expect(head).toContain('Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"');
    expect(head).toContain('Date: Wed, 25 Nov 2026 10:00:00 +0000');
    // Built by hand, so it carries the Message-ID a composed message must have (RFC 5322 §3.6.4).
    expect(head.split('\r\n').filter((l) => /^Message-ID:/i.test(l))).toEqual([
      expect.stringMatching(/^Message-ID: <[0-9a-f-]{36}@newsroom\.example>$/),
    ]);
    // Every line of the source is CRLF-terminated ASCII, as SMTP wants it.
    expect(raw).not.toMatch(/[^\r]\n/);
    expect([...raw].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    const body = rest.join('\r\n\r\n');
    const parts = body.split(`--${boundary}`);
    expect(parts[1]).toContain('Content-Type: application/pgp-encrypted');
    expect(parts[1]).toContain('Version: 1');
    expect(parts[2]).toContain('Content-Type: application/octet-stream');
    expect(parts[2]).toContain('-----BEGIN PGP MESSAGE-----\r\n\r\nabc\r\n-----END PGP MESSAGE-----');
    expect(parts[3]).toBe('--\r\n');
  });

  it('encrypts the whole alert, protected subject included, to the desk key only', async () => {
    const desk = await openpgp.generateKey({
      userIDs: [{ email: 'desk@newsroom.example' }],
      format: 'armored',
    });
    const other = await openpgp.generateKey({
      userIDs: [{ email: 'other@newsroom.example' }],
      format: 'armored',
    });
    const encryptor = makeAlertEncryptor({ 'Desk@Newsroom.example': desk.publicKey });
    expect(encryptor.hasKey('desk@newsroom.example')).toBe(true);
    expect(encryptor.hasKey('other@newsroom.example')).toBe(false);

    const armored = await encryptor.encryptFor('desk@newsroom.example', content);

    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    const message = await openpgp.readMessage({ armoredMessage: armored });
    const { data } = await openpgp.decrypt({
      message,
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: desk.privateKey }),
    });
    const plain = String(data);
    expect(plain).toContain(`Subject: =?UTF-8?B?${Buffer.from(content.subject).toString('base64')}?=`);
    expect(plain).toContain(Buffer.from(content.text).toString('base64'));
    expect(plain).toContain(Buffer.from(content.html).toString('base64'));
    await expect(
      openpgp.decrypt({
        message: await openpgp.readMessage({ armoredMessage: armored }),
        decryptionKeys: await openpgp.readPrivateKey({ armoredKey: other.privateKey }),
      }),
    ).rejects.toThrow();
  });

  it('fails the send, never falls back to clear text, when a desk key cannot be read', async () => {
    const broken = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----';
    const encryptor = makeAlertEncryptor({ 'desk@newsroom.example': broken });
    await expect(encryptor.encryptFor('desk@newsroom.example', content)).rejects.toThrow();
  });
});
