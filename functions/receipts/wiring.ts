import { deskEncryptorFromConfig, makeDeskSend } from '#core/alerts/desk-delivery';
import { makeFloodBreaker } from '#core/alerts/flood-breaker';
import { makeMailer } from '#core/alerts/mailer';
import { makeReaderMessageNotifier, type NotifyDesk } from '#core/alerts/reader-message-notice';
import type { ReceiptsConfig } from '#core/config/receipts-config';
import { makeClientAddress } from '#core/guards/client-address';
import { makeClientKeyer } from '#core/guards/client-key';
import { makeRateLimiter } from '#core/guards/rate-limit';
import {
  type DynamoClients,
  makeDynamoClients,
  makeS3Client,
  makeSesClient,
} from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { type FollowUpDeps, makeFollowUp } from '#core/receipts/follow-up';
import { makeReceiptGuard, RECEIPT_RATE } from '#core/receipts/receipt-guard';
import { makeReceiptStore } from '#core/receipts/receipt-store';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { makeMarkAttached } from '#core/uploads/attached-tag';
import { makeAttachmentClaims } from '#core/uploads/attachment-claims';
import { makeUploadGrants } from '#core/uploads/upload-grant';
import { uploadLimits } from '#core/uploads/upload-limits';
import { makeVerifyUploads } from '#core/uploads/verify-uploads';
import { makeReceiptsHandler } from './make-receipts-handler';

/** The receipts function wired from its config: handler.ts in AWS, local/ on a laptop. */
export function receiptsFromConfig(
  config: ReceiptsConfig,
  dynamo: DynamoClients = makeDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  }),
  rate: { limit: number; windowSeconds: number } = RECEIPT_RATE,
  { clock }: { clock?: () => Date } = {},
) {
  const guard = makeReceiptGuard({
    limiter: makeRateLimiter({ doc: dynamo.doc, tableName: config.GUARD_TABLE, ...rate }),
    clientKey: makeClientKeyer(config.CLIENT_HASH_SECRET),
  });
  const logger = makeLogger('tipline-receipts');
  const notifyDesk = deskNotifier(config, dynamo, clock);
  const files = followUpFiles(config, dynamo);
  return makeReceiptsHandler({
    followUp: makeFollowUp({
      receipts: makeReceiptStore({
        doc: dynamo.doc,
        tableName: config.TIPS_TABLE,
        receiptKeys: makeReceiptKeys(config.RECEIPT_HASH_SECRET),
      }),
      ...(notifyDesk ? { notifyDesk } : {}),
      ...files,
      onNoticeFailed: (err) =>
        logger.warn('desk notice of a reader message not sent', {
          error: err instanceof Error ? err.name : 'unknown',
        }),
    }),
    guard,
    logger,
    clientAddress: makeClientAddress({ originSecret: config.ORIGIN_VERIFY_SECRET }),
  });
}

/**
 * A follow-up's files: checked as intake checks a tip's (the same HMAC key, derived from
 * CLIENT_HASH_SECRET, so ids intake granted verify here), under the same limits, and claimed for
 * the tip in the guard table where the cleaner finds them (with CLEAN_BUCKET, as intake).
 */
function followUpFiles(
  config: ReceiptsConfig,
  dynamo: DynamoClients,
): Pick<FollowUpDeps, 'verifyUploads' | 'uploadLimits' | 'attachmentClaims'> {
  const limits = uploadLimits(config.MAX_FILE_BYTES);
  if (!config.UPLOADS_BUCKET) return { uploadLimits: limits };
  const uploads = {
    s3: makeS3Client({ region: config.AWS_REGION, endpoint: config.S3_ENDPOINT }),
    bucket: config.UPLOADS_BUCKET,
  };
  const grants = makeUploadGrants({
    ...uploads,
    secret: config.CLIENT_HASH_SECRET,
    maxFileBytes: limits.maxFileBytes,
  });
  const attachmentClaims = config.CLEAN_BUCKET
    ? {
        claims: makeAttachmentClaims({ doc: dynamo.doc, tableName: config.GUARD_TABLE }),
        markAttached: makeMarkAttached({ s3: uploads.s3, bucket: config.CLEAN_BUCKET }),
      }
    : undefined;
  return {
    verifyUploads: makeVerifyUploads({
      ...uploads,
      grants,
      ...limits,
      ...(attachmentClaims ? { claims: attachmentClaims.claims } : {}),
    }),
    uploadLimits: limits,
    ...(attachmentClaims ? { attachmentClaims } : {}),
  };
}

function deskNotifier(
  config: ReceiptsConfig,
  dynamo: DynamoClients,
  clock?: () => Date,
): NotifyDesk | undefined {
  const { SENDER_ADDRESS: from, DESK_ADDRESS: desk } = config;
  if (!from || !desk) return undefined;
  const mailer = makeMailer({
    ses: makeSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT }),
    from,
  });
  const routing = config.DESK_ROUTING ?? { default: [desk], rules: [] };
  return makeReaderMessageNotifier({
    // Encrypted for the desks with a key, as the notifier's alerts and digests to them.
    send: makeDeskSend({ mailer, from, ...deskEncryptorFromConfig(routing, config.DESK_PGP_KEYS) }),
    routing,
    breaker: makeFloodBreaker({
      doc: dynamo.doc,
      tableName: config.GUARD_TABLE,
      maxAlerts: config.FLOOD_MAX_ALERTS,
      windowSeconds: config.FLOOD_WINDOW_SECONDS,
      ...(clock ? { clock } : {}),
    }),
  });
}
