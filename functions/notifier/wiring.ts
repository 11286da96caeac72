import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { notifierReliabilityFromConfig } from '#core/alerts/desk-alerts';
import { deskDeliveryFromConfig } from '#core/alerts/desk-delivery';
import { makeMailer } from '#core/alerts/mailer';
import type { NotifierConfig } from '#core/config/notifier-config';
import { type DynamoClients, makeDynamoClients, makeSesClient } from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { makeTipStore } from '#core/tips/tip-store';
import { makeNotifierHandler, type NotifierDeps } from './make-notifier-handler';

/** The notifier wired from its config: handler.ts in AWS, local/ on a laptop. */
export function notifierFromConfig(config: NotifierConfig, dynamo?: DynamoClients) {
  return makeNotifierHandler(notifierDepsFromConfig(config, dynamo));
}

/**
 * What the notifier runs on; `npm run redrive` sends through the same. Clients are made
 * here unless handed in (a test hands in an SES client that records what it sends).
 */
export function notifierDepsFromConfig(
  config: NotifierConfig,
  dynamo: DynamoClients = makeDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  }),
  ses: SESv2Client = makeSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT }),
): NotifierDeps {
  const mailer = makeMailer({ ses, from: config.SENDER_ADDRESS });
  return {
    store: makeTipStore({ doc: dynamo.doc, tableName: config.TIPS_TABLE }),
    mailer,
    deskAddress: config.DESK_ADDRESS,
    deliver: deskDeliveryFromConfig({
      routing: config.DESK_ROUTING,
      deskAddress: config.DESK_ADDRESS,
      deskKeys: config.DESK_PGP_KEYS,
      mailer,
      from: config.SENDER_ADDRESS,
    }),
    logger: makeLogger('tipline-notifier'),
    ...notifierReliabilityFromConfig(config, dynamo),
  };
}
