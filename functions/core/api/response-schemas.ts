import * as z from 'zod';
import { ERROR_CODES, type ErrorCode, MAX_ISSUE_TEXT, MAX_ISSUES_SHOWN } from '#core/http/errors';
import { TIP_STATUSES, tipRecordSchema } from '#core/tips/tip-record';
import { fieldIssueSchema } from '#core/tips/tip-schema';

/**
 * The response bodies that belong to no one domain: the intake's answer, health, and the error
 * bodies. The domain ones live with their domain (tip-record.ts, list-tips.ts, follow-up.ts).
 * Handlers type their answers with these, the browser code imports the types, and the OpenAPI
 * document is generated from the schemas.
 */

/** POST /tips 201. A quarantined tip gets the same answer as any other: bots learn nothing. */
export const acceptedSchema = tipRecordSchema.pick({ id: true }).extend({
  receipt: z
    .string()
    .describe(
      "The reader's receipt code: shown this once (it is stored only as a keyed hash); an idempotent replay to the same client shows it again",
    ),
  status: z.literal('received'),
});
export type Accepted = z.infer<typeof acceptedSchema>;

/** GET /health 200 (a 503 is an `unavailable` error with `ok: false`). */
export const healthSchema = z.object({ ok: z.literal(true) });
export type Health = z.infer<typeof healthSchema>;

/**
 * Any error answer: its code and a message a client may show. Open: a code may add fields
 * (currentVersion, limitBytes...), described by its own schema below where it has one.
 */
export const errorBodySchema = z.looseObject({
  error: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The only error with `issues`: the field problems of a refused body or query, at once. */
export const validationErrorBodySchema = z.object({
  error: z.literal('validation_failed'),
  message: z.string(),
  issues: z
    .array(fieldIssueSchema)
    .min(1)
    .max(MAX_ISSUES_SHOWN)
    .describe(
      `The first ${MAX_ISSUES_SHOWN} problems (field rules before unknown fields), each path and message at most ${MAX_ISSUE_TEXT} characters`,
    ),
  issueCount: z.int().min(1).describe('How many problems there were in all'),
});
export type ValidationErrorBody = z.infer<typeof validationErrorBodySchema>;

export const versionConflictBodySchema = errorBodySchema.extend({
  error: z.literal('version_conflict'),
  currentVersion: z.int().describe('The version now stored: reload the tip, then send it as If-Match'),
});
export type VersionConflictBody = z.infer<typeof versionConflictBodySchema>;

export const invalidTransitionBodySchema = errorBodySchema.extend({
  error: z.literal('invalid_transition'),
  from: z.enum(TIP_STATUSES),
  to: z.enum(TIP_STATUSES),
  allowed: z.array(z.enum(TIP_STATUSES)).describe('Where the tip can go from its status'),
  currentVersion: z.int(),
});

const tooLarge = (code: 'payload_too_large' | 'export_too_large' | 'tip_too_large') =>
  errorBodySchema.extend({ error: z.literal(code), limitBytes: z.int().min(1) });

export const internalErrorBodySchema = errorBodySchema.extend({
  error: z.literal('internal'),
  requestId: z.string().describe('Quote it when reporting the problem: it finds the logs'),
});

/**
 * The codes whose body carries more than `error` and `message`, by the component name the
 * OpenAPI document gives it. The tests hold every registered error's answer to its schema.
 */
export const ERROR_BODY_SCHEMAS = {
  validation_failed: { name: 'ValidationError', schema: validationErrorBodySchema },
  version_conflict: { name: 'VersionConflict', schema: versionConflictBodySchema },
  invalid_transition: { name: 'InvalidTransition', schema: invalidTransitionBodySchema },
  payload_too_large: { name: 'PayloadTooLarge', schema: tooLarge('payload_too_large') },
  export_too_large: { name: 'ExportTooLarge', schema: tooLarge('export_too_large') },
  tip_too_large: { name: 'TipTooLarge', schema: tooLarge('tip_too_large') },
  internal: { name: 'InternalError', schema: internalErrorBodySchema },
} satisfies Partial<Record<ErrorCode, { name: string; schema: z.ZodType }>>;

/** The schema an error answer with this code must satisfy. */
export function errorBodySchemaFor(code: ErrorCode): z.ZodType {
  return (
    (ERROR_BODY_SCHEMAS as Partial<Record<ErrorCode, { schema: z.ZodType }>>)[code]?.schema ?? errorBodySchema
  );
}

/** A code's own fields, each optional (read off its shape: the open index signature would hide them). */
type FieldsOf<S extends { shape: z.ZodRawShape }> = {
  [K in Exclude<keyof S['shape'], 'error' | 'message'>]?: z.output<S['shape'][K]>;
};

/** What a client may read off any error answer (each field only where its code sends it). */
export type ApiErrorBody = { error?: ErrorCode; message?: string } & FieldsOf<
  typeof validationErrorBodySchema
> &
  FieldsOf<typeof versionConflictBodySchema> &
  FieldsOf<typeof invalidTransitionBodySchema>;
