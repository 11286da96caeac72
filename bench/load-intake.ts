import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { type LocalStack, startLocalStack } from '../local/stack/stack';

/**
 * `npm run load -- [--n 500] [--concurrency 20] [--flood 50] [--window 10]`
 *
 * N distinct tips through the local gateway (its own dynalite, SES emulator and stream feed
 * on free ports, 127.0.0.1 only), at bounded concurrency. Every 10th tip is sent again with
 * the same Idempotency-Key at the end (a client retry). Then it counts what was stored and what reached
 * the desk, individually or in a flood digest: 0 lost, 0 duplicated, or the exit code says so.
 */

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

const N = arg('n', 500);
const CONCURRENCY = arg('concurrency', 20);
const FLOOD_MAX = arg('flood', 50);
const WINDOW_S = arg('window', 10);
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;

interface Sent {
  n: number;
  status: number;
  id?: string;
  ms: number;
}

async function submit(stack: LocalStack, n: number, key: string): Promise<Sent> {
  const started = performance.now();
  const res = await fetch(`${stack.apiUrl}/tips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({
      kind: n % 3 === 0 ? 'question' : 'tip',
      topic: 'europe',
      subject: `Load ${n}`,
      message: `Ferries between Tallinn and Helsinki stopped this morning (load tip ${n}, ${key})`,
      consent: true,
    }),
  });
  const body = (await res.json()) as { id?: string };
  return { n, status: res.status, ...(body.id ? { id: body.id } : {}), ms: performance.now() - started };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main() {
  // The table below is the output: 500 JSON lines per run would bury it.
  process.env.LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const stack = await startLocalStack({
    tableName: `load-${Date.now()}`,
    retryDelayMs: 50,
    env: { FLOOD_MAX_ALERTS: String(FLOOD_MAX), FLOOD_WINDOW_SECONDS: String(WINDOW_S) },
  });
  try {
    const jobs: Array<{ n: number; key: string }> = [];
    for (let n = 0; n < N; n++) jobs.push({ n, key: randomUUID() });
    // A client that lost the answer retries with the same key: at the end, once the first is stored.
    for (let n = 0; n < N; n += 10) jobs.push({ n, key: (jobs[n] as { key: string }).key });
    const results: Sent[] = [];
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++] as { n: number; key: string };
          results.push(await submit(stack, job.n, job.key));
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    await stack.feed.drained();

    // Held alerts go out in a digest once their window closes: tick until every tip is covered.
    const accepted = new Set(results.filter((r) => r.status === 201).map((r) => r.id as string));
    const deadline = Date.now() + (WINDOW_S + 30) * 1000;
    let mail: Array<{ subject: string; body: { text?: string } }> = [];
    for (;;) {
      await stack.tick();
      mail = ((await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: typeof mail }).emails;
      const covered = new Set(mail.flatMap((m) => m.body.text?.match(ULID) ?? []));
      if ([...accepted].every((id) => covered.has(id)) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }

    const { doc, client } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const stored: Array<{ id: string; alertedAt?: string }> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new ScanCommand({ TableName: stack.env.TIPS_TABLE, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      stored.push(...((out.Items ?? []) as typeof stored));
      start = out.LastEvaluatedKey;
    } while (start);
    client.destroy();

    const digests = mail.filter((m) => m.subject.includes('Digest'));
    const mentions = new Map<string, number>();
    for (const m of mail) {
      for (const id of new Set(m.body.text?.match(ULID) ?? [])) mentions.set(id, (mentions.get(id) ?? 0) + 1);
    }
    const storedIds = new Set(stored.map((t) => t.id));
    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    const statuses = results.reduce<Record<number, number>>((acc, r) => {
      acc[r.status] = (acc[r.status] ?? 0) + 1;
      return acc;
    }, {});
    const replays = results.length - N;
    const lostStore = [...accepted].filter((id) => !storedIds.has(id)).length;
    const lostAlert = [...storedIds].filter((id) => !mentions.has(id)).length;
    const dupAlerts = [...mentions.values()].filter((c) => c > 1).length;
    const distinctIdsPerTip = new Map<number, Set<string>>();
    for (const r of results)
      if (r.id) distinctIdsPerTip.set(r.n, (distinctIdsPerTip.get(r.n) ?? new Set()).add(r.id));
    const dupStored = stored.length - N;

    const rows: Array<[string, string | number]> = [
      ['tips (distinct)', N],
      ['client retries (same key)', replays],
      ['concurrency', CONCURRENCY],
      ['requests', results.length],
      ['HTTP statuses', JSON.stringify(statuses)],
      ['throughput (req/s)', (results.length / elapsedS).toFixed(1)],
      [
        'latency p50 / p95 / p99 (ms)',
        [50, 95, 99].map((p) => percentile(latencies, p).toFixed(0)).join(' / '),
      ],
      ['stored', stored.length],
      [
        'retries answered with the first id',
        [...distinctIdsPerTip.values()].every((s) => s.size === 1) ? 'all' : 'NO',
      ],
      ['alerted individually', mail.length - digests.length],
      [`flood digests (>${FLOOD_MAX} per ${WINDOW_S} s)`, digests.length],
      [
        'tips listed in digests',
        digests.reduce((sum, d) => sum + new Set(d.body.text?.match(ULID) ?? []).size, 0),
      ],
      ['tips marked alertedAt', stored.filter((t) => t.alertedAt).length],
      ['lost (201 not stored)', lostStore],
      ['lost (stored, never alerted)', lostAlert],
      ['duplicated (stored twice)', Math.max(0, dupStored)],
      ['duplicated (alerted twice)', dupAlerts],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nload-intake: ${N} tips at concurrency ${CONCURRENCY} through ${stack.apiUrl}\n`);
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    const ok =
      lostStore === 0 && lostAlert === 0 && dupStored === 0 && dupAlerts === 0 && accepted.size === N;
    console.log(`\n  ${ok ? 'OK: 0 lost, 0 duplicated' : 'FAILED: see the counts above'}\n`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

await main();
