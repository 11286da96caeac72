import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import type { LocalStack } from '../../../local/stack/stack';
import { readMailbox, validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import { startTestStack } from '../../support/test-stack';

const WINDOW_S = 8;
const MAX_ALERTS = 3;

/** Sleeps until just after the next flood window starts, so a burst falls in one window. */
async function atWindowStart() {
  const into = Date.now() % (WINDOW_S * 1000);
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000 - into + 50));
}

describe('flood breaker: over N alerts in the window → one digest, then normal alerts again', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    silenceFunctions();
    stack = await startTestStack('flood', {
      retryDelayMs: 20,
      env: { FLOOD_MAX_ALERTS: String(MAX_ALERTS), FLOOD_WINDOW_SECONDS: String(WINDOW_S) },
    });
  });
  afterAll(async () => stack?.stop());

  const post = async () => {
    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validTip()),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const mailAbout = async (ids: string[]) =>
    (await readMailbox()).filter((m) => ids.some((id) => (m.body.text ?? '').includes(id)));

  it('alerts the first N individually, lists the rest in one digest after the window, then resumes', async () => {
    await atWindowStart();
    const started = Date.now();
    const burst: string[] = [];
    for (let i = 0; i < 8; i++) burst.push(await post());
    await stack.feed.drained();
    // The burst must fall in one window for the counts below (8 s; it takes well under one).
    expect(Math.floor(Date.now() / 1000 / WINDOW_S)).toBe(Math.floor(started / 1000 / WINDOW_S));

    const individual = await mailAbout(burst);
    expect(individual).toHaveLength(MAX_ALERTS);
    expect(individual.every((m) => !m.subject.includes('Digest'))).toBe(true);

    await atWindowStart();
    await stack.tick();
    await stack.tick();

    const all = await mailAbout(burst);
    const digests = all.filter((m) => m.subject.includes('Digest'));
    expect(digests).toHaveLength(1);
    const held = burst.filter((id) => !individual.some((m) => (m.body.text ?? '').includes(id)));
    expect(held).toHaveLength(8 - MAX_ALERTS);
    for (const id of held) expect(digests[0]?.body.text).toContain(id);
    // Every tip reached the desk exactly once: individually or in the digest.
    for (const id of burst) expect(all.filter((m) => (m.body.text ?? '').includes(id))).toHaveLength(1);
    const { doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    for (const id of burst) {
      const { Item } = await doc.send(new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id } }));
      expect(Item?.alertedAt).toEqual(expect.any(String));
    }
    // The digest names tips, never their text or the reader's contact details.
    expect(digests[0]?.body.text).not.toContain('Ferries between Tallinn');

    const after = await post();
    await stack.feed.drained();
    const resumed = await mailAbout([after]);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.subject).not.toContain('Digest');
  });
});
