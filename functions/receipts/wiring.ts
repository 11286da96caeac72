import { type DynamoClients, makeDynamoClients } from '../core/aws-clients';
import { makeClientKeyer } from '../core/client-key';
import type { ReceiptsConfig } from '../core/config';
import { makeFollowUp } from '../core/follow-up';
import { makeLogger } from '../core/logger';
import { makeRateLimiter } from '../core/rate-limit';
import { makeReceiptStore } from '../core/receipt-store';
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
  return makeReceiptsHandler({
    followUp: makeFollowUp({ receipts: makeReceiptStore({ doc: dynamo.doc, tableName: config.TIPS_TABLE }) }),
    rateLimit,
    logger: makeLogger('tipline-receipts'),
  });
}
