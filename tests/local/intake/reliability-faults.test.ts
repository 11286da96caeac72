import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFormTokens } from '#core/guards/form-token';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { makeTipStore } from '#core/tips/tip-store';
import { redrive } from '../../../local/cli/redrive';
import { freePort, type RunningServer, startSesEmulator } from '../../../local/stack/emulators';
import type { LocalStack } from '../../../local/stack/stack';
import { readMailbox, validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import { makeReliableIntake, parse, postTipEvent, TEST_SECRET } from '../../support/reliability-helpers';
import { storeTip } from '../../support/stream-records';
import { startTestStack } from '../../support/test-stack';

/** A fault dynalite cannot produce: DynamoDB throttling, injected as the SDK would raise it. */
function throttle(
  client: DynamoDBClient,
  when: (command: string, input: Record<string, unknown>) => boolean,
) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (when(context.commandName ?? '', args.input as Record<string, unknown>)) {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectThrottling' },
  );
}

describe('store faults: 503 + Retry-After, nothing half-written', () => {
  beforeAll(() => {
    silenceFunctions();
  });

  it('a throttled tips table gives 503, leaves no tip, no in-progress mark, no fingerprint, no used token; the retry succeeds', async () => {
    const faulty = makeDynamoClients({ region: 'us-east-1', endpoint: inject('dynamoUrl') });
    let throttled = true;
    const intake = await makeReliableIntake({}, faulty);
    throttle(
      faulty.client,
      (command, input) =>
        throttled && command === 'PutItemCommand' && input.TableName === intake.env.TIPS_TABLE,
    );
    // From the form: its single-use token must be given back with the failed write.
    const formToken = makeFormTokens({ secret: TEST_SECRET, minFillSeconds: 0 }).issue();
    const tip = validTip({ formToken });
    const headers = { 'idempotency-key': `retry-${Date.now()}` };

    const failed = await intake.handler(postTipEvent(tip, { headers }));

    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toMatch(/^\d+$/);
    expect(parse(failed.body).error).toBe('unavailable');
    expect(await intake.scan(intake.env.TIPS_TABLE as string)).toEqual([]);
    expect(await intake.scan(intake.env.IDEMPOTENCY_TABLE as string)).toEqual([]);
    const guard = await intake.scan(intake.env.GUARD_TABLE as string);
    expect(guard.filter((i) => /^(fp|form)#/.test(String(i.pk)))).toEqual([]);

    throttled = false;
    const retried = await intake.handler(postTipEvent(tip, { headers }));

    expect(retried.statusCode).toBe(201);
    const stored = await intake.scan(intake.env.TIPS_TABLE as string);
    expect(stored).toEqual([expect.objectContaining({ id: parse(retried.body).id, status: 'new' })]);
  });

  it('a store that throttles everything gives 503 (JSON and the form page) and stores nothing', async () => {
    const faulty = makeDynamoClients({ region: 'us-east-1', endpoint: inject('dynamoUrl') });
    const intake = await makeReliableIntake({}, faulty);
    throttle(faulty.client, () => true);
    const formPost = postTipEvent(new URLSearchParams({ ...validTip(), consent: 'on' } as never).toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    });

    const json = await intake.handler(postTipEvent(validTip()));
    const page = await intake.handler(formPost);

    expect(json.statusCode).toBe(503);
    expect(json.headers['retry-after']).toBeDefined();
    expect(page.statusCode).toBe(503);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['retry-after']).toBeDefined();
    expect(await intake.scan(intake.env.TIPS_TABLE as string)).toEqual([]);
    expect(await intake.scan(intake.env.IDEMPOTENCY_TABLE as string)).toEqual([]);
  });
});

describe('SES down mid-run, then back: every alert delivered exactly once after the redrive', () => {
  let stack: LocalStack;
  let ses: RunningServer;
  let sesPort: number;

  beforeAll(async () => {
    silenceFunctions();
    // Our own emulator on a fixed port, so it can be stopped and started again at the same address.
    sesPort = await freePort();
    ses = await startSesEmulator({ port: sesPort });
    stack = await startTestStack('ses-fault', {
      sesUrl: ses.url,
      retryDelayMs: 20,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await ses?.close();
  });

  const post = async (tip: Record<string, unknown>) => {
    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tip),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const alertsFor = async (ids: string[]) => {
    const mail = await readMailbox(ses.url);
    return ids.map((id) => mail.filter((m) => (m.body.text ?? '').includes(id)).length);
  };

  it('dead-letters the alerts that failed while SES was down and resends each once', async () => {
    const before = [await post(validTip()), await post(validTip()), await post(validTip())];
    await stack.feed.drained();
    expect(await alertsFor(before)).toEqual([1, 1, 1]);

    await ses.close();
    const during = [
      await post(validTip()),
      await post(validTip()),
      await post(validTip()),
      await post(validTip()),
    ];
    await stack.feed.drained();

    // After the stream feed's retries each failed tip is in the DLQ by id; nothing went out.
    const letters = readFileSync(stack.deadLetterFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(letters.map((l) => l.tipId).sort()).toEqual([...during].sort());
    expect(letters.every((l) => typeof l.reason === 'string' && typeof l.failedAt === 'string')).toBe(true);

    ses = await startSesEmulator({ port: sesPort });
    // A stale letter for a tip that was alerted already must not alert it again.
    appendFileSync(
      stack.deadLetterFile,
      `${JSON.stringify({ tipId: before[0], reason: 'stale', failedAt: '' })}\n`,
    );

    const first = await redrive(stack.env);
    const second = await redrive(stack.env);

    expect(first).toMatchObject({ letters: 5, tips: 5, resent: 4, alreadyAlerted: 1, kept: 0 });
    expect(second).toMatchObject({ letters: 0, resent: 0 });
    expect(existsSync(stack.deadLetterFile)).toBe(false);
    expect(await alertsFor([...before, ...during])).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('the --since sweep alerts a received tip that no letter names (the AWS on-failure path), once', async () => {
    // Stored past the stream feed: as if its stream batch failed and only batch metadata was kept.
    const { doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const store = makeTipStore({ doc, tableName: stack.env.TIPS_TABLE as string });
    const missed = await storeTip(store);
    const bot = await storeTip(store, { website: 'http://bot.example' });
    const window = { since: new Date(Date.now() - 60_000), until: new Date(Date.now() + 1_000) };

    const first = await redrive(stack.env, window);
    const second = await redrive(stack.env, window);

    expect(first).toMatchObject({ letters: 0, resent: 1, swept: 1, kept: 0 });
    expect(second).toMatchObject({ resent: 0, swept: 0 });
    expect(await alertsFor([missed.id, bot.id])).toEqual([1, 0]);
  });
});
