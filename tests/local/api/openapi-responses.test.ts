import { randomUUID } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { type LocalStack, startLocalStack } from '../../../local/stack/stack';
import { attachmentRecord, typicalAttachments } from '../../support/attachment-fixtures';
import { validTip } from '../../support/local-env';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

/**
 * The contract checked from the outside: real requests through the local gateway to the real
 * handlers, each answer validated against the document the stack itself serves at
 * /openapi.json, the way an OpenAPI proxy validator would: the status is documented for the
 * operation, the content type is documented for that status, a JSON body is valid against its
 * schema (ajv, JSON Schema 2020-12, the document's components resolved) and the headers the
 * document marks required are there.
 */

type Json = Record<string, unknown>;
interface MediaObject {
  schema?: Json;
}
interface ResponseObject {
  content?: Record<string, MediaObject>;
  headers?: Record<string, { required?: boolean; schema?: Json }>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

/** RFC 3339 / JSON Schema formats the document may name; ajv refuses to compile an unknown one. */
const FORMATS: Record<string, RegExp | ((s: string) => boolean)> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  email: /^[^\s@]+@[^\s@]+$/,
  uri: (s) => URL.canParse(s),
};

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Matches a concrete path to the document's templated path (/tips/01J… → /tips/{id}). */
function templateOf(doc: Document, path: string): string | undefined {
  const got = path.split('/');
  const candidates = Object.keys(doc.paths).filter((template) => {
    const want = template.split('/');
    return want.length === got.length && want.every((w, i) => w.startsWith('{') || w === got[i]);
  });
  // As the gateway: the most literal template wins (/tips/export over /tips/{id}).
  const literals = (t: string) => t.split('/').filter((w) => !w.startsWith('{')).length;
  return candidates.sort((a, b) => literals(b) - literals(a))[0];
}

function makeContract(doc: Document) {
  const ajv = new Ajv2020({ allErrors: true, strictSchema: false });
  for (const [name, format] of Object.entries(FORMATS)) ajv.addFormat(name, format);
  ajv.addSchema(doc, 'openapi.json');
  const validators = new Map<string, ValidateFunction>();
  const seen = new Set<string>();

  function validatorFor(ref: string): ValidateFunction {
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi.json#/${ref}` });
      validators.set(ref, validate);
    }
    return validate;
  }

  /** Every way the answer departs from the document, as readable lines (none: it conforms). */
  async function violations(method: string, url: string, res: Response): Promise<string[]> {
    const path = new URL(url).pathname;
    const template = templateOf(doc, path);
    const operation = template ? doc.paths[template]?.[method.toLowerCase()] : undefined;
    const label = `${method} ${template ?? path} → ${res.status}`;
    if (!template || !operation) return [`${label}: no such operation in the document`];
    seen.add(`${method} ${template} ${res.status}`);
    const status = String(res.status);
    const response = operation.responses[status] ?? operation.responses.default;
    if (!response)
      return [`${label}: status not documented (documented: ${Object.keys(operation.responses)})`];
    const problems: string[] = [];
    const key = response === operation.responses[status] ? status : 'default';
    const at = (...rest: string[]) =>
      pointer('paths', template, method.toLowerCase(), 'responses', key, ...rest);
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = res.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${label}: required header ${name} missing`);
        continue;
      }
      if (!header.schema) continue;
      // A header is text on the wire; an integer one is read as its number.
      const typed = header.schema.type === 'integer' && /^\d+$/.test(value) ? Number(value) : value;
      if (!validatorFor(at('headers', name, 'schema'))(typed)) {
        problems.push(`${label}: header ${name} ${JSON.stringify(value)} does not match its schema`);
      }
    }
    const text = await res.text();
    if (!response.content) return problems;
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const media = response.content[mediaType];
    if (!media) {
      return [
        ...problems,
        `${label}: content type ${mediaType || '(none)'} not documented (documented: ${Object.keys(response.content)})`,
      ];
    }
    if (mediaType !== 'application/json' || !media.schema) return problems;
    const validate = validatorFor(at('content', mediaType, 'schema'));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [...problems, `${label}: body is not JSON`];
    }
    if (!validate(body)) {
      for (const e of validate.errors ?? []) {
        problems.push(`${label}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
      }
    }
    return problems;
  }

  return { violations, seen };
}

describe('every answer of the running stack conforms to its /openapi.json', () => {
  let stack: LocalStack;
  let limited: LocalStack;
  let contract: ReturnType<typeof makeContract>;
  let doc: Document;
  let staff: Record<string, string>;
  let outsider: Record<string, string>;
  let tip: { id: string; receipt: string };

  /** Sends the request and returns the answer's status and what is wrong with it. */
  async function call(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
    on = stack,
  ) {
    const url = `${on.apiUrl}${path}`;
    const res = await fetch(url, { method, headers: init.headers ?? {}, body: init.body ?? null });
    return { status: res.status, violations: await contract.violations(method, url, res.clone()), res };
  }

  const json = (body: unknown, headers: Record<string, string> = {}) => ({
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  async function postTip(overrides: Record<string, unknown> = {}) {
    const res = await fetch(`${stack.apiUrl}/tips`, { method: 'POST', ...json(validTip(overrides)) });
    return (await res.json()) as { id: string; receipt: string };
  }

  beforeAll(async () => {
    const external = { dynamoUrl: inject('dynamoUrl'), sesUrl: inject('sesUrl'), s3Url: inject('s3Url') };
    const tableName = `contract-${randomUUID().slice(0, 8)}`;
    [stack, limited] = await Promise.all([
      startLocalStack({ external, tableName, retryDelayMs: 20 }),
      // Its own stack so that its low limit never refuses the other requests.
      startLocalStack({
        external,
        tableName: `${tableName}-limited`,
        retryDelayMs: 20,
        env: { RATE_LIMIT_MAX: '1' },
      }),
    ]);
    doc = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as Document;
    contract = makeContract(doc);
    staff = { authorization: `Bearer ${await stack.issuer.mint({ user: 'alice' })}` };
    outsider = {
      authorization: `Bearer ${await stack.issuer.mint({ user: 'mallory', groups: ['readers'] })}`,
    };
    tip = await postTip();
    await postTip({ topic: 'africa' });
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), limited?.stop()]);
  });

  describe('public routes', () => {
    it('GET /health 200 and GET /openapi.json 200', async () => {
      const health = await call('GET', '/health');
      const openapi = await call('GET', '/openapi.json');

      expect([health.status, openapi.status]).toEqual([200, 200]);
      expect([...health.violations, ...openapi.violations]).toEqual([]);
    });

    it('the pages: GET /, /follow-up, /staff 200 (HTML) and their assets 200, an unknown asset 404', async () => {
      const form = await call('GET', '/');
      const page = await form.res.text();
      const asset = /\/assets\/([\w.-]+\.js)/.exec(page)?.[1];
      const answers = [
        form,
        await call('GET', '/follow-up'),
        await call('GET', '/staff'),
        await call('GET', `/assets/${asset}`),
        await call('GET', '/assets/no-such-file.js'),
      ];

      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 404]);
      expect(answers.flatMap((a) => a.violations)).toEqual([]);
    });
  });

  describe('POST /tips', () => {
    it('201 (JSON)', async () => {
      const res = await call('POST', '/tips', json(validTip()));

      expect(res.status).toBe(201);
      expect(res.violations).toEqual([]);
    });

    it('201 (the receipt page, for a browser form post)', async () => {
      const form = new URLSearchParams({
        kind: 'tip',
        topic: 'europe',
        message: 'A form post about ferries',
        consent: 'on',
      });
      const res = await call('POST', '/tips', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: form.toString(),
      });

      expect(res.status).toBe(201);
      expect(res.violations).toEqual([]);
    });

    it('400 validation_failed', async () => {
      const res = await call('POST', '/tips', json({ kind: 'rumour', message: 'short' }));

      expect(res.status).toBe(400);
      expect(res.violations).toEqual([]);
    });

    it('400 malformed_body', async () => {
      const res = await call('POST', '/tips', json('{"kind": "tip",'));

      expect(res.status).toBe(400);
      expect(res.violations).toEqual([]);
    });

    it('413 payload_too_large', async () => {
      const res = await call('POST', '/tips', json(validTip({ message: 'x'.repeat(70 * 1024) })));

      expect(res.status).toBe(413);
      expect(res.violations).toEqual([]);
    });

    it('415 unsupported_media_type', async () => {
      const res = await call('POST', '/tips', { headers: { 'content-type': 'text/plain' }, body: 'a tip' });

      expect(res.status).toBe(415);
      expect(res.violations).toEqual([]);
    });

    it('422 idempotency_key_reused', async () => {
      const key = { 'idempotency-key': randomUUID() };
      await call('POST', '/tips', json(validTip(), key));

      const res = await call('POST', '/tips', json(validTip(), key));

      expect(res.status).toBe(422);
      expect(res.violations).toEqual([]);
    });

    it('429 rate_limited (a stack allowing one submit per client)', async () => {
      await call('POST', '/tips', json(validTip()), limited);

      const res = await call('POST', '/tips', json(validTip()), limited);

      expect(res.status).toBe(429);
      expect(res.violations).toEqual([]);
    });
  });

  describe('GET /tips', () => {
    it('200 with a nextCursor, and 200 on the last page (nextCursor null)', async () => {
      const first = await call('GET', '/tips?limit=1', { headers: staff });
      const { nextCursor } = (await first.res.json()) as { nextCursor: string };
      const last = await call('GET', '/tips?limit=100', { headers: staff });

      expect([first.status, last.status]).toEqual([200, 200]);
      expect(typeof nextCursor).toBe('string');
      expect(((await last.res.json()) as { nextCursor: unknown }).nextCursor).toBeNull();
      expect([...first.violations, ...last.violations]).toEqual([]);
    });

    it('400 invalid_cursor', async () => {
      const res = await call('GET', '/tips?cursor=not-a-cursor', { headers: staff });

      expect(res.status).toBe(400);
      expect(res.violations).toEqual([]);
    });

    it('400 validation_failed', async () => {
      const res = await call('GET', '/tips?limit=0&status=lost', { headers: staff });

      expect(res.status).toBe(400);
      expect(res.violations).toEqual([]);
    });

    it('401 without a token, 403 for a token outside the staff group', async () => {
      const anonymous = await call('GET', '/tips');
      const forbidden = await call('GET', '/tips', { headers: outsider });

      expect([anonymous.status, forbidden.status]).toEqual([401, 403]);
      expect([...anonymous.violations, ...forbidden.violations]).toEqual([]);
    });
  });

  describe('one tip', () => {
    it('GET /tips/{id} 200 and 404', async () => {
      const found = await call('GET', `/tips/${tip.id}`, { headers: staff });
      const missing = await call('GET', '/tips/01ARZ3NDEKTSV4RRFFQ69G5FAV', { headers: staff });

      expect([found.status, missing.status]).toEqual([200, 404]);
      expect([...found.violations, ...missing.violations]).toEqual([]);
    });

    it('GET /tips/{id} and GET /tips 200 for a tip with attachments, as documented', async () => {
      const withFiles = seedTip({
        createdAt: new Date(),
        topic: 'americas',
        attachments: typicalAttachments(),
      });
      const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
      await batchWriteTips(dynamo.doc, stack.env.TIPS_TABLE as string, [withFiles]).finally(() =>
        dynamo.client.destroy(),
      );

      const one = await call('GET', `/tips/${withFiles.id}`, { headers: staff });
      const list = await call('GET', '/tips?topic=americas', { headers: staff });

      expect([one.status, list.status]).toEqual([200, 200]);
      expect([...one.violations, ...list.violations]).toEqual([]);
      const attachments = (doc as unknown as { components: { schemas: Record<string, Json> } }).components
        .schemas.Tip?.properties as Json | undefined;
      expect(attachments).toHaveProperty('attachments');
    });

    it('PATCH /tips/{id} 200, 409 version_conflict, 409 invalid_transition, 428', async () => {
      const fresh = await postTip();
      const patch = (body: unknown, ifMatch?: string) =>
        call(
          'PATCH',
          `/tips/${fresh.id}`,
          json(body, { ...staff, ...(ifMatch ? { 'if-match': ifMatch } : {}) }),
        );

      const updated = await patch({ status: 'in-review', tags: ['ports'], note: 'checking' }, '"1"');
      const stale = await patch({ assignee: 'bob' }, '"1"');
      const leap = await patch({ status: 'new' }, '"2"');
      const blind = await patch({ assignee: 'bob' });

      expect([updated.status, stale.status, leap.status, blind.status]).toEqual([200, 409, 409, 428]);
      expect(((await stale.res.json()) as { error: string }).error).toBe('version_conflict');
      expect(((await leap.res.json()) as { error: string }).error).toBe('invalid_transition');
      expect([...updated.violations, ...stale.violations, ...leap.violations, ...blind.violations]).toEqual(
        [],
      );
    });

    it('GET /tips/export 200 as CSV and as JSON lines', async () => {
      const csv = await call('GET', '/tips/export?format=csv', { headers: staff });
      const jsonl = await call('GET', '/tips/export?format=jsonl', { headers: staff });

      expect([csv.status, jsonl.status]).toEqual([200, 200]);
      expect([...csv.violations, ...jsonl.violations]).toEqual([]);
    });
  });

  describe('attachment downloads', () => {
    it('POST /tips/{id}/attachments/{attachmentId}/download 200, 404, 409 attachment_pending, 400', async () => {
      const withFiles = seedTip({
        createdAt: new Date(),
        topic: 'africa',
        attachments: [
          attachmentRecord({ id: 'contract-photo' }),
          attachmentRecord({ id: 'contract-pending', cleaning: { status: 'pending', removed: [] } }),
        ],
      });
      const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
      await batchWriteTips(dynamo.doc, stack.env.TIPS_TABLE as string, [withFiles]).finally(() =>
        dynamo.client.destroy(),
      );
      const path = (id: string) => `/tips/${withFiles.id}/attachments/${id}/download`;

      const granted = await call('POST', path('contract-photo'), { headers: staff });
      const missing = await call('POST', path('no-such-file'), json({}, staff));
      const pending = await call('POST', path('contract-pending'), json({}, staff));
      const invalid = await call('POST', path('contract-photo'), json({ original: 'yes' }, staff));

      expect([granted.status, missing.status, pending.status, invalid.status]).toEqual([200, 404, 409, 400]);
      expect([
        ...granted.violations,
        ...missing.violations,
        ...pending.violations,
        ...invalid.violations,
      ]).toEqual([]);
    });
  });

  describe('uploads', () => {
    it('POST /uploads 201 (a grant) and 400', async () => {
      const granted = await call('POST', '/uploads', json({ submission: 'contract-submission-01' }));
      const refused = await call('POST', '/uploads', json({ submission: 'x' }));

      expect([granted.status, refused.status]).toEqual([201, 400]);
      expect([...granted.violations, ...refused.violations]).toEqual([]);
    });
  });

  describe('receipts', () => {
    it('GET /receipts/{code} 200 and 404', async () => {
      const found = await call('GET', `/receipts/${encodeURIComponent(tip.receipt)}`);
      const missing = await call('GET', '/receipts/ZZZZ-ZZZZ-ZZZ2');

      expect([found.status, missing.status]).toEqual([200, 404]);
      expect([...found.violations, ...missing.violations]).toEqual([]);
    });

    it('POST /receipts/{code}/messages 201 and 400', async () => {
      const path = `/receipts/${encodeURIComponent(tip.receipt)}/messages`;
      const added = await call('POST', path, json({ message: 'One more thing about the ferries.' }));
      const refused = await call('POST', path, json({ message: ' ', extra: 1 }));

      expect([added.status, refused.status]).toEqual([201, 400]);
      expect([...added.violations, ...refused.violations]).toEqual([]);
    });
  });

  it('exercised every operation of the document', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const exercised = new Set([...contract.seen].map((s) => s.split(' ').slice(0, 2).join(' ')));

    expect(operations.filter((op) => !exercised.has(op))).toEqual([]);
  });
});
