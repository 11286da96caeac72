import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulid';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { type DynamoClients, makeDynamoClients } from '#core/platform/aws-clients';
import { intakeFromConfig } from '../functions/intake/wiring';
import { tipsTableInput } from '../local/stack/tables';
import { postTipEvent } from './cold-init';
import { benchEnv, createBenchTables } from './phase-env';
import { round, type Summary, summarize } from './support';
import { type WriteCost, writeCost } from './write-cost';

export interface WarmSide extends Summary {
  firstMs: number;
  /** DynamoDB requests one call sends. */
  dynamoCalls: number;
  statuses: Record<string, number>;
}

export interface WarmResult {
  calls: number;
  warmup: number;
  /** The handler as infra deploys it: idempotency, rate limit and duplicate check on. */
  handler: WarmSide;
  /** The same handler with those defences off (no IDEMPOTENCY_TABLE / GUARD_TABLE): parse, validate, store. */
  handlerCore: WarmSide;
  /** A bare PutItem of the very item the handler stored, with a fresh id: the floor. */
  floor: WarmSide;
  /** DynamoDB write units of one stored tip, from the stored item and the table definition. */
  writeCost: WriteCost;
}

const BLOCK = 50;

/** Clients as handler.ts makes them, counting the DynamoDB requests they send. */
function countingClients(endpoint: string): { dynamo: DynamoClients; calls: () => number } {
  const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint });
  let calls = 0;
  // The DocumentClient shares the client's middleware stack: this sees both.
  dynamo.client.middlewareStack.add(
    (next) => async (args) => {
      calls++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  return { dynamo, calls: () => calls };
}

/**
 * The intake handler in process, as a warm Lambda runs it, against a bare PutItem of the same
 * item (the floor: what storing the tip costs at the least). Each side has its own client, so
 * each pays its own first connection, reported apart; calls rotate in blocks so every side
 * sees the same moments of a noisy machine.
 */
export async function warmIntake(dynamoUrl: string, calls = 2_000, warmup = 200): Promise<WarmResult> {
  const tableName = `bench-warm-${Date.now()}`;
  const admin = makeDynamoClients({ region: 'us-east-1', endpoint: dynamoUrl });
  const base = { TIPS_TABLE: tableName, DYNAMODB_ENDPOINT: dynamoUrl };
  const deployedEnv = benchEnv({ ...base, ...(await createBenchTables(admin, tableName)) });
  const deployed = countingClients(dynamoUrl);
  const core = countingClients(dynamoUrl);
  const bare = countingClients(dynamoUrl);
  const handlers = {
    handler: intakeFromConfig(loadConfig(intakeConfigSchema, deployedEnv), deployed.dynamo),
    handlerCore: intakeFromConfig(loadConfig(intakeConfigSchema, benchEnv(base)), core.dynamo),
  };

  const statuses: Record<keyof WarmResult & ('handler' | 'handlerCore' | 'floor'), Record<string, number>> = {
    handler: {},
    handlerCore: {},
    floor: {},
  };
  let n = 0;
  let lastId = '';
  const callHandler = (side: 'handler' | 'handlerCore') => async () => {
    const res = await handlers[side](postTipEvent(n++), { awsRequestId: `warm-${n}` });
    statuses[side][res.statusCode] = (statuses[side][res.statusCode] ?? 0) + 1;
    if (res.statusCode === 201) lastId = (JSON.parse(String(res.body)) as { id: string }).id;
  };

  // The floor's item: the one the handler stored, byte for byte, under a fresh id.
  await callHandler('handlerCore')();
  const { Item: stored } = await admin.client.send(
    new GetItemCommand({ TableName: tableName, Key: { id: { S: lastId } } }),
  );
  if (!stored) throw new Error('the handler stored nothing');
  const cost = writeCost(stored, tipsTableInput(tableName));
  const putBare = async () => {
    await bare.dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { ...stored, id: { S: ulid() } },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    statuses.floor['201'] = (statuses.floor['201'] ?? 0) + 1;
  };
  const sides = { handler: callHandler('handler'), handlerCore: callHandler('handlerCore'), floor: putBare };
  const counters = { handler: deployed.calls, handlerCore: core.calls, floor: bare.calls };
  const timed = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };

  const names = Object.keys(sides) as (keyof typeof sides)[];
  const first = {} as Record<keyof typeof sides, { ms: number; dynamoCalls: number }>;
  for (const side of names) {
    const before = counters[side]();
    const ms = await timed(sides[side]);
    first[side] = { ms, dynamoCalls: counters[side]() - before };
  }
  for (let i = 0; i < warmup; i++) for (const side of names) await sides[side]();
  for (const side of names) statuses[side] = {};

  const samples = { handler: [] as number[], handlerCore: [] as number[], floor: [] as number[] };
  const callsBefore = Object.fromEntries(names.map((s) => [s, counters[s]()])) as Record<string, number>;
  let round_ = 0;
  while (samples.floor.length < calls) {
    // A new order each round, so no side always runs right after the same other one.
    const order = round_++ % 2 === 0 ? names : [...names].reverse();
    for (const side of order) for (let i = 0; i < BLOCK; i++) samples[side].push(await timed(sides[side]));
  }
  const side = (s: keyof typeof sides): WarmSide => ({
    firstMs: round(first[s].ms),
    ...summarize(samples[s]),
    dynamoCalls: round((counters[s]() - (callsBefore[s] ?? 0)) / samples[s].length, 2),
    statuses: statuses[s],
  });
  const result: WarmResult = {
    calls,
    warmup,
    handler: side('handler'),
    handlerCore: side('handlerCore'),
    floor: side('floor'),
    writeCost: cost,
  };
  for (const c of [admin, deployed.dynamo, core.dynamo, bare.dynamo]) c.client.destroy();
  return result;
}
