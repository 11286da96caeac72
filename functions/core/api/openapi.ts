import * as z from 'zod';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode, type ErrorHeader, HTTP_ERRORS } from '#core/http/errors';
import { READER_STATUSES, readerMessageSchema } from '#core/receipts/follow-up';
import { listFilterShape, listQuerySchema } from '#core/staff/list-tips';
import { triagePatchSchema } from '#core/staff/triage-tip';
import { RECEIPT_BITS } from '#core/tips/receipt-code';
import { TIP_STATUSES } from '#core/tips/tip-record';
import { TIP_KINDS, TIP_TOPICS, tipSubmissionSchema } from '#core/tips/tip-schema';
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

/** One status's error body: validation_failed carries `issues`, every other code the plain Error. */
function errorSchema(list: ErrorCode[]): JsonSchema {
  const others = list.filter((code) => code !== 'validation_failed');
  const plain = { allOf: [ref('Error')], properties: { error: { enum: others } } };
  if (others.length === list.length) return plain;
  if (others.length === 0) return ref('ValidationError');
  return { oneOf: [ref('ValidationError'), plain] };
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

const tipRecordSchema = z.object({
  id: z.string().describe('ULID'),
  receipt: z.string(),
  createdAt: z.iso.datetime(),
  kind: z.enum(TIP_KINDS),
  topic: z.enum(TIP_TOPICS),
  subject: z.string().optional(),
  message: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  anonymous: z.boolean(),
  sourceUrl: z.string().optional(),
  status: z.enum(TIP_STATUSES),
  quarantineReason: z.string().optional(),
  assignee: z.string().optional(),
  tags: z.array(z.string()).optional(),
  version: z.int(),
  history: z.array(
    z.object({
      at: z.iso.datetime(),
      by: z.string(),
      action: z.string(),
      from: z.string().optional(),
      to: z.string().optional(),
      note: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
  alertedAt: z.iso.datetime().optional(),
  expiresAt: z.int().optional().describe('Epoch seconds: deleted by DynamoDB TTL after this'),
  legalHold: z.boolean().optional(),
});

const receiptAnswerSchema = z.object({
  receipt: z.string(),
  kind: z.enum(TIP_KINDS),
  status: z.enum(READER_STATUSES),
  explanation: z.string(),
  receivedOn: z.iso.date(),
  replies: z.array(z.object({ at: z.iso.datetime(), message: z.string() })),
  messagesAdded: z.int(),
});

const SCHEMAS: Record<string, JsonSchema> = {
  TipSubmission: schemaOf(tipSubmissionSchema),
  TriagePatch: schemaOf(triagePatchSchema),
  ReaderMessage: schemaOf(readerMessageSchema),
  Tip: schemaOf(tipRecordSchema),
  ReceiptAnswer: schemaOf(receiptAnswerSchema),
  Accepted: schemaOf(z.object({ id: z.string(), receipt: z.string(), status: z.literal('received') })),
  TipList: {
    type: 'object',
    required: ['items'],
    properties: {
      items: { type: 'array', items: { type: 'object', description: 'A tip summary: no contact details' } },
      nextCursor: { type: 'string' },
    },
  },
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: { error: { type: 'string', enum: ERROR_CODES }, message: { type: 'string' } },
  },
  ValidationError: {
    allOf: [ref('Error')],
    type: 'object',
    required: ['issues'],
    properties: {
      error: { const: 'validation_failed' },
      issues: {
        type: 'array',
        items: {
          type: 'object',
          required: ['path', 'message'],
          properties: { path: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  },
};

function queryParameters(shape: Record<string, z.ZodType>): unknown[] {
  return Object.entries(shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema: schemaOf(schema),
  }));
}

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
    responses: { 200: { description: 'The form', content: html } },
  },
  'POST /tips': {
    summary: 'Send a tip or a question',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Retrying with the same key returns the first answer',
        schema: { type: 'string', maxLength: 200 },
      },
    ],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: ref('TipSubmission') },
        'application/x-www-form-urlencoded': { schema: ref('TipSubmission') },
      },
    },
    responses: {
      201: {
        description: 'Stored. A form post with Accept: text/html gets the receipt page instead',
        content: { ...jsonContent(ref('Accepted')), ...html },
      },
      ...errors(...PUBLIC_WRITE_ERRORS, 'in_progress', 'idempotency_key_reused'),
    },
  },
  'GET /health': {
    summary: 'Whether the store answers',
    responses: {
      200: {
        description: 'Healthy',
        content: jsonContent({ type: 'object', properties: { ok: { const: true } } }),
      },
      ...errors('unavailable'),
    },
  },
  'GET /assets/{file}': {
    summary: "The pages' built scripts and styles",
    parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { 200: { description: 'The asset' }, ...errors('not_found') },
  },
  'GET /follow-up': {
    summary: "The reader's follow-up page (status and replies by receipt code; it calls /receipts)",
    responses: { 200: { description: 'The page', content: html } },
  },
  'GET /staff': {
    summary: 'The staff inbox page (its API calls carry the staff token)',
    responses: { 200: { description: 'The page', content: html } },
  },
  'GET /tips': {
    summary: 'List tips, newest first',
    security: staff,
    parameters: queryParameters(listQuerySchema.shape),
    responses: {
      200: { description: 'One page', content: jsonContent(ref('TipList')) },
      ...errors(...STAFF_ERRORS, 'validation_failed', 'invalid_cursor'),
    },
  },
  'GET /tips/export': {
    summary: 'Export the filtered tips as CSV or JSON lines',
    security: staff,
    parameters: [
      ...queryParameters(listFilterShape),
      { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['csv', 'jsonl'] } },
    ],
    responses: {
      200: {
        description: 'The export',
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
    security: staff,
    parameters: [idParam],
    responses: {
      200: {
        description: 'The tip; ETag is its version',
        headers: { ETag: { schema: { type: 'string' } } },
        content: jsonContent(ref('Tip')),
      },
      ...errors(...STAFF_ERRORS, 'not_found'),
    },
  },
  'PATCH /tips/{id}': {
    summary: 'Triage: status, assignee, tags, note, a reply to the reader, contact erasure, legal hold',
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
      200: { description: 'The updated tip', content: jsonContent(ref('Tip')) },
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
      ),
    },
  },
  'GET /openapi.json': {
    summary: 'This document',
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
    summary: 'Add a message to a tip, by its receipt code',
    parameters: [codeParam],
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: ref('ReaderMessage') },
        'application/x-www-form-urlencoded': { schema: ref('ReaderMessage') },
      },
    },
    responses: {
      201: { description: 'Added to the tip', content: jsonContent(ref('ReceiptAnswer')) },
      ...errors(...PUBLIC_WRITE_ERRORS, 'not_found', 'conversation_full'),
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
    },
    tags: [
      { name: 'public', description: 'The reader form and intake' },
      { name: 'receipts', description: 'Follow-up by receipt code' },
      { name: 'staff', description: 'Staff API (Cognito JWT, staff group)' },
    ],
    paths,
    components: {
      schemas: SCHEMAS,
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
