import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterQueue } from '#core/alerts/dead-letters';
import { makeSqsDeadLetters } from '#core/alerts/dead-letters';
import type { DeskAlertsDeps } from '#core/alerts/desk-alerts';
import { desksFromConfig } from '#core/alerts/desk-delivery';
import { makeFloodBreaker } from '#core/alerts/flood-breaker';
import { makeMailer } from '#core/alerts/mailer';
import type { NotifierConfig } from '#core/config/notifier-config';
import { type DynamoClients, makeDynamoClients, makeSesClient } from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { makeMetrics } from '#core/platform/metrics';
import { makeTipStore } from '#core/tips/tip-store';
import { makeNotifierHandler, type NotifierDeps } from './make-notifier-handler';

/** The notifier wired from its config: handler.ts in AWS, local/ on a laptop. */
export function notifierFromConfig(config: NotifierConfig, injected: NotifierInjections = {}) {
  return makeNotifierHandler(notifierDepsFromConfig(config, injected));
}

/** What a caller may hand in instead of what the config builds. */
export interface NotifierInjections {
  dynamo?: DynamoClients;
  /** A test hands in an SES client that records what it sends. */
  ses?: SESv2Client;
  /** Without ALERT_DLQ_URL: where failed alerts go (the local stack's file queue). */
  deadLetters?: DeadLetterQueue;
  /** A test's clock, for the flood windows. */
  clock?: () => Date;
}

/** What the notifier runs on; `npm run redrive` sends through the same. */
export function notifierDepsFromConfig(
  config: NotifierConfig,
  {
    dynamo = makeDynamoClients({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT }),
    ses = makeSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT }),
    deadLetters,
    clock,
  }: NotifierInjections = {},
): NotifierDeps {
  const mailer = makeMailer({ ses, from: config.SENDER_ADDRESS });
  return {
    store: makeTipStore({ doc: dynamo.doc, tableName: config.TIPS_TABLE }),
    mailer,
    deskAddress: config.DESK_ADDRESS,
    ...desksFromConfig({
      routing: config.DESK_ROUTING,
      deskAddress: config.DESK_ADDRESS,
      deskKeys: config.DESK_PGP_KEYS,
      mailer,
      from: config.SENDER_ADDRESS,
      inboxUrl: config.STAFF_INBOX_URL,
    }),
    logger: makeLogger('tipline-notifier'),
    ...(clock ? { clock } : {}),
    ...notifierReliabilityFromConfig(config, dynamo, deadLetters, clock),
  };
}

/**
 * The notifier's flood breaker, dead-letter queue and metrics as the config enables them. The
 * queue is SQS when ALERT_DLQ_URL is set; otherwise the one handed in (the local stack's file).
 */
export function notifierReliabilityFromConfig(
  config: NotifierConfig,
  dynamo: DynamoClients,
  localDeadLetters?: DeadLetterQueue,
  clock?: () => Date,
) {
  const guardTable = config.GUARD_TABLE;
  const deadLetters = config.ALERT_DLQ_URL
    ? makeSqsDeadLetters(new SQSClient({ region: config.AWS_REGION }), config.ALERT_DLQ_URL)
    : localDeadLetters;
  const reliability: Pick<DeskAlertsDeps, 'breaker' | 'deadLetters' | 'guard' | 'maxAttempts'> = {
    maxAttempts: config.ALERT_MAX_ATTEMPTS,
    ...(deadLetters ? { deadLetters } : {}),
    ...(guardTable
      ? {
          guard: { doc: dynamo.doc, tableName: guardTable },
          breaker: makeFloodBreaker({
            doc: dynamo.doc,
            tableName: guardTable,
            maxAlerts: config.FLOOD_MAX_ALERTS,
            windowSeconds: config.FLOOD_WINDOW_SECONDS,
            ...(clock ? { clock } : {}),
          }),
        }
      : {}),
  };
  return { reliability, metrics: makeMetrics('tipline-notifier') };
}
