import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { intakeFromConfig } from '../../../functions/intake/wiring';
import { validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import {
  makeReliableIntake,
  parse,
  postTipEvent,
  type ReliableIntake,
} from '../../support/reliability-helpers';

describe('idempotent intake (Powertools idempotency on dynalite)', () => {
  let intake: ReliableIntake;

  beforeAll(async () => {
    silenceFunctions();
    intake = await makeReliableIntake();
  });

  const tipsWith = async (message: unknown) =>
    (await intake.scan(intake.table.tableName)).filter((t) => t.message === message);

  it('answers a retry with the same Idempotency-Key with the first 201 and stores one tip', async () => {
    const tip = validTip();
    const headers = { 'idempotency-key': `key-${Date.now()}` };

    const first = await intake.handler(postTipEvent(tip, { headers }));
    const second = await intake.handler(postTipEvent(tip, { headers }));

    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(parse(second.body)).toEqual(parse(first.body));
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await tipsWith(tip.message)).toHaveLength(1);
  });

  it('stores exactly one tip when the same key arrives 5 times at once', async () => {
    const tip = validTip();
    const headers = { 'idempotency-key': `burst-${Date.now()}` };

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => intake.handler(postTipEvent(tip, { headers }))),
    );

    // The twins wait for the first answer (up to 2 s) and replay it; a 409 only if it takes longer.
    const created = responses.filter((r) => r.statusCode === 201);
    expect(responses.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
    expect(new Set(created.map((r) => parse(r.body).id)).size).toBe(1);
    expect(created.filter((r) => !r.headers['idempotent-replayed'])).toHaveLength(1);
    expect(await tipsWith(tip.message)).toHaveLength(1);
  });

  it('without a key, the same body from the same client within the window is one tip', async () => {
    const tip = validTip();

    const first = await intake.handler(postTipEvent(tip));
    // Key order and surrounding whitespace do not make it a different submission.
    const reordered = Object.fromEntries(Object.entries(tip).reverse());
    const again = await intake.handler(postTipEvent({ ...reordered, message: `  ${tip.message}\n` }));

    expect(again.statusCode).toBe(201);
    expect(parse(again.body).id).toBe(parse(first.body).id);
    expect(await tipsWith(tip.message)).toHaveLength(1);
  });

  it('the same body from another client is a new tip, quarantined as a duplicate', async () => {
    const tip = validTip();

    const first = await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.1' }));
    const other = await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.2' }));

    expect(other.statusCode).toBe(201);
    expect(parse(other.body).id).not.toBe(parse(first.body).id);
    const stored = await tipsWith(tip.message);
    expect(stored.map((t) => t.status).sort()).toEqual(['new', 'quarantined']);
    const copy = stored.find((t) => t.status === 'quarantined');
    expect(copy?.quarantineReason).toBe('duplicate');
    expect(copy?.history).toEqual([expect.objectContaining({ to: 'quarantined', reason: 'duplicate' })]);
  });

  it('binds the key to the client: another client with the same key and body gets a new tip and receipt', async () => {
    const tip = validTip();
    const headers = { 'idempotency-key': `shared-${Date.now()}` };

    const first = await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.11', headers }));
    const other = await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.12', headers }));
    const retry = await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.11', headers }));

    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(parse(other.body).id).not.toBe(parse(first.body).id);
    expect(parse(other.body).receipt).not.toBe(parse(first.body).receipt);
    // The first client's own retry still gets its own first answer, receipt included.
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(parse(retry.body)).toEqual(parse(first.body));
    expect(await tipsWith(tip.message)).toHaveLength(2);
  });

  it("another client's same key with a different body is a new request, not a 422 that tells it the key is in use", async () => {
    const headers = { 'idempotency-key': `probe-${Date.now()}` };
    await intake.handler(postTipEvent(validTip(), { sourceIp: '198.51.100.13', headers }));
    const other = validTip();

    const res = await intake.handler(postTipEvent(other, { sourceIp: '198.51.100.14', headers }));

    expect(res.statusCode).toBe(201);
    expect(await tipsWith(other.message)).toHaveLength(1);
  });

  it('keeps the receipt sealed in the idempotency record: no code in clear, a replay unseals it', async () => {
    const tip = validTip();
    const headers = { 'idempotency-key': `sealed-${Date.now()}` };
    const first = parse((await intake.handler(postTipEvent(tip, { headers }))).body);

    const records = JSON.stringify(await intake.scan(intake.env.IDEMPOTENCY_TABLE as string));

    expect(records).toContain(first.id as string);
    expect(records).not.toContain(first.receipt as string);
    expect(records).toContain('sealedReceipt');
    const replay = await intake.handler(postTipEvent(tip, { headers }));
    expect(parse(replay.body).receipt).toBe(first.receipt);
  });

  it('replays a record written before receipts were sealed (the window after that deploy) as it is', async () => {
    const tip = validTip();
    const headers = { 'idempotency-key': `legacy-${Date.now()}` };
    const first = parse((await intake.handler(postTipEvent(tip, { headers }))).body);
    const table = intake.env.IDEMPOTENCY_TABLE as string;
    const [record] = (await intake.scan(table)).filter((r) =>
      JSON.stringify(r.data).includes(first.id as string),
    );
    const { sealedReceipt: _sealed, ...rest } = (record?.data ?? {}) as Record<string, unknown>;
    await intake.table.dynamo.doc.send(
      new PutCommand({ TableName: table, Item: { ...record, data: { ...rest, receipt: 'LEGA-CY22-CODE' } } }),
    );

    const replay = await intake.handler(postTipEvent(tip, { headers }));

    expect(replay.statusCode).toBe(201);
    expect(parse(replay.body)).toEqual({ ...first, receipt: 'LEGA-CY22-CODE' });
  });

  it('answers a retry whose sealed receipt no longer unseals (RECEIPT_HASH_SECRET rotated) with 409, storing nothing', async () => {
    const tip = validTip();
    const headers = { 'idempotency-key': `rotated-${Date.now()}` };
    const first = parse((await intake.handler(postTipEvent(tip, { headers }))).body);
    // A container started after the rotation: same tables, another receipt secret.
    const rotated = intakeFromConfig(
      loadConfig(intakeConfigSchema, {
        ...intake.env,
        RECEIPT_HASH_SECRET: 'rotated-receipt-secret-0123456789abcdef',
      }),
      intake.table.dynamo,
    );

    const retry = await rotated(postTipEvent(tip, { headers }));
    const again = await rotated(postTipEvent(tip, { headers }));

    expect(retry.statusCode).toBe(409);
    expect(parse(retry.body)).toMatchObject({ error: 'receipt_unavailable' });
    expect(retry.body).not.toContain(first.receipt as string);
    expect(again.statusCode).toBe(409);
    expect(await tipsWith(tip.message)).toHaveLength(1);
  });

  it('refuses a key reused for a different body with 422 and stores nothing for it', async () => {
    const headers = { 'idempotency-key': `reuse-${Date.now()}` };
    await intake.handler(postTipEvent(validTip(), { headers }));
    const other = validTip();

    const res = await intake.handler(postTipEvent(other, { headers }));

    expect(res.statusCode).toBe(422);
    expect(parse(res.body).error).toBe('idempotency_key_reused');
    expect(await tipsWith(other.message)).toHaveLength(0);
  });

  it('does not remember a 4xx: a corrected retry with the same key is stored', async () => {
    const headers = { 'idempotency-key': `fix-${Date.now()}` };
    const tip = validTip();

    const bad = await intake.handler(postTipEvent({ ...tip, consent: false }, { headers }));
    const fixed = await intake.handler(postTipEvent(tip, { headers }));

    expect(bad.statusCode).toBe(400);
    expect(fixed.statusCode).toBe(201);
    expect(await tipsWith(tip.message)).toHaveLength(1);
  });

  it('refuses a malformed Idempotency-Key with 400', async () => {
    const res = await intake.handler(
      postTipEvent(validTip(), { headers: { 'idempotency-key': 'ä'.repeat(3) } }),
    );

    expect(res.statusCode).toBe(400);
    expect(parse(res.body).issues).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
  });
});

describe('a twin that outlasts the wait', () => {
  it('gets 409 + Retry-After (a page for the form) while the first is still being stored; one tip', async () => {
    silenceFunctions();
    const slow = makeDynamoClients({ region: 'us-east-1', endpoint: inject('dynamoUrl') });
    const intake = await makeReliableIntake({}, slow);
    // A store that takes 3 s to write a tip: longer than a twin waits for its answer (2 s).
    slow.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { TableName?: string };
        if (context.commandName === 'PutItemCommand' && input.TableName === intake.env.TIPS_TABLE) {
          await new Promise((r) => setTimeout(r, 3_000));
        }
        return next(args);
      },
      { step: 'initialize', name: 'slowTipsTable' },
    );
    const form = new URLSearchParams({ ...(validTip() as Record<string, string>), consent: 'on' }).toString();
    const post = () =>
      intake.handler(
        postTipEvent(form, {
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        }),
      );

    const [first, twin] = await Promise.all([post(), new Promise((r) => setTimeout(r, 100)).then(post)]);

    expect(first.statusCode).toBe(201);
    expect(twin.statusCode).toBe(409);
    expect(twin.headers['retry-after']).toBe('1');
    expect(twin.headers['content-type']).toContain('text/html');
    expect(twin.body).toContain('it will not be stored twice');
    const again = await post();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await intake.scan(intake.env.TIPS_TABLE as string)).toHaveLength(1);
  });
});
