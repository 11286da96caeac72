import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, openApiDocument, UNDOCUMENTED } from '#core/api/openapi';
import { ROUTES } from '#core/api/routes';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { intakeFromConfig } from '../../../functions/intake/wiring';
import { httpEvent } from '../../support/events';

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every `json(<status>, { error: '<code>'` the handlers and the error mapping can answer with. */
function errorsInSource(): { status: number; code: string; file: string }[] {
  return sourceFiles('functions').flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/json\(\s*(\d{3}),\s*\{\s*error: '([a-z_]+)'/g)].map((m) => ({
      status: Number(m[1]),
      code: m[2] as string,
      file,
    })),
  );
}

function documentedCodes(doc: Doc, status?: string): Set<string> {
  const codes = new Set<string>();
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values(ops)) {
      for (const [s, response] of Object.entries(op.responses)) {
        if (status !== undefined && s !== status) continue;
        const schema = response.content?.['application/json']?.schema as {
          properties?: { error?: { enum?: string[] } };
        };
        for (const code of schema?.properties?.error?.enum ?? []) codes.add(code);
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

  it('lists every error code the handlers can return, each under the status it is returned with', () => {
    const found = errorsInSource();
    // The scan itself works: the codes the DESIGN names are among what it found.
    for (const code of [
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
    ]) {
      expect(found.map((f) => f.code)).toContain(code);
    }
    for (const { status, code, file } of found) {
      expect({ code, file, status: ERROR_CODES[code as keyof typeof ERROR_CODES] }).toEqual({
        code,
        file,
        status,
      });
      expect(documentedCodes(doc, String(status))).toContain(code);
    }
    expect([...documentedCodes(doc)].sort()).toEqual(Object.keys(ERROR_CODES).sort());
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
    const intake = intakeFromConfig(loadConfig(intakeConfigSchema, { TIPS_TABLE: 'tips-openapi' }));

    const res = await intake(httpEvent({ method: 'GET', path: '/openapi.json', headers: {} }));

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body as string)).toEqual(openApiDocument());
  });
});
