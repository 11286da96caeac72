import { makeMailer } from '#core/alerts/mailer';
import { makeReaderMessageNotifier, type NotifyDesk } from '#core/alerts/reader-message-notice';
import type { ReceiptsConfig } from '#core/config/receipts-config';
import { makeClientKeyer } from '#core/guards/client-key';
import { makeRateLimiter } from '#core/guards/rate-limit';
import { type DynamoClients, makeDynamoClients, makeSesClient } from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { makeFollowUp } from '#core/receipts/follow-up';
import { makeReceiptStore } from '#core/receipts/receipt-store';
import { makeReceiptsHandler, type ReceiptRateLimit } from './make-receipts-handler';

/**
 * Receipt requests (checks and messages together) per client per window. At 20 per 10
 * minutes one client gets 2,880 guesses a day against a 59.4-bit code space.
 */
export const RECEIPT_RATE = { limit: 20, windowSeconds: 600 } as const;

/** The receipts function wired from its config: handler.ts in AWS, local/ on a laptop. */
export function receiptsFromConfig(
  config: ReceiptsConfig,
  dynamo: DynamoClients = makeDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  }),
  rate: { limit: number; windowSeconds: number } = RECEIPT_RATE,
) {
  const clientKey = makeClientKeyer(config.CLIENT_HASH_SECRET);
  const limiter = makeRateLimiter({ doc: dynamo.doc, tableName: config.GUARD_TABLE, ...rate });
  // Its own counter, apart from intake's: checking a receipt never uses up a reader's submits.
  const rateLimit: ReceiptRateLimit = (sourceIp) => limiter(`receipts#${clientKey(sourceIp)}`);
  const logger = makeLogger('tipline-receipts');
  const notifyDesk = deskNotifier(config);
  return makeReceiptsHandler({
    followUp: makeFollowUp({
      receipts: makeReceiptStore({ doc: dynamo.doc, tableName: config.TIPS_TABLE }),
      ...(notifyDesk ? { notifyDesk } : {}),
      onNoticeFailed: (err) =>
        logger.warn('desk notice of a reader message not sent', {
          error: err instanceof Error ? err.name : 'unknown',
        }),
    }),
    rateLimit,
    logger,
  });
}

function deskNotifier(config: ReceiptsConfig): NotifyDesk | undefined {
  const { SENDER_ADDRESS: from, DESK_ADDRESS: desk } = config;
  if (!from || !desk) return undefined;
  const mailer = makeMailer({
    ses: makeSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT }),
    from,
  });
  return makeReaderMessageNotifier({
    send: (to, content) => mailer.send(to, content),
    routing: config.DESK_ROUTING ?? { default: [desk], rules: [] },
  });
}
