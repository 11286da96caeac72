import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#core/config/load-config';
import { notifierConfigSchema } from '#core/config/notifier-config';
import { makeSesClient } from '#core/platform/aws-clients';
import type { TipRecord } from '#core/tips/tip-record';
import { makeNotifierHandler } from '../../../functions/notifier/make-notifier-handler';
import { notifierDepsFromConfig } from '../../../functions/notifier/wiring';
import { typicalAttachments } from '../../support/attachment-fixtures';
import {
  eventually,
  makeTestTable,
  readMailbox,
  type StoredEmail,
  type TestTable,
  validTip,
} from '../../support/local-env';
import { decodedParts, recordRawSends } from '../../support/pgp-mail';
import {
  insertRecordFor,
  makeSubmitAndNotify,
  type SubmitAndNotify,
  storeTip,
} from '../../support/stream-records';
import { startTestStack } from '../../support/test-stack';

const WORLD = 'world-desk@newsroom.example';
// The SES emulator's mailbox is shared by every test file: each run's desks are its own.
const UKRAINE = `ukraine-team-${randomUUID().slice(0, 8)}@newsroom.example`;
const AUDIENCE = 'audience-team@newsroom.example';
const SENDER = 'tipline@newsroom.example';

describe('desk routing and encrypted alerts, through the notifier to the SES emulator', () => {
  let table: TestTable;
  let rawSends: string[];
  let notify: ReturnType<typeof makeNotifierHandler>;
  let privateKey: string;
  let submitAndNotify: SubmitAndNotify;

  beforeAll(async () => {
    table = await makeTestTable('routing');
    const keys = await openpgp.generateKey({
      userIDs: [{ name: 'Ukraine team', email: UKRAINE }],
      format: 'armored',
    });
    privateKey = keys.privateKey;
    const config = loadConfig(notifierConfigSchema, {
      TIPS_TABLE: table.tableName,
      DESK_ADDRESS: WORLD,
      SENDER_ADDRESS: SENDER,
      DYNAMODB_ENDPOINT: table.dynamoUrl,
      SES_ENDPOINT: table.sesUrl,
      DESK_ROUTING: JSON.stringify({
        default: [WORLD],
        rules: [
          { kind: 'question', to: [AUDIENCE] },
          { topic: 'russia-ukraine-war', to: [UKRAINE] },
        ],
      }),
      DESK_PGP_KEYS: JSON.stringify({ [UKRAINE]: keys.publicKey }),
    });
    const ses = makeSesClient({ region: 'us-east-1', endpoint: config.SES_ENDPOINT });
    rawSends = recordRawSends(ses);
    notify = makeNotifierHandler(notifierDepsFromConfig(config, { dynamo: table.dynamo, ses }));
    submitAndNotify = makeSubmitAndNotify(table.store, notify);
  });

  async function mailFor(tip: TipRecord): Promise<StoredEmail[]> {
    // Plain alerts name the tip id in their text; encrypted ones are found by recipient and time below.
    return (await readMailbox()).filter((e) => (e.body.text ?? '').includes(tip.id));
  }

  it('sends a Europe tip to the default (world) desk, in the clear', async () => {
    const tip = await submitAndNotify(validTip({ topic: 'europe' }));
    const [email, ...more] = await mailFor(tip);
    expect(more).toEqual([]);
    expect(email?.destination.to).toEqual([WORLD]);
    expect(email?.body.text).toContain(tip.message);
  });

  it('sends a question to the audience team, whatever its topic (the first matching rule wins)', async () => {
    const tip = await submitAndNotify(validTip({ kind: 'question', topic: 'russia-ukraine-war' }));
    const [email, ...more] = await mailFor(tip);
    expect(more).toEqual([]);
    expect(email?.destination.to).toEqual([AUDIENCE]);
  });

  it('sends a Russia-Ukraine tip to the Ukraine team PGP/MIME-encrypted: no tip text in the source, and it decrypts to the tip', async () => {
    const before = rawSends.length;
    const tip = await submitAndNotify(
      validTip({
        topic: 'russia-ukraine-war',
        subject: 'Convoy near Kupiansk',
        name: 'Оксана Коваль',
        email: 'oksana@example.org',
        phone: '+380 44 123 4567',
        sourceUrl: 'https://example.org/convoy-photo',
      }),
    );
    const secrets = [
      tip.message,
      'Convoy near Kupiansk',
      'Оксана Коваль',
      'oksana@example.org',
      '+380 44 123 4567',
      'https://example.org/convoy-photo',
      'Ferries between',
    ];

    // The exact MIME source that went to SES.
    expect(rawSends.length).toBe(before + 1);
    const raw = rawSends[before] as string;
    for (const secret of secrets) {
      expect(raw).not.toContain(secret);
      expect(raw).not.toContain(Buffer.from(secret, 'utf8').toString('base64').slice(0, 16));
    }
    const [headers = ''] = raw.split('\r\n\r\n');
    expect(headers).toMatch(
      /^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"; boundary=/m,
    );
    expect(headers.split('\r\n')).toContain(`To: ${UKRAINE}`);
    expect(headers).toMatch(/^Message-ID: <[0-9a-f-]{36}@newsroom\.example>\r?$/m);
    expect(headers).toContain(
      `Subject: =?UTF-8?B?${Buffer.from('[Tipline] New tip · encrypted').toString('base64')}?=`,
    );
    expect(raw).toMatch(/Content-Type: application\/pgp-encrypted\r\n[\s\S]*?\r\n\r\nVersion: 1\r\n/);
    expect(raw).toContain('Content-Type: application/octet-stream');

    // What the emulator received: the subject and every part carry none of it either.
    const stored = (await readMailbox()).filter((e) => e.destination.to.includes(UKRAINE));
    const email = stored.at(-1) as StoredEmail & { attachments: { contentType: string; content: string }[] };
    expect(email.subject).toBe('[Tipline] New tip · encrypted');
    const eml = (await (
      await fetch(`${table.sesUrl}/get-emlContent?messageId=${email.messageId}`)
    ).json()) as {
      body: { data: number[] };
    };
    const rendered = Buffer.from(eml.body.data).toString('utf8');
    for (const secret of secrets) {
      expect(JSON.stringify(email)).not.toContain(secret);
      expect(rendered).not.toContain(secret);
    }

    // The desk decrypts it with its private key and reads the whole alert.
    const armored = email.attachments.find((a) => a.contentType === 'application/octet-stream');
    const message = await openpgp.readMessage({
      armoredMessage: Buffer.from(armored?.content ?? '', 'base64').toString('utf8'),
    });
    const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: privateKey });
    const { data } = await openpgp.decrypt({ message, decryptionKeys });
    const plain = decodedParts(String(data));
    for (const secret of [
      tip.message,
      'Convoy near Kupiansk',
      'Оксана Коваль',
      'oksana@example.org',
      tip.id,
    ]) {
      expect(plain).toContain(secret);
    }
    // Not even encrypted: the receipt code is the reader's credential, never a desk's.
    expect(plain).not.toContain(tip.receipt);
    expect(raw).not.toContain(tip.receipt);
    // The descriptive subject travels inside, as a protected header.
    expect(String(data)).toMatch(/^Subject: =\?UTF-8\?B\?/m);
  });

  it("counts a tip's attachments by kind in the plain and the encrypted alert, and names none", async () => {
    const attachments = typicalAttachments().slice(0, 3);
    const store = async (topic: string) => {
      const { receipt: _code, ...tip } = await storeTip(table.store, { topic });
      const withFiles = { ...tip, attachments };
      // As the cleaner leaves it: the records on the stored tip before the alert goes out.
      await table.dynamo.doc.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: { id: tip.id },
          UpdateExpression: 'SET attachments = :a',
          ExpressionAttributeValues: { ':a': attachments },
        }),
      );
      return withFiles;
    };
    const europe = await store('europe');
    const ukraine = await store('russia-ukraine-war');
    const before = (await readMailbox()).filter((e) => e.destination.to.includes(UKRAINE)).length;

    const result = await notify({
      Records: [insertRecordFor(europe, '9001'), insertRecordFor(ukraine, '9002')],
    });

    expect(result.batchItemFailures).toEqual([]);
    const line = /Attachments:\s+3 attachments \(2 photos, 1 video\)/;
    const [plain] = await mailFor(europe);
    expect(plain?.body.text).toMatch(line);
    expect(plain?.body.html).toContain('3 attachments (2 photos, 1 video)');
    const encrypted = (await readMailbox()).filter((e) => e.destination.to.includes(UKRAINE))[before] as
      | (StoredEmail & { attachments: { contentType: string; content: string }[] })
      | undefined;
    const armored = encrypted?.attachments.find((a) => a.contentType === 'application/octet-stream');
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({
        armoredMessage: Buffer.from(armored?.content ?? '', 'base64').toString('utf8'),
      }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
    });
    const decrypted = decodedParts(String(data));
    expect(decrypted).toContain(ukraine.id);
    expect(decrypted).toMatch(line);
    // The email carries no file: only the PGP parts are attached, and no attachment is named.
    expect(encrypted?.attachments.map((a) => a.contentType).sort()).toEqual([
      'application/octet-stream',
      'application/pgp-encrypted',
    ]);
    for (const a of attachments) {
      expect(`${plain?.body.text}${plain?.body.html}${decrypted}`).not.toContain(a.id);
      expect(`${plain?.body.text}${decrypted}`).not.toContain(a.mime);
    }
    expect((plain as { attachments?: unknown[] } | undefined)?.attachments ?? []).toEqual([]);
  });
});

describe('routing and encryption through the whole local stack (POST /tips → stream → notifier → SES)', () => {
  it('sends a Russia-Ukraine tip to the Ukraine team encrypted, and a Europe tip to the world desk', async () => {
    const desk = `ukraine-e2e-${randomUUID().slice(0, 8)}@newsroom.example`;
    const keys = await openpgp.generateKey({ userIDs: [{ email: desk }], format: 'armored' });
    const stack = await startTestStack('routing-e2e', {
      retryDelayMs: 20,
      deskAddress: WORLD,
      env: {
        DESK_ROUTING: JSON.stringify({
          default: [WORLD],
          rules: [{ topic: 'russia-ukraine-war', to: [desk] }],
        }),
        DESK_PGP_KEYS: JSON.stringify({ [desk]: keys.publicKey }),
      },
    });
    try {
      const send = async (tip: Record<string, unknown>) => {
        const res = await fetch(`${stack.apiUrl}/tips`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(tip),
        });
        expect(res.status).toBe(201);
        return (await res.json()) as { id: string };
      };
      const ukraine = validTip({ topic: 'russia-ukraine-war' });
      await send(ukraine);
      const europe = await send(validTip({ topic: 'europe' }));

      const world = await eventually(async () => {
        const found = (await readMailbox()).filter((e) => (e.body.text ?? '').includes(europe.id));
        return found.length > 0 ? found : undefined;
      });
      expect(world.map((e) => e.destination.to)).toEqual([[WORLD]]);
      const encrypted = await eventually(async () => {
        const found = (await readMailbox()).filter((e) => e.destination.to.includes(desk));
        return found.length > 0 ? found : undefined;
      });
      expect(encrypted).toHaveLength(1);
      expect(encrypted[0]?.subject).toBe('[Tipline] New tip · encrypted');
      expect(JSON.stringify(encrypted[0])).not.toContain(ukraine.message as string);
    } finally {
      await stack.stop();
    }
  });
});
