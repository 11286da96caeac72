import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import type { LocalStack } from '../../../local/stack/stack';
import { emailsMentioning, eventually, validTip } from '../../support/local-env';
import { startTestStack } from '../../support/test-stack';

describe('the local stack end to end: gateway → intake → dynalite → stream feed → notifier → SES', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('e2e', { retryDelayMs: 20 });
  });
  afterAll(async () => stack?.stop());

  it('stores a posted tip and alerts the desk within 2 s', async () => {
    const tip = validTip({ name: 'Rinkēvičs', email: 'reader@example.org' });
    const started = Date.now();

    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tip),
    });

    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; receipt: string; status: string };
    expect(body.status).toBe('received');
    const { doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const { Item } = await doc.send(
      new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id: body.id } }),
    );
    expect(Item).toMatchObject({ id: body.id, message: tip.message, status: 'new' });
    // The receipt code is stored only as its keyed hash, and sent in no alert.
    expect(JSON.stringify(Item)).not.toContain(body.receipt);

    const [email] = await eventually(async () => {
      const found = await emailsMentioning(body.id);
      return found.length > 0 ? found : undefined;
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(email?.destination.to).toEqual([stack.env.DESK_ADDRESS]);
    for (const expected of [
      'Tip',
      'Europe',
      'Port closures',
      tip.message as string,
      'Rinkēvičs',
      'reader@example.org',
      body.id,
    ]) {
      expect(email?.body.text).toContain(expected);
    }
    // The receipt code is the reader's credential: never in the desk's mail.
    expect(JSON.stringify(email)).not.toContain(body.receipt);
  });

  it('answers /health and serves the reader form', async () => {
    const health = await fetch(`${stack.apiUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const form = await fetch(`${stack.apiUrl}/`);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(await form.text()).toMatch(/<form[^>]*method="post"[^>]*action="\/tips"/);
  });
});
