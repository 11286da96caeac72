import { randomUUID } from 'node:crypto';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#core/config/load-config';
import { notifierConfigSchema } from '#core/config/notifier-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { makeSubmitTip } from '#core/intake/submit-tip';
import { makeSesClient } from '#core/platform/aws-clients';
import type { TipRecord } from '#core/tips/tip-record';
import { makeNotifierHandler } from '../../../functions/notifier/make-notifier-handler';
import { notifierDepsFromConfig } from '../../../functions/notifier/wiring';
import { receiptsFromConfig } from '../../../functions/receipts/wiring';
import { ensureTable, guardTableInput } from '../../../local/stack/tables';
import { httpEvent } from '../../support/events';
import {
  makeTestTable,
  readMailbox,
  type StoredEmail,
  TEST_RECEIPT_HASH_SECRET,
  type TestTable,
  testReceiptKeys,
  validTip,
} from '../../support/local-env';
import { decodedParts, gpgDecrypt, recordRawSends } from '../../support/pgp-mail';
import { silenceFunctions } from '../../support/quiet-logger';
import { makeSubmitAndNotify, type SubmitAndNotify } from '../../support/stream-records';

const SENDER = 'tipline@newsroom.example';
const INBOX = 'https://inbox.example/staff';
const WINDOW_S = 300;
const MAX_ALERTS = 2;

type Email = StoredEmail & {
  headers?: { name: string; value: string }[];
  attachments?: { contentType: string; content: string }[];
};

/**
 * A flood with tips for two desks: the world desk in the clear, the Ukraine team with a PGP key.
 * The clock is the test's: each flood window is entered and left without sleeping.
 */
describe('flood digests: one per desk, routed and encrypted like the alerts they replace', () => {
  // The SES emulator's mailbox is shared by every test file: each run's desks are its own.
  const run = randomUUID().slice(0, 8);
  const WORLD = `world-${run}@newsroom.example`;
  const UKRAINE = `ukraine-${run}@newsroom.example`;
  let table: TestTable;
  let guardTable: string;
  let rawSends: string[];
  let privateKey: string;
  let now = new Date('2026-12-02T10:00:05Z');
  const clock = () => now;
  let notify: ReturnType<typeof makeNotifierHandler>;
  let submitAndNotify: SubmitAndNotify;

  const mailTo = async (desk: string): Promise<Email[]> =>
    (await readMailbox()).filter((e) => e.destination.to.includes(desk)) as Email[];

  beforeAll(async () => {
    silenceFunctions();
    table = await makeTestTable('digest');
    guardTable = `guard-${randomUUID().slice(0, 8)}`;
    await ensureTable(table.dynamo.client, guardTableInput(guardTable));
    const keys = await openpgp.generateKey({ userIDs: [{ email: UKRAINE }], format: 'armored' });
    privateKey = keys.privateKey;
    const config = loadConfig(notifierConfigSchema, {
      TIPS_TABLE: table.tableName,
      GUARD_TABLE: guardTable,
      DESK_ADDRESS: WORLD,
      SENDER_ADDRESS: SENDER,
      DYNAMODB_ENDPOINT: table.dynamoUrl,
      SES_ENDPOINT: table.sesUrl,
      DESK_ROUTING: JSON.stringify({
        default: [WORLD],
        rules: [{ topic: 'russia-ukraine-war', to: [UKRAINE] }],
      }),
      DESK_PGP_KEYS: JSON.stringify({ [UKRAINE]: keys.publicKey }),
      FLOOD_MAX_ALERTS: String(MAX_ALERTS),
      FLOOD_WINDOW_SECONDS: String(WINDOW_S),
      STAFF_INBOX_URL: INBOX,
    });
    const ses = makeSesClient({ region: 'us-east-1', endpoint: config.SES_ENDPOINT });
    rawSends = recordRawSends(ses);
    notify = makeNotifierHandler(notifierDepsFromConfig(config, { dynamo: table.dynamo, ses, clock }));
    submitAndNotify = makeSubmitAndNotify(table.store, notify);
  });

  it('sends each desk its own digest: the PGP desk an encrypted one that gpg opens, the plain desk none of its tips', async () => {
    // The first two tips take the window's individual alerts; the next six are held.
    const tips: Array<TipRecord & { receipt: string }> = [];
    for (const topic of ['europe', 'russia-ukraine-war'])
      tips.push(await submitAndNotify(validTip({ topic })));
    const held = {
      world: [] as Array<TipRecord & { receipt: string }>,
      ukraine: [] as Array<TipRecord & { receipt: string }>,
    };
    for (let i = 0; i < 3; i++) {
      held.ukraine.push(
        await submitAndNotify(validTip({ topic: 'russia-ukraine-war', name: `Оксана ${i}` })),
      );
      held.world.push(
        await submitAndNotify(validTip({ topic: i === 0 ? 'africa' : 'europe', kind: 'question' })),
      );
    }
    tips.push(...held.ukraine, ...held.world);
    const sentBefore = rawSends.length;
    expect(await mailTo(WORLD)).toHaveLength(1);
    expect(await mailTo(UKRAINE)).toHaveLength(1);

    // The window closes; the scheduled tick sends its digests.
    now = new Date(now.getTime() + WINDOW_S * 1000);
    await notify({});

    const world = await mailTo(WORLD);
    expect(world).toHaveLength(2);
    const plain = world[1] as Email;
    expect(plain.subject).toMatch(
      /^\[Tipline\] Digest: 3 tips and questions during a flood \(10:00–10:05 UTC\)$/,
    );
    for (const tip of held.world) {
      expect(plain.body.text).toContain(tip.id);
      expect(plain.body.text).toContain(`${INBOX}#/tips/${tip.id}`);
      expect(plain.body.html).toContain(`href="${INBOX}#/tips/${tip.id}"`);
    }
    expect(plain.body.text).toContain('Africa');
    // Nothing of the other desk's tips: not an id, not a count.
    for (const tip of [...held.ukraine, tips[1] as TipRecord])
      expect(JSON.stringify(plain)).not.toContain(tip.id);
    expect(plain.body.text?.match(/#\/tips\//g)).toHaveLength(3);

    const ukraine = await mailTo(UKRAINE);
    expect(ukraine).toHaveLength(2);
    const encrypted = ukraine[1] as Email;
    expect(encrypted.subject).toBe('[Tipline] Digest · encrypted');
    expect(rawSends.length).toBe(sentBefore + 1);
    const raw = rawSends[sentBefore] as string;
    expect(raw).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/m);
    expect(raw).toMatch(/^Message-ID: <[0-9a-f-]{36}@newsroom\.example>\r$/m);
    // In the clear, the encrypted digest names no tip at all.
    for (const tip of tips) expect(raw).not.toContain(tip.id);
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(raw)?.[0] ?? '';
    const inner = decodedParts(gpgDecrypt(privateKey, armored.replace(/\r\n/g, '\n')));
    expect(inner).toContain('3 tips and questions');
    for (const tip of held.ukraine) {
      expect(inner).toContain(tip.id);
      expect(inner).toContain(`${INBOX}#/tips/${tip.id}`);
    }
    for (const tip of [...held.world, tips[0] as TipRecord]) expect(inner).not.toContain(tip.id);

    // Every tip reached its desk once and is marked alerted; no digest carries reader text or a receipt.
    for (const tip of tips) expect((await table.store.getTip(tip.id)).alertedAt).toEqual(expect.any(String));
    for (const tip of tips) {
      for (const text of [JSON.stringify(plain), raw, inner]) {
        expect(text).not.toContain(tip.receipt);
        expect(text).not.toContain(tip.message);
      }
    }
    expect(inner).not.toContain('Оксана');
    // Every email either desk got (alerts and digests, plain and raw): a Message-ID, no receipt code.
    const everything = [...(await mailTo(WORLD)), ...(await mailTo(UKRAINE))];
    expect(everything).toHaveLength(4);
    for (const email of everything.filter((e) => !e.subject.endsWith('encrypted'))) {
      expect(email.headers?.filter((h) => h.name === 'Message-ID')).toHaveLength(1);
    }
    const raws = rawSends.slice(-2);
    for (const r of raws) expect(r).toMatch(/^Message-ID: <[^>]+>\r$/m);
    for (const tip of tips) {
      for (const text of [...everything.map((e) => JSON.stringify(e)), ...raws])
        expect(text).not.toContain(tip.receipt);
    }
    // The world desk's individual alert shows the reader's message in its own direction.
    expect(world[0]?.body.html).toMatch(/<div dir="auto"[^>]*>Ferries between Tallinn/);

    // The next tick finds nothing left to send.
    await notify({});
    expect(await mailTo(WORLD)).toHaveLength(2);
    expect(await mailTo(UKRAINE)).toHaveLength(2);
  });
});

describe('reader-message notices go through the flood breaker', () => {
  const run = randomUUID().slice(0, 8);
  const DESK = `notices-${run}@newsroom.example`;

  it('40 messages on one tip within a window are one notice, and the digest says the reader wrote again', async () => {
    silenceFunctions();
    const table = await makeTestTable('notices');
    const guardTable = `guard-${randomUUID().slice(0, 8)}`;
    await ensureTable(table.dynamo.client, guardTableInput(guardTable));
    let now = new Date('2026-12-02T11:00:01Z');
    const clock = () => now;
    const env = {
      TIPS_TABLE: table.tableName,
      GUARD_TABLE: guardTable,
      CLIENT_HASH_SECRET: 'test-client-hash-secret-0123456789abcdef',
      RECEIPT_HASH_SECRET: TEST_RECEIPT_HASH_SECRET,
      DYNAMODB_ENDPOINT: table.dynamoUrl,
      SES_ENDPOINT: table.sesUrl,
      DESK_ADDRESS: DESK,
      SENDER_ADDRESS: SENDER,
      FLOOD_MAX_ALERTS: '50',
      FLOOD_WINDOW_SECONDS: String(WINDOW_S),
      STAFF_INBOX_URL: INBOX,
    };
    // The reader's own limit is lifted: this is about the desk's mailbox, not about guessing.
    const receipts = receiptsFromConfig(
      loadConfig(receiptsConfigSchema, env),
      table.dynamo,
      {
        limit: 1_000,
        windowSeconds: 600,
      },
      { clock },
    );
    const notify = makeNotifierHandler(
      notifierDepsFromConfig(loadConfig(notifierConfigSchema, env), { dynamo: table.dynamo, clock }),
    );
    const { tip: stored, receipt } = await makeSubmitTip({
      store: table.store,
      receiptKeys: testReceiptKeys,
    })(validTip());
    const tip = { ...stored, receipt };
    const addMessage = async (i: number) => {
      const event = httpEvent({
        method: 'POST',
        path: `/receipts/${tip.receipt}/messages`,
        routeKey: 'POST /receipts/{code}/messages',
        body: JSON.stringify({ message: `One more detail, number ${i}, about the ferry office` }),
      });
      event.pathParameters = { code: tip.receipt };
      const res = await receipts(event, {} as never);
      expect(res).toMatchObject({ statusCode: 201 });
    };
    const noticesOf = async () =>
      (await readMailbox()).filter((e) => e.destination.to.includes(DESK) && e.subject.includes(tip.id));

    for (let i = 0; i < 40; i++) await addMessage(i);

    const notices = await noticesOf();
    expect(notices).toHaveLength(1);
    expect(notices[0]?.subject).toBe(`[Tipline] The reader added a message · tip ${tip.id}`);

    // After the window: one digest line for the other 39, and a fresh window notices again.
    now = new Date(now.getTime() + WINDOW_S * 1000);
    await notify({});
    const digests = (await readMailbox()).filter(
      (e) => e.destination.to.includes(DESK) && e.subject.startsWith('[Tipline] Digest'),
    );
    expect(digests).toHaveLength(1);
    expect(digests[0]?.subject).toContain('1 new reader message during a flood');
    expect(digests[0]?.body.text).toContain(`new reader message on ${tip.id}`);
    expect(digests[0]?.body.text?.match(/new reader message on/g)).toHaveLength(1);
    expect(JSON.stringify(digests[0])).not.toContain('ferry office');
    expect(JSON.stringify(digests[0])).not.toContain(tip.receipt);

    await addMessage(40);
    expect(await noticesOf()).toHaveLength(2);
  });
});
