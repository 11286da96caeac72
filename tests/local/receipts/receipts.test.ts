import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#core/config/load-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { makeSubmitTip } from '#core/intake/submit-tip';
import type { ReceiptAnswer } from '#core/receipts/receipt-answer';
import { READER_ENTRY_ATTRIBUTES } from '#core/receipts/receipt-store';
import { makeTriageTip } from '#core/staff/triage-tip';
import { normaliseReceiptCode } from '#core/tips/receipt-code';
import { receiptsFromConfig } from '../../../functions/receipts/wiring';
import { type RunningGateway, startGateway } from '../../../local/stack/gateway';
import { ensureTable } from '../../../local/stack/tables';
import { httpEvent } from '../../support/events';
import {
  emailsMentioning,
  makeTestTable,
  TEST_RECEIPT_HASH_SECRET,
  type TestTable,
  testReceiptKeys,
  validTip,
} from '../../support/local-env';

const answerOf = async (res: Response) => (await res.json()) as ReceiptAnswer;

const SECRET = 'test-client-hash-secret-0123456789abcdef';
const RECEIPT_SECRET = TEST_RECEIPT_HASH_SECRET;

/** Counts the DynamoDB commands a request makes: a wrong code must do exactly what a missing one does. */
function commandLog(table: TestTable): string[] {
  const log: string[] = [];
  table.dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      log.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: `commandLog-${randomUUID()}` },
  );
  return log;
}

describe('follow-up by receipt: GET /receipts/{code} and POST /receipts/{code}/messages', () => {
  let table: TestTable;
  let guardTable: string;
  let gateway: RunningGateway;
  let commands: string[];
  const triage = () => makeTriageTip({ store: table.store });
  const submit = (overrides: Record<string, unknown> = {}) =>
    makeSubmitTip({ store: table.store, receiptKeys: testReceiptKeys })(validTip(overrides)).then((r) => ({
      ...r.tip,
      receipt: r.receipt,
    }));
  const get = (code: string, ip?: string) =>
    fetch(`${gateway.url}/receipts/${encodeURIComponent(code)}`, ip ? { headers: { 'x-test-ip': ip } } : {});
  const post = (code: string, body: unknown) =>
    fetch(`${gateway.url}/receipts/${encodeURIComponent(code)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    table = await makeTestTable('receipts');
    guardTable = `guard-${randomUUID().slice(0, 8)}`;
    await ensureTable(table.dynamo.client, {
      TableName: guardTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    const config = loadConfig(receiptsConfigSchema, {
      TIPS_TABLE: table.tableName,
      GUARD_TABLE: guardTable,
      CLIENT_HASH_SECRET: SECRET,
      RECEIPT_HASH_SECRET: RECEIPT_SECRET,
      DYNAMODB_ENDPOINT: table.dynamoUrl,
      DESK_ADDRESS: 'world-desk@newsroom.example',
      SENDER_ADDRESS: 'tipline@newsroom.example',
      SES_ENDPOINT: table.sesUrl,
      DESK_ROUTING: JSON.stringify({
        default: ['world-desk@newsroom.example'],
        rules: [{ topic: 'russia-ukraine-war', to: ['ukraine-team@newsroom.example'] }],
      }),
    });
    const receipts = receiptsFromConfig(config, table.dynamo, { limit: 12, windowSeconds: 600 });
    // Each test speaks as its own client (the x-test-ip header), so the limit of one never spills into another.
    gateway = await startGateway({
      port: 0,
      handlers: {
        receipts: (event, context) => {
          const ip = event.headers?.['x-test-ip'];
          if (ip) event.requestContext.http.sourceIp = ip;
          return receipts(event, context);
        },
      },
    });
    commands = commandLog(table);
  });
  afterAll(async () => gateway?.close());

  it('tells the reader a new tip was received, however they type the code', async () => {
    const tip = await submit();
    const sloppy = tip.receipt.toLowerCase().replace(/-/g, ' ');

    const res = await get(sloppy, '198.51.100.1');

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await answerOf(res);
    expect(body).toEqual({
      receipt: tip.receipt,
      kind: 'tip',
      status: 'received',
      explanation: 'Your message reached the desk and is waiting to be read.',
      receivedOn: tip.createdAt.slice(0, 10),
      replies: [],
      messagesAdded: 0,
    });
    // The reader's own words are never echoed back by a code that might have leaked.
    expect(JSON.stringify(body)).not.toContain(tip.message);
  });

  it('follows a quarantined tip through release, review and closing, showing only the desk reply', async () => {
    const tip = await submit({ website: 'https://spam.example' });
    expect(tip.status).toBe('quarantined');
    expect((await answerOf(await get(tip.receipt, '198.51.100.2'))).status).toBe('received');

    const released = await triage()({
      id: tip.id,
      expectedVersion: 1,
      patch: { status: 'new' },
      by: 'alice',
    });
    const inReview = await triage()({
      id: tip.id,
      expectedVersion: released.version,
      patch: { status: 'in-review', note: 'internal: call the ministry' },
      by: 'alice',
    });
    expect((await answerOf(await get(tip.receipt, '198.51.100.2'))).status).toBe('being looked at');

    await triage()({
      id: tip.id,
      expectedVersion: inReview.version,
      patch: { status: 'followed-up', reply: 'Thank you: a reporter followed this up.' },
      by: 'alice',
    });
    const res = await get(tip.receipt, '198.51.100.2');
    const body = await answerOf(res);

    expect(body.status).toBe('closed');
    expect(body.explanation).toBe('The desk has finished with your message. Thank you for sending it.');
    expect(body.replies).toEqual([
      { at: expect.any(String), message: 'Thank you: a reporter followed this up.' },
    ]);
    expect(JSON.stringify(body)).not.toContain('alice');
    expect(JSON.stringify(body)).not.toContain('internal: call the ministry');
    expect(JSON.stringify(body)).not.toContain('honeypot');
  });

  it('answers a wrong code exactly as a missing one, with the same single Query', async () => {
    const tip = await submit();
    // One symbol changed: well-formed, never issued.
    const last = tip.receipt.at(-1) === '2' ? '3' : '2';
    const wrong = `${tip.receipt.slice(0, -1)}${last}`;
    const missing = 'ZZZZ-ZZZZ-ZZZZ';
    const malformed = 'not-a-receipt';

    const answers = [];
    const work = [];
    for (const code of [wrong, missing, malformed]) {
      commands.length = 0;
      const res = await get(code, '198.51.100.3');
      work.push([...commands]);
      answers.push({ status: res.status, type: res.headers.get('content-type'), body: await res.text() });
    }

    expect(answers[0]).toEqual({
      status: 404,
      type: 'application/json; charset=utf-8',
      body: JSON.stringify({ error: 'not_found', message: 'no such resource' }),
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    // A found code costs the same: the receipt index projects the answer, so no second read.
    commands.length = 0;
    expect((await get(tip.receipt, '198.51.100.3')).status).toBe(200);
    const found = [...commands];
    expect(work).toEqual([found, found, found]);
    expect(found).toEqual(['UpdateItemCommand', 'QueryCommand']);
  });

  it('adds the reader message to the tip history, bumping its version, and shows the count', async () => {
    const tip = await submit({ topic: 'russia-ukraine-war' });

    const res = await post(tip.receipt, { message: 'One more thing: the ferry office closes at 18:00.' });

    expect(res.status).toBe(201);
    expect((await answerOf(res)).messagesAdded).toBe(1);
    const stored = await table.store.getTip(tip.id, { consistent: true });
    expect(stored.version).toBe(2);
    expect(stored.history.at(-1)).toEqual({
      at: expect.any(String),
      by: 'reader',
      action: 'reader-message',
      note: 'One more thing: the ferry office closes at 18:00.',
    });
    // The routed desk gets a notice naming the tip, with none of the reader's words in it.
    const [notice, ...more] = await emailsMentioning(tip.id);
    expect(more).toEqual([]);
    expect(notice?.destination.to).toEqual(['ukraine-team@newsroom.example']);
    expect(notice?.subject).toBe(`[Tipline] The reader added a message · tip ${tip.id}`);
    expect(JSON.stringify(notice)).not.toContain('ferry office');
    expect(JSON.stringify(notice)).not.toContain(tip.message);
  });

  it('names in its UpdateItem only the attributes infra lets the receipts role touch (dynamodb:Attributes)', async () => {
    const tip = await submit();
    const updates: Record<string, unknown>[] = [];
    table.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (context.commandName === 'UpdateItemCommand' && input.TableName === table.tableName)
          updates.push(input);
        return next(args);
      },
      { step: 'serialize', name: `updateLog-${randomUUID()}` },
    );

    expect((await post(tip.receipt, { message: 'And the harbour master confirmed it.' })).status).toBe(201);

    expect(updates).toHaveLength(1);
    const [update] = updates as [Record<string, string | Record<string, unknown>>];
    // Every attribute goes through a #placeholder: a bare name in an expression would escape this check.
    const expressions = [update.UpdateExpression, update.ConditionExpression].join(' ');
    const bare = expressions
      .replace(/[#:][A-Za-z0-9_]+/g, '')
      .match(/[A-Za-z_][A-Za-z0-9_]*/g)
      ?.filter(
        (word) =>
          ![
            'SET',
            'AND',
            'OR',
            'NOT',
            'list_append',
            'if_not_exists',
            'attribute_exists',
            'attribute_not_exists',
            'size',
          ].includes(word),
      );
    expect(bare).toEqual([]);
    const named = [
      ...Object.keys(update.Key as Record<string, unknown>),
      ...Object.values(update.ExpressionAttributeNames as Record<string, string>),
    ];
    // The policy is ForAllValues: a write may name fewer (a message names no attachments), never another.
    const allowed: string[] = Object.values(READER_ENTRY_ATTRIBUTES);
    expect(named.filter((n) => !allowed.includes(n))).toEqual([]);
    expect(new Set(named)).toEqual(new Set(allowed.filter((a) => a !== READER_ENTRY_ATTRIBUTES.attachments)));
    expect(update.ReturnValues ?? 'NONE').toBe('NONE');
  });

  it('stores a message on a quarantined tip without notifying the desk', async () => {
    const tip = await submit({ website: 'http://bot.example' });

    const res = await post(tip.receipt, { message: 'buy cheap watches now' });

    expect(res.status).toBe(201);
    expect((await table.store.getTip(tip.id, { consistent: true })).history.at(-1)?.action).toBe(
      'reader-message',
    );
    expect(await emailsMentioning(tip.id)).toEqual([]);
  });

  it('refuses an invalid message with every issue, but a wrong code with a bad body is still not found', async () => {
    const tip = await submit();
    const bad = await post(tip.receipt, { message: ' ', extra: 1 });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; issues: { path: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['extra', 'message']);

    const wrong = await post('ZZZZ-ZZZZ-ZZZ2', { message: ' ' });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toEqual({ error: 'not_found', message: 'no such resource' });
  });

  it('fails closed: when the rate-limit counter cannot be kept, 503 + Retry-After, and no lookup', async () => {
    const tip = await submit();
    const blind = receiptsFromConfig(
      loadConfig(receiptsConfigSchema, {
        TIPS_TABLE: table.tableName,
        GUARD_TABLE: 'no-such-guard-table',
        CLIENT_HASH_SECRET: SECRET,
        RECEIPT_HASH_SECRET: RECEIPT_SECRET,
        DYNAMODB_ENDPOINT: table.dynamoUrl,
      }),
      table.dynamo,
    );
    commands.length = 0;

    const event = httpEvent({
      method: 'GET',
      path: `/receipts/${tip.receipt}`,
      routeKey: 'GET /receipts/{code}',
      headers: {},
    });
    event.pathParameters = { code: tip.receipt };
    const res = await blind(event);

    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.parse(res.body as string)).toMatchObject({ error: 'unavailable' });
    expect(commands).toEqual(['UpdateItemCommand']);
  });

  it('limits requests per client (429 + Retry-After) and keeps only a keyed hash of the IP', async () => {
    const ip = '203.0.113.99';
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await get(normaliseReceiptCode('zzzzzzzzzzzz'), ip)).status);

    expect(statuses.slice(0, 12).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(12)).toEqual([429, 429]);
    const limited = await get('ZZZZ-ZZZZ-ZZZZ', ip);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    // Another client is not affected.
    expect((await get('ZZZZ-ZZZZ-ZZZZ', '203.0.113.100')).status).toBe(404);

    const { Items = [] } = await table.dynamo.doc.send(new ScanCommand({ TableName: guardTable }));
    expect(Items.length).toBeGreaterThan(0);
    expect(JSON.stringify(Items)).not.toContain('203.0.113');
    // Rate counters (receipts' own) and the flood breaker's windows the desk notices went through.
    expect(Items.every((item) => /^(rate#receipts#|flood#\d+$|digest#\d+$)/.test(String(item.pk)))).toBe(
      true,
    );
    expect(Items.some((item) => String(item.pk).startsWith('rate#receipts#'))).toBe(true);
  });
});
