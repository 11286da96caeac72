import { randomUUID } from 'node:crypto';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Mailer, makeMailer } from '#core/alerts/mailer';
import { MailerError } from '#core/http/errors';
import { makeDynamoClients, makeSesClient } from '#core/platform/aws-clients';
import { newReceiptCode } from '#core/tips/receipt-code';
import type { TipRecord } from '#core/tips/tip-record';
import { makeTipStore } from '#core/tips/tip-store';
import { makeNotifierHandler, type NotifierHandler } from '../../../functions/notifier/make-notifier-handler';
import { attachStreamFeed } from '../../../local/stack/stream-feed';
import {
  makeTestTable,
  readMailbox,
  type StoredEmail,
  type TestTable,
  testReceiptKeys,
} from '../../support/local-env';
import { capturingLogger, quietLogger } from '../../support/quiet-logger';
import { insertRecordFor, storeTip, streamEventFixture } from '../../support/stream-records';

/**
 * SES can't be made to fail one chosen message, so this wraps the real mailer and refuses
 * the alert of one tip, as SES throttling would. Everything else really goes to the emulator.
 */
function failingFor(inner: Mailer, refuse: (alertText: string) => boolean): Mailer & { refused: number } {
  const wrapper = {
    refused: 0,
    async send(to: string[], content: Parameters<Mailer['send']>[1]) {
      if (refuse(content.text)) {
        wrapper.refused++;
        throw new MailerError('SES refused the email (TooManyRequestsException)', true);
      }
      return inner.send(to, content);
    },
  };
  return wrapper;
}

describe('notifier: stream records → desk alerts through the SES emulator', () => {
  let table: TestTable;
  let mailer: Mailer;
  // Every test file shares the emulator: a desk address of our own tells our mail apart.
  const deskAddress = `desk-${randomUUID().slice(0, 8)}@newsroom.example`;

  beforeAll(async () => {
    table = await makeTestTable('notifier');
    mailer = makeMailer({
      ses: makeSesClient({ region: 'us-east-1', endpoint: table.sesUrl }),
      from: 'tipline@newsroom.example',
    });
  });

  const notifierWith = (m: Mailer): NotifierHandler =>
    makeNotifierHandler({ store: table.store, mailer: m, deskAddress, logger: quietLogger() });

  async function alertsFor(tipId: string): Promise<StoredEmail[]> {
    return (await readMailbox(table.sesUrl)).filter(
      (e) => e.destination.to.includes(deskAddress) && (e.body.text ?? '').includes(tipId),
    );
  }

  it('sends one alert to the desk for an INSERT of a new tip, with everything the desk needs', async () => {
    const tip = await storeTip(table.store, {
      kind: 'question',
      topic: 'asia-pacific',
      subject: 'Typhoon relief',
      name: 'مريم Rinkēvičs',
      email: 'reader@example.org',
      phone: '+63 2 8123 4567',
    });

    const result = await notifierWith(mailer)({ Records: [insertRecordFor(tip, '1000')] });

    expect(result).toEqual({ batchItemFailures: [] });
    const alerts = await alertsFor(tip.id);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts as [StoredEmail];
    expect(alert.destination.to).toEqual([deskAddress]);
    expect(alert.from).toBe('tipline@newsroom.example');
    expect(alert.subject).toBe('[Tipline] New question · Asia-Pacific · Typhoon relief');
    for (const expected of [
      'Question',
      'Asia-Pacific',
      'Typhoon relief',
      tip.message,
      'مريم Rinkēvičs',
      'reader@example.org',
      '+63 2 8123 4567',
      tip.id,
    ]) {
      expect(alert.body.text).toContain(expected);
    }
    expect(alert.body.html).toContain(tip.id);
    // The receipt code is the reader's credential: it never travels to a mailbox.
    expect(JSON.stringify(alert)).not.toContain(tip.receipt);
    expect((await table.store.getTip(tip.id)).alertedAt).toEqual(expect.any(String));
  });

  it('says "anonymous" for an anonymous tip', async () => {
    const tip = await storeTip(table.store, { anonymous: true });
    await notifierWith(mailer)({ Records: [insertRecordFor(tip, '1001')] });
    const [alert] = await alertsFor(tip.id);
    expect(alert?.body.text).toMatch(/Contact:\s+anonymous/);
  });

  it('escapes <script> from the message in the HTML part of the real email', async () => {
    const tip = await storeTip(table.store, {
      message: 'Look at this: <script>alert("desk")</script> & this',
    });
    await notifierWith(mailer)({ Records: [insertRecordFor(tip, '1002')] });
    const [alert] = await alertsFor(tip.id);
    expect(alert?.body.html).not.toContain('<script>');
    expect(alert?.body.html).toContain('&lt;script&gt;alert(&quot;desk&quot;)&lt;/script&gt; &amp; this');
    expect(alert?.body.text).toContain('<script>alert("desk")</script> & this');
  });

  it('handles the AWS-shaped fixture record of an INSERT', async () => {
    const event = streamEventFixture('insert-new-tip');
    const image = event.Records[0]?.dynamodb?.NewImage;
    const {
      gsi_all: _a,
      gsi_status: _s,
      ...tip
    } = unmarshall(image as never) as TipRecord & Record<string, unknown>;
    await table.store.putTip(tip as TipRecord, testReceiptKeys.lookupKey(newReceiptCode()));

    const result = await notifierWith(mailer)(event);

    expect(result.batchItemFailures).toEqual([]);
    const alerts = await alertsFor(tip.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body.text).toMatch(/Contact:\s+anonymous/);
    expect(JSON.stringify(alerts[0])).not.toContain('QZ7M-4KD9-WX2P');
  });

  it.each(['modify-tip', 'remove-tip'])('ignores a %s record', async (fixture) => {
    const event = streamEventFixture(fixture);
    const id = event.Records[0]?.dynamodb?.Keys?.id?.S as string;

    const result = await notifierWith(mailer)(event);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await alertsFor(id)).toEqual([]);
  });

  it('ignores MODIFY and REMOVE records of a stored, never-alerted tip', async () => {
    const tip = await storeTip(table.store);
    const insert = insertRecordFor(tip, '1003');
    const modify = { ...insert, eventName: 'MODIFY' as const };
    const remove = {
      ...insert,
      eventName: 'REMOVE' as const,
      dynamodb: { ...insert.dynamodb, NewImage: undefined },
    };

    const result = await notifierWith(mailer)({ Records: [modify, remove] });

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await alertsFor(tip.id)).toEqual([]);
    expect((await table.store.getTip(tip.id)).alertedAt).toBeUndefined();
  });

  it('never alerts a quarantined tip', async () => {
    const tip = await storeTip(table.store, { website: 'http://cheap-pills.example' });
    expect(tip.status).toBe('quarantined');

    const result = await notifierWith(mailer)({ Records: [insertRecordFor(tip, '1004')] });

    expect(result).toEqual({ batchItemFailures: [] });
    expect(await alertsFor(tip.id)).toEqual([]);
    expect((await table.store.getTip(tip.id)).alertedAt).toBeUndefined();
  });

  it('logs the tip id and outcome, never the tip text or contact details', async () => {
    const secret = {
      subject: 'Secret subject Nn42',
      message: 'Secret message about the general Kp17 and more words',
      name: 'Secret Name مريم',
      email: 'secret.source@example.org',
      phone: '+44 20 7946 1111',
    };
    const tip = await storeTip(table.store, secret);
    const failing = await storeTip(table.store, { ...secret, subject: `${secret.subject} (refused)` });
    const { logger, lines } = capturingLogger('tipline-notifier');
    const handler = makeNotifierHandler({
      store: table.store,
      mailer: failingFor(mailer, (text) => text.includes(failing.id)),
      deskAddress,
      logger,
    });

    const result = await handler({
      Records: [insertRecordFor(tip, '3001'), insertRecordFor(failing, '3002')],
    });
    const output = lines().join('\n');

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '3002' }]);
    expect(output).toContain(tip.id);
    expect(output).toContain('MailerError');
    for (const value of Object.values(secret)) expect(output).not.toContain(value);
  });

  describe('a partial failure', () => {
    let tips: TipRecord[];
    let batch: DynamoDBStreamEvent;

    beforeAll(async () => {
      tips = [];
      for (let i = 0; i < 3; i++) tips.push(await storeTip(table.store, { subject: `Batch tip ${i + 1}` }));
      batch = { Records: tips.map((t, i) => insertRecordFor(t, `2000${i + 1}`)) };
    });

    it('reports exactly the failed record; the others are sent once; a redelivery sends nothing twice', async () => {
      const faulty = failingFor(mailer, (text) => text.includes(tips[1]?.id as string));

      const first = await notifierWith(faulty)(batch);

      expect(first.batchItemFailures).toEqual([{ itemIdentifier: '20002' }]);
      expect(faulty.refused).toBe(1);
      expect(await alertsFor(tips[0]?.id as string)).toHaveLength(1);
      expect(await alertsFor(tips[1]?.id as string)).toHaveLength(0);
      expect(await alertsFor(tips[2]?.id as string)).toHaveLength(1);
      expect((await table.store.getTip(tips[1]?.id as string)).alertedAt).toBeUndefined();

      // The event source redelivers the batch (from the failed record on; here all of it):
      // the 2nd goes out now, the 1st and 3rd are recognised by alertedAt and not resent.
      const second = await notifierWith(mailer)(batch);
      expect(second.batchItemFailures).toEqual([]);

      const third = await notifierWith(mailer)(batch);
      expect(third.batchItemFailures).toEqual([]);

      for (const tip of tips) {
        expect(await alertsFor(tip.id)).toHaveLength(1);
        expect((await table.store.getTip(tip.id)).alertedAt).toEqual(expect.any(String));
      }
    });
  });

  it('through the local stream feed, a refused alert is retried until it goes out, once', async () => {
    // The feed watches PutItem on its own client, as the stream watches the table.
    const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: table.dynamoUrl });
    const store = makeTipStore({ doc: dynamo.doc, tableName: table.tableName });
    const marker = `flaky-${randomUUID()}`;
    let attempts = 0;
    // The second tip's alert is refused twice, then SES "recovers".
    const flaky = failingFor(mailer, (text) => text.includes(marker) && ++attempts <= 2);
    const feed = attachStreamFeed(dynamo.client, {
      tableName: table.tableName,
      consumer: notifierWith(flaky),
      retryDelayMs: 10,
    });

    const tips = [
      await storeTip(store, { subject: 'Fed tip 1' }),
      await storeTip(store, { subject: `Fed tip 2 ${marker}` }),
      await storeTip(store, { subject: 'Fed tip 3' }),
    ];
    await feed.drained();
    feed.stop();
    dynamo.client.destroy();

    expect(flaky.refused).toBe(2);
    for (const tip of tips) expect(await alertsFor(tip.id)).toHaveLength(1);
  });
});
