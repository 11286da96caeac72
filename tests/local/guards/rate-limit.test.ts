import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRateLimiter } from '#core/guards/rate-limit';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { ensureTable, guardTableInput } from '../../../local/stack/tables';
import { makeTestTable } from '../../support/local-env';

const WINDOW_S = 600;
const LIMIT = 5;
// A window edge of the old fixed-window limiter (windows were floor(epoch s / window)).
const EDGE_MS = Date.UTC(2026, 11, 2, 15, 0, 0);

describe('rate limiter (sliding log on the guard table, against dynalite)', () => {
  let doc: ReturnType<typeof makeDynamoClients>['doc'];
  let tableName: string;
  let now = 0;

  const limiter = (limit = LIMIT) =>
    makeRateLimiter({ doc, tableName, limit, windowSeconds: WINDOW_S, clock: () => new Date(now) });

  beforeAll(async () => {
    const { dynamoUrl } = await makeTestTable('rate');
    const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: dynamoUrl });
    doc = dynamo.doc;
    tableName = `guard-${randomUUID().slice(0, 8)}`;
    await ensureTable(dynamo.client, guardTableInput(tableName));
  });

  it('a burst before a window edge and one after it admit the limit once, not twice', async () => {
    const hit = limiter();
    const client = `edge-${randomUUID()}`;
    const admitted: number[] = [];
    for (const at of [EDGE_MS - 2_000, EDGE_MS + 2_000]) {
      now = at;
      for (let i = 0; i < LIMIT; i++) if ((await hit(client)).allowed) admitted.push(at);
    }

    expect(admitted).toEqual(Array(LIMIT).fill(EDGE_MS - 2_000));
    now = EDGE_MS + 2_000;
    const refused = await hit(client);
    // Free again when the first burst leaves the window: 596 s after the second burst.
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: WINDOW_S - 4 });
    now = EDGE_MS - 2_000 + WINDOW_S * 1000 + 1;
    expect((await hit(client)).allowed).toBe(true);
  });

  it('a client probing every 10 s for an hour never gets more than the limit into any window-length span', async () => {
    const hit = limiter();
    const client = `steady-${randomUUID()}`;
    const admitted: number[] = [];
    for (now = EDGE_MS - 300_000; now < EDGE_MS + 3_600_000; now += 10_000) {
      if ((await hit(client)).allowed) admitted.push(now);
    }

    const worstSpan = Math.max(
      ...admitted.map((start) => admitted.filter((t) => t >= start && t < start + WINDOW_S * 1000).length),
    );
    expect(worstSpan).toBe(LIMIT);
    // And the limit is a rate, not a lockout: 5 per 10 minutes over 65 minutes.
    expect(admitted.length).toBeGreaterThanOrEqual(6 * LIMIT);
  });

  it('concurrent requests of one client (many Lambda containers) are admitted exactly up to the limit', async () => {
    now = EDGE_MS;
    const hit = limiter();
    const client = `burst-${randomUUID()}`;

    const verdicts = await Promise.all(Array.from({ length: 12 }, () => hit(client)));

    expect(verdicts.filter((v) => v.allowed)).toHaveLength(LIMIT);
  });

  it('concurrent requests under the limit are all admitted: no request is refused for losing a race', async () => {
    now = EDGE_MS;
    const hit = limiter(30);
    const client = `twins-${randomUUID()}`;

    const verdicts = await Promise.all(Array.from({ length: 12 }, () => hit(client)));

    expect(verdicts.every((v) => v.allowed)).toBe(true);
  });

  it('keeps one small item per client that expires by TTL a window after its last admitted request', async () => {
    now = EDGE_MS;
    const client = `ttl-${randomUUID()}`;
    await limiter()(client);
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: `rate#${client}` } }));

    expect(Item).toMatchObject({ hits: [EDGE_MS], v: 1, expiresAt: EDGE_MS / 1000 + WINDOW_S + 1 });
  });
});
