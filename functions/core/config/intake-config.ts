import * as z from 'zod';
import { DEFAULT_MAX_FILE_BYTES } from '#core/uploads/storage-layout';
import { bucketName } from './attachment-storage-config';
import { ENV } from './env-names';
import { optionalSecretShape, secretShape } from './secrets';
import { optionalUrl, storeConfigShape } from './store-config';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Submits per client per window. Kept below the flood breaker's limit (alerts/flood-budget.ts). */
export const RATE_LIMIT_DEFAULTS = { max: 30, windowSeconds: 600 } as const;

/**
 * Intake's abuse defences. Each table is optional so a bare store config still loads (tools,
 * benches); without GUARD_TABLE there is no rate limit or duplicate check, without
 * IDEMPOTENCY_TABLE no idempotency, and the intake logs that at cold start. infra/ sets all.
 */
export const intakeConfigSchema = z
  .object({
    ...storeConfigShape,
    [ENV.IDEMPOTENCY_TABLE]: z.string().min(3).optional(),
    [ENV.GUARD_TABLE]: z.string().min(3).optional(),
    ...optionalSecretShape(ENV.CLIENT_HASH_SECRET),
    // Every tip stores its receipt's keyed hash: intake cannot store a tip without it.
    ...secretShape(ENV.RECEIPT_HASH_SECRET),
    // Only a request carrying CloudFront's value is keyed on its viewer address (infra/edge.ts).
    ...optionalSecretShape(ENV.ORIGIN_VERIFY_SECRET),
    [ENV.RATE_LIMIT_MAX]: seconds(RATE_LIMIT_DEFAULTS.max),
    [ENV.RATE_LIMIT_WINDOW_SECONDS]: seconds(RATE_LIMIT_DEFAULTS.windowSeconds),
    [ENV.MIN_FILL_SECONDS]: z.coerce.number().min(0).default(3),
    [ENV.DUPLICATE_WINDOW_SECONDS]: seconds(86_400),
    [ENV.IDEMPOTENCY_WINDOW_SECONDS]: seconds(600),
    // Attachments (POST /uploads): off without a bucket. Upload ids are signed with a key derived
    // from CLIENT_HASH_SECRET, so uploads also need it.
    [ENV.UPLOADS_BUCKET]: bucketName.optional(),
    // Where the cleaner's copies are: intake tags the copy of a file cleaned before its tip arrived.
    [ENV.CLEAN_BUCKET]: bucketName.optional(),
    [ENV.S3_ENDPOINT]: optionalUrl,
    [ENV.MAX_FILE_BYTES]: z.coerce.number().int().positive().default(DEFAULT_MAX_FILE_BYTES),
    [ENV.UPLOAD_RATE_LIMIT_MAX]: seconds(60),
  })
  .refine(
    (c) => c[ENV.CLIENT_HASH_SECRET] !== undefined || (!c[ENV.GUARD_TABLE] && !c[ENV.IDEMPOTENCY_TABLE]),
    {
      path: [ENV.CLIENT_HASH_SECRET],
      message: 'is required with GUARD_TABLE or IDEMPOTENCY_TABLE (at least 32 random characters)',
    },
  )
  .refine((c) => c[ENV.CLIENT_HASH_SECRET] !== undefined || !c[ENV.UPLOADS_BUCKET], {
    path: [ENV.CLIENT_HASH_SECRET],
    message: 'is required with UPLOADS_BUCKET (it signs the upload ids)',
  });

export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
