import type { IntakeConfig } from '#core/config/intake-config';
import { makeClientAddress } from '#core/guards/client-address';
import { makeClientKeyer } from '#core/guards/client-key';
import { makeFormTokens } from '#core/guards/form-token';
import { makeRateLimiter } from '#core/guards/rate-limit';
import { makeSpamChecks } from '#core/guards/spam-checks';
import { type GuardedIntake, makeGuardedIntake } from '#core/intake/guarded-intake';
import { makeIdempotentIntake } from '#core/intake/idempotency';
import type { SubmitTip } from '#core/intake/submit-tip';
import { makeSubmitTip } from '#core/intake/submit-tip';
import { type DynamoClients, makeDynamoClients } from '#core/platform/aws-clients';
import { lazyS3Client } from '#core/platform/lazy-s3-client';
import { type Logger, makeLogger } from '#core/platform/logger';
import { makeMetrics } from '#core/platform/metrics';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { makeStoreHealth } from '#core/tips/store-health';
import { makeTipStore } from '#core/tips/tip-store';
import { makeMarkAttached } from '#core/uploads/attached-tag';
import { makeAttachmentClaims } from '#core/uploads/attachment-claims';
import { makeRequestUpload } from '#core/uploads/request-upload';
import { makeUploadGrants } from '#core/uploads/upload-grant';
import { uploadLimits } from '#core/uploads/upload-limits';
import { makeVerifyUploads } from '#core/uploads/verify-uploads';
import type { StaffPageOptions } from '../../web/pages/staff-inbox';
import { staffPageFromEnv } from '../../web/pages/staff-page-config';
import { makeIntakeHandler } from './make-intake-handler';

/** The intake function wired from its config: handler.ts in AWS, local/ on a laptop. */
export function intakeFromConfig(
  config: IntakeConfig,
  dynamo: DynamoClients = makeDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  }),
  staffPage: StaffPageOptions = staffPageFromEnv(),
) {
  const store = makeTipStore({ doc: dynamo.doc, tableName: config.TIPS_TABLE });
  const logger = makeLogger('tipline-intake');
  const guards = intakeGuardsFromConfig(config, dynamo, logger);
  const submitTip = makeSubmitTip({
    store,
    receiptKeys: guards.receiptKeys,
    retention: config.RETENTION_POLICY,
    ...(guards.spamChecks ? { spamChecks: guards.spamChecks } : {}),
    ...(guards.verifyUploads ? { verifyUploads: guards.verifyUploads } : {}),
    ...(guards.attachmentClaims ? { attachmentClaims: guards.attachmentClaims } : {}),
  });
  return makeIntakeHandler({
    submitTip,
    storeHealth: makeStoreHealth({ client: dynamo.client, tableName: config.TIPS_TABLE }),
    logger,
    staffPage,
    intake: guards.intake(submitTip),
    ...(guards.formTokens ? { formTokens: guards.formTokens } : {}),
    metrics: guards.metrics,
    clientAddress: makeClientAddress({ originSecret: config.ORIGIN_VERIFY_SECRET }),
    ...(guards.requestUpload && guards.grants
      ? {
          requestUpload: guards.requestUpload,
          uploadLimits: guards.uploadLimits,
          uploadOrigin: guards.grants.uploadOrigin,
        }
      : {}),
  });
}

/**
 * Every abuse defence the config enables, ready to hand to makeSubmitTip and the handler.
 * A missing table turns its defence off, said once at cold start (infra/ sets them all).
 */
export function intakeGuardsFromConfig(config: IntakeConfig, dynamo: DynamoClients, logger: Logger) {
  const secret = config.CLIENT_HASH_SECRET;
  const receiptKeys = makeReceiptKeys(config.RECEIPT_HASH_SECRET);
  const formTokens = secret ? makeFormTokens({ secret, minFillSeconds: config.MIN_FILL_SECONDS }) : undefined;
  const guardTable = config.GUARD_TABLE;
  const spamChecks =
    guardTable && secret && formTokens
      ? makeSpamChecks({
          doc: dynamo.doc,
          tableName: guardTable,
          secret,
          formTokens,
          duplicateWindowSeconds: config.DUPLICATE_WINDOW_SECONDS,
        })
      : undefined;
  const rateLimiter = guardTable
    ? makeRateLimiter({
        doc: dynamo.doc,
        tableName: guardTable,
        limit: config.RATE_LIMIT_MAX,
        windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      })
    : undefined;
  const off = [
    ...(config.IDEMPOTENCY_TABLE ? [] : ['idempotency']),
    ...(guardTable ? [] : ['rate limit', 'duplicate check']),
    ...(secret ? [] : ['form token']),
  ];
  if (off.length > 0) logger.warn('intake defences off by config', { off });
  // The schema refuses UPLOADS_BUCKET without CLIENT_HASH_SECRET (it signs the upload ids).
  const uploads =
    config.UPLOADS_BUCKET && secret
      ? {
          // Made, and the S3 SDK loaded, on the first request that needs it: not at cold start.
          s3: lazyS3Client({ region: config.AWS_REGION, endpoint: config.S3_ENDPOINT }),
          bucket: config.UPLOADS_BUCKET,
        }
      : undefined;
  const grants =
    uploads && secret
      ? makeUploadGrants({ ...uploads, secret, maxFileBytes: config.MAX_FILE_BYTES })
      : undefined;
  // Intake and the cleaner meet in the guard table (attachment-claims.ts); without it or the clean
  // bucket, a tip's files stay pending.
  const attachmentClaims =
    uploads && guardTable && config.CLEAN_BUCKET
      ? {
          claims: makeAttachmentClaims({ doc: dynamo.doc, tableName: guardTable }),
          markAttached: makeMarkAttached({ s3: uploads.s3, bucket: config.CLEAN_BUCKET }),
        }
      : undefined;
  if (uploads && !attachmentClaims)
    logger.warn('attachments stay pending: GUARD_TABLE or CLEAN_BUCKET is not set');
  const limits = uploadLimits(config.MAX_FILE_BYTES);
  const verifyUploads =
    uploads && grants
      ? makeVerifyUploads({
          ...uploads,
          grants,
          ...limits,
          ...(attachmentClaims ? { claims: attachmentClaims.claims } : {}),
        })
      : undefined;
  const requestUpload = grants
    ? makeRequestUpload({
        grants,
        ...(guardTable
          ? {
              rateLimiter: makeRateLimiter({
                doc: dynamo.doc,
                tableName: guardTable,
                limit: config.UPLOAD_RATE_LIMIT_MAX,
                windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
              }),
            }
          : {}),
      })
    : undefined;
  return {
    formTokens,
    spamChecks,
    receiptKeys,
    requestUpload,
    verifyUploads,
    uploadLimits: limits,
    grants,
    attachmentClaims,
    metrics: makeMetrics('tipline-intake'),
    intake(submitTip: SubmitTip): GuardedIntake {
      return makeGuardedIntake({
        submitTip,
        ...(rateLimiter ? { rateLimiter } : {}),
        ...(secret ? { clientKeyer: makeClientKeyer(secret) } : {}),
        ...(config.IDEMPOTENCY_TABLE
          ? {
              idempotent: makeIdempotentIntake({
                client: dynamo.client,
                tableName: config.IDEMPOTENCY_TABLE,
                submitTip,
                receiptKeys,
                windowSeconds: config.IDEMPOTENCY_WINDOW_SECONDS,
              }),
            }
          : {}),
      });
    },
  };
}
