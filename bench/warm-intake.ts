import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { makeDynamoClients } from '../functions/core/aws-clients';
import { intakeConfigSchema, loadConfig } from '../functions/core/config';
import { buildTipRecord, validateSubmission } from '../functions/core/submit-tip';
import { indexAttributes } from '../functions/core/table-design';
import { intakeFromConfig } from '../functions/intake/wiring';
import { ensureTable, tipsTableInput } from '../local/tables';
import { postTipEvent } from './cold-init';
import { benchEnv } from './phase-env';
import { benchTip, round, type Summary, summarize } from './support';
import { storedItem, type WriteCost, writeCost } from './write-cost';

export interface WarmResult {
  calls: number;
  warmup: number;
  handler: { firstMs: number } & Summary;
  floor: { firstMs: number } & Summary;
  statuses: Record<string, number>;
  /** DynamoDB write units of one stored tip, from the stored item and the table definition. */
  writeCost: WriteCost;
}

const BLOCK = 50;

/**
 * The intake handler in process, as a warm Lambda runs it, against the same PutItem done
 * bare with a DocumentClient (the floor: what storing the tip costs at the least). Each
 * side has its own client, so each pays its own first connection, reported apart. Calls
 * alternate in blocks so both sides see the same moments of a noisy machine.
 */
export async function warmIntake(dynamoUrl: string, calls = 2_000, warmup = 200): Promise<WarmResult> {
  const tableName = `bench-warm-${Date.now()}`;
  const env = benchEnv({ TIPS_TABLE: tableName, DYNAMODB_ENDPOINT: dynamoUrl });
  const admin = makeDynamoClients({ region: 'us-east-1', endpoint: dynamoUrl });
  await ensureTable(admin.client, tipsTableInput(tableName));

  const handler = intakeFromConfig(loadConfig(intakeConfigSchema, env));
  const bare = makeDynamoClients({ region: 'us-east-1', endpoint: dynamoUrl });
  // The same item the handler stores, built by the same code, with a fresh id per call.
  const submission = validateSubmission(benchTip(0));
  const putBare = (n: number) => {
    const tip = buildTipRecord(submission, { id: ulid(), receipt: `BNCH-${n}`, now: new Date() });
    return bare.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...tip, ...indexAttributes(tip) },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  };
  const statuses: Record<string, number> = {};
  let n = 0;
  let lastBody = '';
  const callHandler = async () => {
    const res = await handler(postTipEvent(n++), { awsRequestId: `warm-${n}` });
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    lastBody = String(res.body ?? '');
  };
  const timed = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };

  const handlerFirst = await timed(callHandler);
  const floorFirst = await timed(() => putBare(n++));
  for (let i = 0; i < warmup; i++) {
    await callHandler();
    await putBare(n++);
  }
  for (const k of Object.keys(statuses)) delete statuses[k];
  const h: number[] = [];
  const f: number[] = [];
  while (h.length < calls) {
    for (let i = 0; i < BLOCK; i++) h.push(await timed(callHandler));
    for (let i = 0; i < BLOCK; i++) f.push(await timed(() => putBare(n++)));
  }
  const { id } = JSON.parse(lastBody) as { id: string };
  const cost = writeCost(await storedItem(admin, tableName, id), tipsTableInput(tableName));
  admin.client.destroy();
  bare.client.destroy();
  return {
    calls,
    warmup,
    handler: { firstMs: round(handlerFirst), ...summarize(h) },
    floor: { firstMs: round(floorFirst), ...summarize(f) },
    statuses,
    writeCost: cost,
  };
}
