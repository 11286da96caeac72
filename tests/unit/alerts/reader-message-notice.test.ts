import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EmailContent } from '#core/alerts/desk-alert-email';
import { deskEncryptorFromConfig, makeDeskSend } from '#core/alerts/desk-delivery';
import { ENCRYPTED_NOTICE_SUBJECT, makeReaderMessageNotifier } from '#core/alerts/reader-message-notice';
import { ConfigError } from '#core/config/load-config';
import { tipRecord } from '../../support/alert-fixtures';
import { decodedParts } from '../../support/pgp-mail';

const WORLD = 'world@newsroom.example';
const UKRAINE = 'ukraine@newsroom.example';
const routing = { default: [WORLD], rules: [{ topic: 'russia-ukraine-war' as const, to: [UKRAINE] }] };

describe('reader-message notices to a desk with a PGP key', () => {
  let keys: { publicKey: string; privateKey: string };
  const plain: { to: string[]; content: EmailContent }[] = [];
  const raw: { to: string[]; mime: string }[] = [];
  const mailer = {
    async send(to: string[], content: EmailContent) {
      plain.push({ to, content });
      return `plain-${plain.length}`;
    },
    async sendRaw(to: string[], mime: string) {
      raw.push({ to, mime });
      return `raw-${raw.length}`;
    },
  };

  beforeAll(async () => {
    keys = await openpgp.generateKey({ userIDs: [{ email: UKRAINE }], format: 'armored' });
  });

  it('are encrypted, as its alerts: no tip id or topic in the clear, the whole notice inside', async () => {
    const notify = makeReaderMessageNotifier({
      routing,
      send: makeDeskSend({
        mailer,
        from: 'tipline@newsroom.example',
        ...deskEncryptorFromConfig(routing, { [UKRAINE]: keys.publicKey }),
      }),
    });
    const ukraineTip = tipRecord({ topic: 'russia-ukraine-war' });
    const worldTip = tipRecord({ topic: 'europe' });

    expect(await notify(ukraineTip)).toBe('sent');
    expect(await notify(worldTip)).toBe('sent');

    // The plain desk's notice is as before: in the clear, naming its own tip.
    expect(plain).toHaveLength(1);
    expect(plain[0]?.to).toEqual([WORLD]);
    expect(plain[0]?.content.subject).toContain(worldTip.id);
    expect(raw).toHaveLength(1);
    const { to, mime } = raw[0] as { to: string[]; mime: string };
    expect(to).toEqual([UKRAINE]);
    expect(mime).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/m);
    expect(mime).toContain(
      `Subject: =?UTF-8?B?${Buffer.from(ENCRYPTED_NOTICE_SUBJECT).toString('base64')}?=`,
    );
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(mime)?.[0] ?? '';
    const outside = mime.replace(armored, '');
    for (const clear of [ukraineTip.id, 'Russia', 'russia-ukraine-war', ukraineTip.createdAt.slice(0, 10)])
      expect(outside).not.toContain(clear);
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored.replace(/\r\n/g, '\n') }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: keys.privateKey }),
    });
    const inner = decodedParts(String(data));
    expect(inner).toContain(`The reader who sent tip ${ukraineTip.id} (Russia-Ukraine war`);
  });

  it('refuse a key for an address no route sends to, as the notifier does', () => {
    expect(() => deskEncryptorFromConfig(routing, { 'typo@newsroom.example': keys.publicKey })).toThrow(
      ConfigError,
    );
    expect(deskEncryptorFromConfig(routing, undefined)).toEqual({});
  });
});
