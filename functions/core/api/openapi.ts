import * as z from 'zod';
import { ERROR_STATUS, type ErrorCode, type ErrorHeader, HTTP_ERRORS } from '#core/http/errors';
import { readerMessageSchema } from '#core/receipts/follow-up';
import { receiptAnswerSchema } from '#core/receipts/receipt-answer';
import { downloadGrantSchema, downloadRequestSchema } from '#core/staff/download-schemas';
import { listFilterShape, listQuerySchema } from '#core/staff/list-tips';
import { tipListSchema, tipSummarySchema } from '#core/staff/tip-summary';
import { triagePatchSchema } from '#core/staff/triage-tip';
import { RECEIPT_BITS } from '#core/tips/receipt-code';
import { historyEntrySchema, tipRecordSchema } from '#core/tips/tip-record';
import { fieldIssueSchema, tipSubmissionSchema } from '#core/tips/tip-schema';
import { uploadGrantSchema, uploadRequestSchema } from '#core/uploads/request-upload';
import { acceptedSchema, ERROR_BODY_SCHEMAS, errorBodySchema, healthSchema } from './response-schemas';
import { ROUTES, routeKey } from './routes';

/**
 * The OpenAPI 3.1 document of the API, built from the same zod schemas the handlers validate
 * with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what `z.toJSONSchema` emits).
 * Served at GET /openapi.json; a test checks every route and every error code is in it.
 */

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType): JsonSchema {
  // Input side: what a client sends (transforms and refinements are server-side detail).
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: JsonSchema) => ({ 'application/json': { schema } });
/** A reader's POST body: JSON from a script, or the same fields form-encoded from a page without one. */
const readerPostBody = (schemaName: string) => ({
  required: true,
  content: {
    'application/json': { schema: ref(schemaName) },
    'application/x-www-form-urlencoded': { schema: ref(schemaName) },
  },
});

const HEADERS: Record<ErrorHeader, { description: string; schema: JsonSchema }> = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
  ETag: {
    description: 'The version of the tip now stored, as the next If-Match',
    schema: { type: 'string' },
  },
  'WWW-Authenticate': { description: 'The scheme to authenticate with: Bearer', schema: { type: 'string' } },
};

/**
 * Codes that API Gateway itself answers too (its JWT authorizer refuses most missing or bad
 * tokens before a handler runs): the headers our answer adds are documented, not promised.
 */
const ALSO_FROM_THE_GATEWAY: readonly ErrorCode[] = ['unauthorized'];

/** The headers every answer with this code sets (every class registered under it sets them). */
function headersOf(code: ErrorCode): ErrorHeader[] {
  const classes = HTTP_ERRORS.filter((e) => e.code === code);
  return Object.keys(HEADERS).filter((h) =>
    classes.every((e) => (e.headers as readonly string[]).includes(h)),
  ) as ErrorHeader[];
}

/**
 * The error responses of one operation, grouped by status, each listing its possible codes.
 * Status, codes and headers come from the registry (errors.ts); a header is required where
 * every code of that status sets it.
 */
function errors(...codes: ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes, 'internal' as const])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => {
      const headers = [...new Set(list.flatMap(headersOf))];
      const required = (h: ErrorHeader) =>
        list.every((code) => headersOf(code).includes(h) && !ALSO_FROM_THE_GATEWAY.includes(code));
      return [
        String(status),
        {
          description: list.join(' / '),
          ...(headers.length
            ? {
                headers: Object.fromEntries(
                  headers.map((h) => [h, { ...HEADERS[h], required: required(h) }]),
                ),
              }
            : {}),
          content: jsonContent(errorSchema(list)),
        },
      ];
    }),
  );
}

/**
 * One status's error body: a code with fields of its own (issues, currentVersion...) by its
 * own schema, the rest as the plain Error narrowed to their codes; several make a oneOf (their
 * `error` values tell them apart).
 */
function errorSchema(list: ErrorCode[]): JsonSchema {
  const own = list.filter((code): code is keyof typeof ERROR_BODY_SCHEMAS =>
    Object.hasOwn(ERROR_BODY_SCHEMAS, code),
  );
  const plain = list.filter((code) => !Object.hasOwn(ERROR_BODY_SCHEMAS, code));
  const branches: JsonSchema[] = [
    ...own.map((code) => ref(ERROR_BODY_SCHEMAS[code].name)),
    ...(plain.length ? [{ allOf: [ref('Error')], properties: { error: { enum: plain } } }] : []),
  ];
  return branches.length === 1 ? (branches[0] as JsonSchema) : { oneOf: branches };
}

const PUBLIC_WRITE_ERRORS: ErrorCode[] = [
  'validation_failed',
  'malformed_body',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'unavailable',
];
const STAFF_ERRORS: ErrorCode[] = ['unauthorized', 'forbidden', 'unavailable'];

/**
 * The component schemas, generated by zod from one registry per side: requests as a client
 * sends them (io 'input': before transforms and defaults), responses as the server writes them
 * (io 'output'). A schema used inside another registered one becomes a $ref to it.
 */
function components(io: 'input' | 'output', named: Record<string, z.ZodType>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each comes out as a document of its own; in components it is a plain schema.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [
      id,
      schema as JsonSchema,
    ]),
  );
}

const REQUESTS = {
  TipSubmission: tipSubmissionSchema,
  UploadRequest: uploadRequestSchema,
  TriagePatch: triagePatchSchema,
  DownloadRequest: downloadRequestSchema,
  ReaderMessage: readerMessageSchema,
};

const RESPONSES = {
  Tip: tipRecordSchema,
  HistoryEntry: historyEntrySchema,
  TipSummary: tipSummarySchema,
  TipList: tipListSchema,
  Accepted: acceptedSchema,
  UploadGrant: uploadGrantSchema,
  DownloadGrant: downloadGrantSchema,
  ReceiptAnswer: receiptAnswerSchema,
  Health: healthSchema,
  Error: errorBodySchema,
  FieldIssue: fieldIssueSchema,
  ...Object.fromEntries(Object.values(ERROR_BODY_SCHEMAS).map(({ name, schema }) => [name, schema])),
};

function schemas(): Record<string, JsonSchema> {
  const clash = Object.keys(REQUESTS).filter((name) => Object.hasOwn(RESPONSES, name));
  if (clash.length) throw new Error(`schema names used for a request and a response: ${clash}`);
  return { ...components('input', REQUESTS), ...components('output', RESPONSES) };
}

function queryParameters(shape: Record<string, z.ZodType>): unknown[] {
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: schemaOf(schema),
  }));
}

const VERSION_ETAG = {
  description: 'The tip version, quoted ("3"): send it back as If-Match',
  required: true,
  schema: { type: 'string', pattern: '^"\\d+"$' },
};

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const codeParam = {
  name: 'code',
  in: 'path',
  required: true,
  description: `The receipt code (12 symbols, ${RECEIPT_BITS.toFixed(1)} bits); case, spaces and dashes are ignored`,
  schema: { type: 'string', maxLength: 64 },
};
const staff = [{ staffJwt: [] }];
const html = { 'text/html': { schema: { type: 'string' } } };

export const UNDOCUMENTED = {
  summary: 'undocumented',
  responses: { default: { description: 'not yet described in functions/core/api/openapi.ts' } },
};

/** One entry per route of ROUTES, keyed `METHOD /path`. */
const OPERATIONS: Record<string, Record<string, unknown>> = {
  'GET /': {
    summary: 'The reader form (HTML, works without JavaScript)',
    description:
      'Server-rendered, so it works without JavaScript; with it, the form checks each field as the server would (the rules are built from the same schema).',
    responses: { 200: { description: 'The form', content: html } },
  },
  'POST /tips': {
    summary: 'Send a tip or a question',
    description:
      'JSON from scripts, a form post from browsers without JavaScript (which get an HTML page back, the receipt or the form again with its problems). Rate limited per client; a bot-like submission is stored quarantined and answered like any other.',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Retrying with the same key returns the first answer',
        schema: { type: 'string', maxLength: 200 },
      },
    ],
    requestBody: readerPostBody('TipSubmission'),
    responses: {
      201: {
        description: 'Stored. A form post with Accept: text/html gets the receipt page instead',
        headers: {
          Location: { description: 'The tip, for staff (JSON answers)', schema: { type: 'string' } },
          'Idempotent-Replayed': {
            description:
              '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
            schema: { type: 'string', const: 'true' },
          },
        },
        content: { ...jsonContent(ref('Accepted')), ...html },
      },
      ...errors(...PUBLIC_WRITE_ERRORS, 'in_progress', 'receipt_unavailable', 'idempotency_key_reused'),
    },
  },
  'GET /health': {
    summary: 'Whether the store answers',
    description:
      'One cheap read of the tips table; 503 with Retry-After and `ok: false` when it does not answer.',
    responses: {
      200: {
        description: 'Healthy',
        content: jsonContent(ref('Health')),
      },
      ...errors('unavailable'),
    },
  },
  'GET /assets/{file}': {
    summary: "The pages' built scripts and styles",
    description: 'Content-hashed names, so each may be cached for a year; an unknown name is 404.',
    parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { 200: { description: 'The asset' }, ...errors('not_found') },
  },
  'GET /follow-up': {
    summary: "The reader's follow-up page (status and replies by receipt code; it calls /receipts)",
    description: 'HTML; the page asks for the receipt code and calls the /receipts operations.',
    responses: { 200: { description: 'The page', content: html } },
  },
  'GET /staff': {
    summary: 'The staff inbox page (its API calls carry the staff token)',
    description: 'HTML, public; the data it shows comes from the staff operations, which need the token.',
    responses: { 200: { description: 'The page', content: html } },
  },
  'GET /tips': {
    summary: 'List tips, newest first',
    description:
      'Filters by status, kind, topic, time range and text; one page of summaries (no contact details, the message cut to an excerpt). Pass `nextCursor` as `cursor` for the next page; it is null on the last one. A cursor only works with the filters it was issued for. With `receipt` (alone: any filter or cursor beside it is a 400), the list holds the one tip that code belongs to, or is empty when it belongs to none (200, never 404: a wrong and a missing code read the same); `nextCursor` is null.',
    security: staff,
    parameters: queryParameters(listQuerySchema.shape),
    responses: {
      200: { description: 'One page', content: jsonContent(ref('TipList')) },
      ...errors(...STAFF_ERRORS, 'validation_failed', 'invalid_cursor'),
    },
  },
  'GET /tips/export': {
    summary: 'Export the filtered tips as CSV or JSON lines',
    description:
      'The same filters as the list, every matching tip in full, as a download. CSV cells that a spreadsheet would run as a formula are defused. Past about 5 MB the answer is 422 `export_too_large`: narrow the filters.',
    security: staff,
    parameters: [
      ...queryParameters(listFilterShape),
      { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['csv', 'jsonl'] } },
    ],
    responses: {
      200: {
        description: 'The export',
        headers: {
          'Content-Disposition': {
            description: 'attachment, with a dated file name',
            required: true,
            schema: { type: 'string' },
          },
        },
        content: {
          'text/csv': { schema: { type: 'string' } },
          'application/x-ndjson': { schema: { type: 'string' } },
        },
      },
      ...errors(...STAFF_ERRORS, 'validation_failed', 'export_too_large'),
    },
  },
  'GET /tips/{id}': {
    summary: 'One tip with its history',
    description: 'The whole tip, contact details included; ETag is its version, to send back as If-Match.',
    security: staff,
    parameters: [idParam],
    responses: {
      200: {
        description: 'The tip; ETag is its version',
        headers: { ETag: VERSION_ETAG },
        content: jsonContent(ref('Tip')),
      },
      ...errors(...STAFF_ERRORS, 'not_found'),
    },
  },
  'PATCH /tips/{id}': {
    summary: 'Triage: status, assignee, tags, note, a reply to the reader, contact erasure, legal hold',
    description:
      'Optimistic concurrency: If-Match must name the version seen, or the answer is 409 `version_conflict` (with the current version). A status change must follow the workflow, or 409 `invalid_transition` says where it can go.',
    security: staff,
    parameters: [
      idParam,
      {
        name: 'If-Match',
        in: 'header',
        required: true,
        schema: { type: 'string' },
        description: 'The version seen',
      },
    ],
    requestBody: { required: true, content: jsonContent(ref('TriagePatch')) },
    responses: {
      200: {
        description: 'The updated tip; ETag is its new version',
        headers: { ETag: VERSION_ETAG },
        content: jsonContent(ref('Tip')),
      },
      ...errors(
        ...STAFF_ERRORS,
        'validation_failed',
        'malformed_body',
        'payload_too_large',
        'unsupported_media_type',
        'not_found',
        'version_conflict',
        'invalid_transition',
        'precondition_required',
        'tip_too_large',
      ),
    },
  },
  'POST /tips/{id}/attachments/{attachmentId}/download': {
    summary: 'A short-lived URL to download (or show) one attachment',
    description:
      "Answers a presigned GET of the file (`DOWNLOAD_URL_MINUTES`, default 5), on the site's origin, which adds `X-Content-Type-Options: nosniff` and a sandbox CSP. It downloads as `<attachmentId>.<ext>` with the sniffed type (a file kept inert as `application/octet-stream`, `.bin`), never under the reader's file name. Each download appends a `download` entry to the tip's history (`download-original` for `original: true`, only where an original was kept: else 409 `original_not_kept`), so the tip's version goes up. `inline: true` (cleaned photos and videos only) is for showing it in the page: logged, not recorded. A file still being cleaned is 409 `attachment_pending`; with a malware scanner, a file not yet scanned is 409 `scan_pending`, one the scan could not judge 409 `scan_failed` and one it found a threat in 403 `attachment_infected`. No body is a plain download.",
    security: staff,
    parameters: [idParam, { name: 'attachmentId', in: 'path', required: true, schema: { type: 'string' } }],
    requestBody: { required: false, content: jsonContent(ref('DownloadRequest')) },
    responses: {
      200: { description: 'The URL and until when it works', content: jsonContent(ref('DownloadGrant')) },
      ...errors(
        ...STAFF_ERRORS,
        'validation_failed',
        'malformed_body',
        'payload_too_large',
        'unsupported_media_type',
        'not_found',
        'attachment_pending',
        'original_not_kept',
        'inline_not_allowed',
        'scan_pending',
        'scan_failed',
        'attachment_infected',
        'version_conflict',
        'tip_too_large',
      ),
    },
  },
  'POST /uploads': {
    summary: 'Ask to upload one attachment, straight to S3',
    description:
      'Answers a presigned POST for one file: post `fields`, then the file, to `url` before `expiresAt`. S3 refuses a file over `maxBytes` (400 EntityTooLarge). The tip names its files by `uploadId` and carries the same `submission` nonce; an id asked for with another nonce does not attach. Rate limited per client, apart from submits.',
    requestBody: { required: true, content: jsonContent(ref('UploadRequest')) },
    responses: {
      201: { description: 'The upload grant', content: jsonContent(ref('UploadGrant')) },
      ...errors(...PUBLIC_WRITE_ERRORS, 'not_found'),
    },
  },
  'GET /openapi.json': {
    summary: 'This document',
    description: 'Generated from the zod schemas the handlers validate and answer with.',
    responses: { 200: { description: 'OpenAPI 3.1', content: jsonContent({ type: 'object' }) } },
  },
  'GET /receipts/{code}': {
    summary: "A reader's follow-up: the status in plain words and the desk's replies",
    description: 'A wrong code and a missing one get the same 404. Rate limited per client.',
    parameters: [codeParam],
    responses: {
      200: { description: 'The status', content: jsonContent(ref('ReceiptAnswer')) },
      ...errors('not_found', 'rate_limited', 'unavailable'),
    },
  },
  'POST /receipts/{code}/messages': {
    summary: 'Add a message, files, or both to a tip, by its receipt code',
    description:
      "The desk is told a message arrived (without its text). Files are uploaded as for a tip (`POST /uploads` with a new `submission` nonce) and named here by `attachments` with that nonce: each is checked as intake checks a tip's, and the tip keeps at most 10 files and 250 MB together (400 `validation_failed`, `attachments`). A wrong code is 404 even with a bad body; a tip takes a limited number of messages (409 `conversation_full`) and bytes (413 `tip_too_large`: send a new tip).",
    parameters: [codeParam],
    requestBody: readerPostBody('ReaderMessage'),
    responses: {
      201: { description: 'Added to the tip', content: jsonContent(ref('ReceiptAnswer')) },
      ...errors(...PUBLIC_WRITE_ERRORS, 'not_found', 'conversation_full', 'tip_too_large'),
    },
  },
};

let built: Record<string, unknown> | undefined;

/** Built once per container, on first request: the schemas never change at run time. */
export function openApiDocument(): Record<string, unknown> {
  built ??= buildDocument();
  return built;
}

function buildDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    // A route added without its description is served as such (the openapi test fails on it),
    // never as a 500 from the whole document.
    const operation = OPERATIONS[routeKey(route)] ?? UNDOCUMENTED;
    const tag =
      route.auth === 'staff' ? 'staff' : route.path.startsWith('/receipts/') ? 'receipts' : 'public';
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: operationId(route.method, route.path),
        tags: [tag],
        ...operation,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tipline',
      version: '1.0.0',
      description: "The tip line of a newsroom's world desk: readers send tips, staff triage them.",
      contact: { name: 'The world desk', email: 'world-desk@newsroom.example' },
    },
    // Relative: the API answers at the root of wherever this document is served from (the API
    // Gateway stage, or the local stack).
    servers: [{ url: '/', description: 'The API that serves this document' }],
    tags: [
      { name: 'public', description: 'The reader form and intake' },
      { name: 'receipts', description: 'Follow-up by receipt code' },
      { name: 'staff', description: 'Staff API (Cognito JWT, staff group)' },
    ],
    paths,
    components: {
      schemas: schemas(),
      securitySchemes: { staffJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/[{}.]/g, ''));
  return [method.toLowerCase(), ...words].join('_') || method.toLowerCase();
}
