import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { type LocalStack, startLocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';

describe('the local stack keeps its data in DATA_DIR across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tipline-persist-'));
  const running: LocalStack[] = [];

  afterAll(async () => {
    for (const stack of running) await stack.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<LocalStack> {
    // Its own dynalite and SES emulator on free ports, dynalite writing under dataDir.
    const stack = await startLocalStack({ dataDir, retryDelayMs: 20 });
    running.push(stack);
    return stack;
  }

  async function getItem(stack: LocalStack, id: string) {
    const { client, doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    try {
      const { Item } = await doc.send(
        new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id }, ConsistentRead: true }),
      );
      return Item;
    } finally {
      client.destroy();
    }
  }

  it('a tip posted before a stop is still there after a start on the same folder', async () => {
    const first = await start();
    const tip = validTip({ name: 'Rinkēvičs' });
    const res = await fetch(`${first.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tip),
    });
    expect(res.status).toBe(201);
    const { id, receipt } = (await res.json()) as { id: string; receipt: string };
    await first.stop();
    running.pop();

    const second = await start();

    expect(await getItem(second, id)).toMatchObject({
      id,
      message: tip.message,
      name: 'Rinkēvičs',
      status: 'new',
    });
    // The alert went out before the stop and is recorded: the restart does not resend it.
    expect((await getItem(second, id))?.alertedAt).toEqual(expect.any(String));
    // The receipt, kept only as its keyed hash, still finds the tip after the restart.
    expect((await fetch(`${second.apiUrl}/receipts/${receipt}`)).status).toBe(200);
    const health = await fetch(`${second.apiUrl}/health`);
    expect(health.status).toBe(200);
  });
});
