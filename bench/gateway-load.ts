import { ScanCommand } from '@aws-sdk/client-dynamodb';
import autocannon from 'autocannon';
import { makeDynamoClients } from '../functions/core/aws-clients';
import { startLocalStack } from '../local/stack';
import { benchTip, round } from './support';

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Socket errors and timeouts: requests that got no HTTP answer. */
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  accepted: number;
  stored: number;
  lost: number;
}

async function countTips(dynamoUrl: string, tableName: string): Promise<number> {
  const { client } = makeDynamoClients({ region: 'us-east-1', endpoint: dynamoUrl });
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        // Only tips: the table may hold other items (counters, idempotency records).
        FilterExpression: 'attribute_exists(receipt)',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  client.destroy();
  return count;
}

/**
 * Sustained POST /tips through the local gateway, as `npm start` runs it (gateway, intake,
 * dynalite, stream feed, notifier and SES emulator in one process), with autocannon in a
 * worker thread so the load generator has its own event loop. Afterwards every 201 must be
 * a stored tip.
 */
export async function gatewayLoad(connections = 10, durationSeconds = 10): Promise<LoadResult> {
  const stack = await startLocalStack({
    port: 0,
    tableName: `bench-load-${Date.now()}`,
    retryDelayMs: 50,
    // Every request comes from one client (127.0.0.1): the per-client limit is set out of reach
    // so this measures throughput, not 429s. The counter is still written on every submit.
    // The flood digest keeps its production default (over 20 alerts in 5 min → one digest).
    realisticLimits: true,
    env: { RATE_LIMIT_MAX: '1000000000', MIN_FILL_SECONDS: '0' },
  });
  try {
    const result = await autocannon({
      url: `${stack.apiUrl}/tips`,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      // Every body distinct ([<id>] → a fresh id per request): the same body from the same
      // client within 10 minutes is an idempotent replay, which would store nothing new.
      body: JSON.stringify(benchTip(1)).replace('(1)', '([<id>])'),
      idReplacement: true,
      connections,
      duration: durationSeconds,
      workers: 1,
      timeout: 10,
    });
    const statuses: Record<string, number> = {};
    for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
      statuses[code] = Number(count);
    }
    const accepted = statuses['201'] ?? 0;
    await stack.feed.drained();
    const stored = await countTips(stack.dynamoUrl, stack.env.TIPS_TABLE as string);
    return {
      connections,
      durationSeconds,
      requests: result.requests.total,
      requestsPerSecond: round(result.requests.average, 1),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
      statuses,
      accepted,
      stored,
      lost: Math.max(0, accepted - stored),
    };
  } finally {
    await stack.stop();
  }
}
