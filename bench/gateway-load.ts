import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Result } from 'autocannon';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { startLocalStack } from '../local/stack/stack';
import { benchTip, ROOT, round } from './support';

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
  /**
   * CPU time of the stack's process (gateway, intake, dynalite, stream feed, notifier, SES
   * emulator) per stored tip, alerts included: steadier than req/s on a busy machine.
   */
  stackCpuMsPerTip: number;
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
        FilterExpression: 'attribute_exists(gsi_receipt)',
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
 * autocannon in its own process (its CLI, JSON out), so the stack's process does only the
 * stack's work and its CPU time can be charged to the tips.
 */
function runAutocannon(url: string, connections: number, durationSeconds: number): Promise<Result> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  // Every body distinct ([<id>] → a fresh id per request): the same body from the same
  // client within 10 minutes is an idempotent replay, which would store nothing new.
  const body = JSON.stringify(benchTip(1)).replace('(1)', '([<id>])');
  const args = [
    cli,
    '--json',
    '--connections',
    String(connections),
    '--duration',
    String(durationSeconds),
    '--timeout',
    '10',
    '--method',
    'POST',
    '--headers',
    'content-type=application/json',
    '--headers',
    'accept=application/json',
    '--idReplacement',
    '--body',
    body,
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`autocannon exited ${code}`));
      else resolve(JSON.parse(out) as Result);
    });
  });
}

/**
 * Sustained POST /tips through the local gateway, as `npm start` runs it (gateway, intake,
 * dynalite, stream feed, notifier and SES emulator in one process), with autocannon in
 * another process. Afterwards every 201 must be a stored tip.
 */
export async function gatewayLoad(connections = 10, durationSeconds = 10): Promise<LoadResult> {
  const stack = await startLocalStack({
    port: 0,
    tableName: `bench-load-${Date.now()}`,
    retryDelayMs: 50,
    // Every request comes from one client (127.0.0.1): the per-client limit is set out of reach
    // so this measures throughput, not 429s. The counter is still written on every submit.
    // The flood digest keeps its production default (over 60 alerts in 5 min → one digest per desk).
    realisticLimits: true,
    env: { RATE_LIMIT_MAX: '1000000000', MIN_FILL_SECONDS: '0' },
  });
  try {
    const cpuBefore = process.cpuUsage();
    const result = await runAutocannon(`${stack.apiUrl}/tips`, connections, durationSeconds);
    await stack.feed.drained();
    const cpu = process.cpuUsage(cpuBefore);
    const statuses: Record<string, number> = {};
    for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
      statuses[code] = Number(count);
    }
    const accepted = statuses['201'] ?? 0;
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
      stackCpuMsPerTip: round((cpu.user + cpu.system) / 1000 / Math.max(1, stored), 1),
    };
  } finally {
    await stack.stop();
  }
}
