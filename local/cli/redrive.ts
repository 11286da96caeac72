import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeTime } from 'ulid';
import type { AlertOutcome } from '#core/alerts/desk-alerts';
import { loadConfig } from '#core/config/load-config';
import { notifierConfigSchema } from '#core/config/notifier-config';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { indexPartitionValue, listIndexFor } from '#core/tips/table-design';
import { makeNotifierAlerts } from '../../functions/notifier/make-notifier-handler';
import { notifierDepsFromConfig, notifierReliabilityFromConfig } from '../../functions/notifier/wiring';
import { LOCAL_DLQ_FILE, makeFileDeadLetters } from '../stack/file-dead-letters';
import { LOCAL_TIPS_TABLE, localTableNames } from '../stack/tables';

export interface RedriveSummary {
  /** Letters read from the queue (several may name the same tip). */
  letters: number;
  tips: number;
  resent: number;
  /** Alerted meanwhile (a stream retry, an earlier redrive): removed, not sent again. */
  alreadyAlerted: number;
  /** Quarantined, triaged or erased since: removed, nothing to send. */
  skipped: number;
  /** Still failing (SES still down?): left in the queue for the next run. */
  kept: number;
  /** Messages that name no tip (the stream's own batch metadata in AWS): left for a person. */
  unresolvable: number;
  /** Of `resent`, tips found by the `since` sweep rather than by a letter. */
  swept: number;
}

export interface RedriveOptions {
  /**
   * Also sweep the tips received since then that are still `new` and were never alerted,
   * letter or not. In AWS this is what the stream's on-failure destination calls for: its
   * messages carry only shard and sequence numbers, and their arrival time bounds the sweep.
   */
  since?: Date;
  /** The sweep's upper bound; @default now minus the flood window and 2 minutes (alerts in flight). */
  until?: Date;
}

/**
 * Resends the desk alerts of every tip in the dead-letter queue, each exactly once: the
 * tip's `alertedAt`, set conditionally after a send, tells a resend from a first send.
 * It alerts each tip on its own (no flood breaker): after an outage the desk should see
 * what it missed, and the letters already say how many.
 */
export async function redrive(
  env: Record<string, string | undefined> = process.env,
  options: RedriveOptions = {},
): Promise<RedriveSummary> {
  const config = loadConfig(notifierConfigSchema, env);
  const dynamo = makeDynamoClients({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
  // ALERT_DLQ_FILE is the tools' own variable: the local stack's file queue, never a Lambda's.
  const localFile = env[LOCAL_DLQ_FILE];
  const { reliability } = notifierReliabilityFromConfig(
    config,
    dynamo,
    localFile ? makeFileDeadLetters(localFile) : undefined,
  );
  const queue = reliability.deadLetters;
  if (!queue)
    throw new Error(`no dead-letter queue configured: set ALERT_DLQ_URL (AWS) or ${LOCAL_DLQ_FILE} (local)`);
  // Failures here are counted by this run, not by the stream's attempts: no breaker, no re-dead-lettering.
  const deps = notifierDepsFromConfig(config, { dynamo });
  const alerts = makeNotifierAlerts({ ...deps, reliability: {} });

  const received = await queue.receiveAll();
  const summary: RedriveSummary = {
    letters: received.length,
    tips: 0,
    resent: 0,
    alreadyAlerted: 0,
    skipped: 0,
    kept: 0,
    unresolvable: 0,
    swept: 0,
  };
  const outcomes = new Map<string, AlertOutcome | 'failed'>();
  try {
    for (const item of received) {
      const tipId = item.letter?.tipId;
      if (!tipId) {
        summary.unresolvable++;
        await queue.keep(item);
        continue;
      }
      let outcome = outcomes.get(tipId);
      if (outcome === undefined) {
        outcome = await alerts.alertTip(tipId, { viaBreaker: false }).catch(() => 'failed' as const);
        outcomes.set(tipId, outcome);
        if (outcome === 'alerted') summary.resent++;
        else if (outcome === 'already-alerted') summary.alreadyAlerted++;
        else if (outcome === 'failed') summary.kept++;
        else summary.skipped++;
      }
      if (outcome === 'failed') await queue.keep(item);
      else await queue.remove(item);
    }
    if (options.since) {
      const until = options.until ?? new Date(Date.now() - (config.FLOOD_WINDOW_SECONDS + 120) * 1000);
      const index = listIndexFor({ status: 'new' });
      let startKey: Record<string, string> | undefined;
      do {
        const page = await deps.store.listPage({
          index,
          partitionValue: indexPartitionValue(index, { status: 'new' }),
          idFrom: `${encodeTime(options.since.getTime(), 10)}${'0'.repeat(16)}`,
          idTo: `${encodeTime(until.getTime(), 10)}${'Z'.repeat(16)}`,
          limit: 100,
          ...(startKey ? { startKey } : {}),
        });
        for (const tip of page.items) {
          if (tip.alertedAt || outcomes.has(tip.id)) continue;
          const outcome = await alerts.alertTip(tip.id, { viaBreaker: false }).catch(() => 'failed' as const);
          outcomes.set(tip.id, outcome);
          if (outcome === 'alerted') {
            summary.resent++;
            summary.swept++;
          } else if (outcome === 'failed') {
            summary.kept++;
            await queue.put({ tipId: tip.id, reason: 'sweep-failed', failedAt: new Date().toISOString() });
          }
        }
        startKey = page.lastKey;
      } while (startKey);
    }
  } finally {
    dynamo.client.destroy();
  }
  summary.tips = outcomes.size;
  return summary;
}

/**
 * `npm run redrive [-- --since <ISO time>]`: against `npm start`'s stack by default; with
 * ALERT_DLQ_URL (and AWS credentials, TIPS_TABLE, DESK_ADDRESS, SENDER_ADDRESS), against AWS.
 */
async function main() {
  const aws = Boolean(process.env.ALERT_DLQ_URL);
  const env = aws
    ? process.env
    : {
        ...localTableNames(LOCAL_TIPS_TABLE),
        DESK_ADDRESS: 'world-desk@newsroom.example',
        SENDER_ADDRESS: 'tipline@newsroom.example',
        AWS_REGION: 'us-east-1',
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`,
        SES_ENDPOINT: `http://127.0.0.1:${process.env.SES_PORT || 8005}`,
        [LOCAL_DLQ_FILE]: resolve(process.env.DATA_DIR || '.data', 'alerts-dlq.jsonl'),
        ...process.env,
      };
  const sinceAt = process.argv.indexOf('--since');
  const since = sinceAt === -1 ? undefined : new Date(process.argv[sinceAt + 1] ?? '');
  if (since && Number.isNaN(since.getTime()))
    throw new Error('--since needs an ISO time, e.g. 2026-11-25T10:00:00Z');
  const summary = await redrive(env, since ? { since } : {});
  console.log(JSON.stringify({ level: 'INFO', message: 'redrive finished', ...summary }));
  if (summary.kept > 0) {
    console.error(
      `${summary.kept} alert(s) still failing: they stay in the queue; run again once SES is back`,
    );
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(`redrive failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  });
}
