import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { openApiDocument, UNDOCUMENTED } from '#core/api/openapi';
import { ERROR_BODY_SCHEMAS } from '#core/api/response-schemas';
import { ROUTES } from '#core/api/routes';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import * as errorModule from '#core/http/errors';
import { ERROR_CODES, ERROR_STATUS, HTTP_ERRORS, HttpError } from '#core/http/errors';
import { intakeFromConfig } from '../../../functions/intake/wiring';
import { httpEvent } from '../../support/events';

type Schema = {
  $ref?: string;
  oneOf?: Schema[];
  properties?: { error?: { enum?: string[]; const?: string } };
};
type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
};

/**
 * The codes an error response's schema admits: its own `error` enum or const, those of each
 * `oneOf` branch, and those of a schema it names by $ref (not what that one builds on: the
 * base Error admits every code, a response narrows it).
 */
function codesOf(doc: Doc, schema: Schema | undefined): string[] {
  if (!schema) return [];
  if (schema.$ref) return codesOf(doc, doc.components.schemas[schema.$ref.split('/').at(-1) ?? '']);
  const error = schema.properties?.error;
  const own = error?.enum ?? (error?.const !== undefined ? [error.const] : []);
  return [...own, ...(schema.oneOf ?? []).flatMap((s) => codesOf(doc, s))];
}

function documentedCodes(doc: Doc, status?: string): Set<string> {
  const codes = new Set<string>();
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values(ops)) {
      for (const [s, response] of Object.entries(op.responses)) {
        if (status !== undefined && s !== status) continue;
        for (const code of codesOf(doc, response.content?.['application/json']?.schema)) codes.add(code);
      }
    }
  }
  return codes;
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as unknown as Doc;

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    const validated = await SwaggerParser.validate(structuredClone(openApiDocument()) as never);
    expect((validated as { openapi?: string }).openapi).toBe('3.1.0');
  });

  it('has every route of ROUTES, with its method, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    const undocumented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => (op as { summary?: string }).summary === UNDOCUMENTED.summary)
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('registers every error class errors.ts exports, each code under one status', () => {
    const exported = Object.values(errorModule).filter(
      (v): v is typeof HttpError => typeof v === 'function' && v.prototype instanceof HttpError,
    );
    expect(
      exported.filter((e) => !(HTTP_ERRORS as readonly unknown[]).includes(e)).map((e) => e.name),
    ).toEqual([]);
    for (const e of HTTP_ERRORS)
      expect({ code: e.code, status: e.status }).toEqual({ code: e.code, status: ERROR_STATUS[e.code] });
    // The codes the DESIGN names are among them.
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining([
        'validation_failed',
        'malformed_body',
        'payload_too_large',
        'unsupported_media_type',
        'rate_limited',
        'unavailable',
        'unauthorized',
        'forbidden',
        'not_found',
        'invalid_cursor',
      ]),
    );
  });

  it('describes the body of every error that adds fields of its own (details)', () => {
    const withDetails = HTTP_ERRORS.filter(
      // StoreUnhealthyError shares `unavailable` with StoreUnavailableError: its `ok: false` is
      // GET /health's, said in that route's description and admitted by the open error body.
      (e) => e !== errorModule.StoreUnhealthyError && e.prototype.details !== HttpError.prototype.details,
    ).map((e) => e.code);
    expect(withDetails.length).toBeGreaterThan(3);
    expect(withDetails.filter((code) => !(code in ERROR_BODY_SCHEMAS))).toEqual([]);
  });

  it('lists every registered error code under its status, and no code that is not registered', () => {
    for (const code of ERROR_CODES) {
      expect({ code, documented: documentedCodes(doc, String(ERROR_STATUS[code])).has(code) }).toEqual({
        code,
        documented: true,
      });
    }
    expect([...documentedCodes(doc)].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('describes every operation, names its servers and a contact', () => {
    const full = openApiDocument() as {
      servers?: { url: string }[];
      info: { contact?: { email?: string } };
      paths: Record<string, Record<string, { description?: string }>>;
    };
    const undescribed = Object.entries(full.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op.description?.trim())
        .map(([m]) => `${m.toUpperCase()} ${path}`),
    );

    expect(undescribed).toEqual([]);
    expect(full.servers?.length).toBeGreaterThan(0);
    expect(full.info.contact?.email).toMatch(/@/);
  });

  it('documents the response bodies from their zod schemas: list items are tip summaries, nextCursor is nullable', () => {
    const schemas = (
      openApiDocument() as { components: { schemas: Record<string, Record<string, unknown>> } }
    ).components.schemas;

    expect(schemas.TipList).toMatchObject({
      required: expect.arrayContaining(['items', 'nextCursor']),
      properties: {
        items: { items: { $ref: '#/components/schemas/TipSummary' } },
        nextCursor: { type: ['string', 'null'] },
      },
    });
    expect(schemas.TipSummary).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['id', 'status', 'excerpt', 'version']),
    });
    expect(Object.keys(schemas.TipSummary?.properties as object)).not.toContain('email');
    // The receipt code is the reader's credential: no staff answer carries it.
    for (const staffSchema of ['TipSummary', 'Tip']) {
      expect(Object.keys(schemas[staffSchema]?.properties as object)).not.toContain('receipt');
    }
    expect(schemas.Error).toMatchObject({ required: ['error', 'message'], additionalProperties: {} });
    expect(schemas.ValidationError).toMatchObject({ required: expect.arrayContaining(['issues']) });
  });

  it('documents the staff lookup by receipt code on GET /tips, from the zod schema', () => {
    const list = (
      openApiDocument() as {
        paths: Record<string, { get: { parameters: { name: string; schema: Record<string, unknown> }[] } }>;
      }
    ).paths['/tips']?.get;
    const receipt = list?.parameters.find((p) => p.name === 'receipt');

    expect(receipt?.schema).toMatchObject({ type: 'string', maxLength: 200 });
    expect(String(receipt?.schema.description)).toMatch(/never with a filter or a cursor/);
  });

  it('documents the tip submission from the zod schema (enums, limits, no unknown fields)', () => {
    const schemas = (
      openApiDocument() as { components: { schemas: Record<string, Record<string, unknown>> } }
    ).components.schemas;
    expect(schemas.TipSubmission).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'topic', 'message', 'consent'],
      properties: {
        topic: { enum: expect.arrayContaining(['russia-ukraine-war', 'other']) },
        subject: { maxLength: 200 },
      },
    });
    expect(schemas.TriagePatch).toMatchObject({
      properties: {
        reply: { type: 'string' },
        eraseContact: { const: true },
        legalHold: { type: 'boolean' },
      },
    });
  });

  it('is served at GET /openapi.json by the intake function', async () => {
    const intake = intakeFromConfig(
      loadConfig(intakeConfigSchema, { TIPS_TABLE: 'tips-openapi', RECEIPT_HASH_SECRET: 'x'.repeat(32) }),
    );

    const res = await intake(httpEvent({ method: 'GET', path: '/openapi.json', headers: {} }));

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body as string)).toEqual(openApiDocument());
  });
});
