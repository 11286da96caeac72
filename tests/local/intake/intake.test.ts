import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formToObject } from '#core/http/form-body';
import { MAX_BODY_BYTES } from '#core/http/request';
import { makeSubmitTip } from '#core/intake/submit-tip';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { RECEIPT_PATTERN } from '#core/tips/receipt-code';
import { makeStoreHealth } from '#core/tips/store-health';
import { escapeHtml } from '#core/tips/text-safety';
import { fieldIssues, tipSubmissionSchema } from '#core/tips/tip-schema';
import { makeTipStore } from '#core/tips/tip-store';
import { type IntakeHandler, makeIntakeHandler } from '../../../functions/intake/make-intake-handler';
import { freePort } from '../../../local/stack/emulators';
import type { LocalStack } from '../../../local/stack/stack';
import { httpEvent } from '../../support/events';
import {
  emailsMentioning,
  eventually,
  makeTestTable,
  type TestTable,
  testReceiptKeys,
  validTip,
} from '../../support/local-env';
import { capturingLogger, quietLogger } from '../../support/quiet-logger';
import { startTestStack } from '../../support/test-stack';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function intakeFor(table: Pick<TestTable, 'dynamo' | 'tableName'>): IntakeHandler {
  const store = makeTipStore({ doc: table.dynamo.doc, tableName: table.tableName });
  return makeIntakeHandler({
    submitTip: makeSubmitTip({ store, receiptKeys: testReceiptKeys }),
    storeHealth: makeStoreHealth({ client: table.dynamo.client, tableName: table.tableName }),
    logger: quietLogger(),
  });
}

const jsonPost = (body: unknown, headers: Record<string, string> = {}) =>
  httpEvent({ headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const formBody = (fields: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(fields).map(([k, v]) => [k, v === true ? 'on' : String(v)] as [string, string]),
  ).toString();

/** What the schema says about a form post: field → its messages joined, as the page shows them (case aside). */
function expectedIssues(fields: Record<string, unknown>): Record<string, string> {
  const result = tipSubmissionSchema.safeParse(formToObject(formBody(fields)));
  const byField: Record<string, string[]> = {};
  for (const issue of result.success ? [] : fieldIssues(result.error)) {
    byField[issue.path] = [...(byField[issue.path] ?? []), issue.message];
  }
  return Object.fromEntries(Object.entries(byField).map(([f, m]) => [f, escapeHtml(m.join('; '))]));
}

/** The text of the visible error element tied to a field (`<field>-error`), if there is one. */
function errorBeside(page: string, field: string): string | undefined {
  const match = new RegExp(`<(\\w+)([^>]*\\bid="${field}-error"[^>]*)>([^<]*)</\\1>`).exec(page);
  if (!match || /\bhidden\b/.test(match[2] ?? '') || (match[3] ?? '') === '') return undefined;
  return match[3];
}

/** The opening tag of a field's control (input, select or textarea). */
function controlTag(page: string, field: string): string {
  return new RegExp(`<(?:input|select|textarea)[^>]*\\bid="${field}"[^>]*>`).exec(page)?.[0] ?? '';
}

/** The receipt code shown on a receipt page (the element with id="receipt"). */
function receiptOn(page: string): string | undefined {
  return /<\w+[^>]*\bid="receipt"[^>]*>\s*([^<]+?)\s*</.exec(page)?.[1];
}

function bodyOf(res: { body?: string }): Record<string, unknown> {
  return JSON.parse(res.body ?? '') as Record<string, unknown>;
}

describe('intake handler against dynalite', () => {
  let table: TestTable;
  let intake: IntakeHandler;

  beforeAll(async () => {
    table = await makeTestTable('intake');
    intake = intakeFor(table);
  });

  async function stored(id: string) {
    const { Item } = await table.dynamo.doc.send(
      new GetCommand({ TableName: table.tableName, Key: { id }, ConsistentRead: true }),
    );
    return Item;
  }

  describe('accepted tips', () => {
    it('answers 201 {id, receipt, status} for JSON and stores the tip, normalised', async () => {
      const tip = validTip({
        message: '  First line\r\nsecond line\r\n',
        name: 'Rinkēvičs',
        email: 'reader@example.org',
        website: '',
      });

      const res = await intake(jsonPost(tip));

      expect(res.statusCode).toBe(201);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = bodyOf(res);
      expect(body).toEqual({
        id: expect.stringMatching(ULID),
        receipt: expect.stringMatching(RECEIPT_PATTERN),
        status: 'received',
      });
      expect(res.headers.location).toBe(`/tips/${body.id}`);
      const item = await stored(body.id as string);
      expect(item).toMatchObject({
        id: body.id,
        gsi_receipt: testReceiptKeys.lookupKey(body.receipt as string),
        kind: 'tip',
        topic: 'europe',
        subject: 'Port closures',
        message: 'First line\nsecond line',
        name: 'Rinkēvičs',
        email: 'reader@example.org',
        anonymous: false,
        status: 'new',
        version: 1,
        gsi_all: 'TIP',
        gsi_status: 'new',
        history: [{ by: 'reader', action: 'received', to: 'new' }],
      });
      // The honeypot and the consent flag are checks, not data.
      expect(item).not.toHaveProperty('website');
      expect(item).not.toHaveProperty('consent');
      expect(item).not.toHaveProperty('quarantineReason');
      // The receipt code is the reader's credential: stored only as its keyed hash.
      expect(item).not.toHaveProperty('receipt');
      expect(JSON.stringify(item)).not.toContain(body.receipt as string);
    });

    it.each([
      ['Latvian', 'Edgars Rinkēvičs'],
      ['Arabic (RTL)', 'مريم'],
      ['emoji', 'Ana 👩‍💻'],
    ])('keeps a %s name exactly', async (_, name) => {
      const res = await intake(jsonPost(validTip({ name })));
      expect(res.statusCode).toBe(201);
      expect((await stored(bodyOf(res).id as string))?.name).toBe(name);
    });

    it('accepts a form-urlencoded post from a JSON client (JSON back)', async () => {
      const tip = validTip({ anonymous: true, topic: 'middle-east' });

      const res = await intake(
        httpEvent({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(tip) }),
      );

      expect(res.statusCode).toBe(201);
      const item = await stored(bodyOf(res).id as string);
      expect(item).toMatchObject({ topic: 'middle-east', anonymous: true, message: tip.message });
    });

    it.each([
      ['JSON', 'application/json; charset=utf-8', (t: Record<string, unknown>) => JSON.stringify(t)],
      ['a form', 'application/x-www-form-urlencoded', formBody],
    ])('decodes a base64-encoded %s body', async (_, contentType, encode) => {
      const tip = validTip({ name: 'مريم Rinkēvičs 🕊️' });

      const res = await intake(
        httpEvent({
          headers: { 'content-type': contentType },
          body: Buffer.from(encode(tip)).toString('base64'),
          isBase64Encoded: true,
        }),
      );

      expect(res.statusCode).toBe(201);
      expect(await stored(bodyOf(res).id as string)).toMatchObject({
        name: 'مريم Rinkēvičs 🕊️',
        message: tip.message,
      });
    });

    it('quarantines a filled honeypot, answering exactly as for any tip', async () => {
      const genuine = await intake(jsonPost(validTip()));
      const res = await intake(jsonPost(validTip({ website: 'http://cheap-pills.example' })));

      expect(res.statusCode).toBe(201);
      expect(Object.keys(res.headers).sort()).toEqual(Object.keys(genuine.headers).sort());
      const body = bodyOf(res);
      expect(Object.keys(body).sort()).toEqual(['id', 'receipt', 'status']);
      expect(body).toEqual({
        id: expect.stringMatching(ULID),
        receipt: expect.stringMatching(RECEIPT_PATTERN),
        status: 'received',
      });
      expect(await stored(body.id as string)).toMatchObject({
        status: 'quarantined',
        quarantineReason: 'honeypot',
        gsi_status: 'quarantined',
        history: [{ action: 'received', to: 'quarantined', reason: 'honeypot' }],
      });
    });
  });

  describe('refused requests', () => {
    it('400 naming attachments for a tip with files where uploads are not set up (no verifyUploads)', async () => {
      const res = await intake(
        jsonPost(validTip({ submission: 'form-submission-0123', attachments: ['u1.x.y'] })),
      );

      expect(res.statusCode).toBe(400);
      expect(bodyOf(res)).toMatchObject({
        error: 'validation_failed',
        issues: [{ path: 'attachments', message: 'this tip line does not take files' }],
      });
    });

    it('413 for a 1 MB body', async () => {
      const res = await intake(jsonPost(validTip({ message: 'x'.repeat(1024 * 1024) })));
      expect(res.statusCode).toBe(413);
      expect(bodyOf(res)).toMatchObject({ error: 'payload_too_large', limitBytes: MAX_BODY_BYTES });
    });

    it.each([
      ['text/plain', { 'content-type': 'text/plain' }],
      ['no content type', {}],
      ['JSON declared as Latin-1', { 'content-type': 'application/json; charset=latin1' }],
      ['multipart', { 'content-type': 'multipart/form-data; boundary=xyz' }],
    ])('415 for %s', async (_, headers) => {
      const res = await intake(httpEvent({ headers, body: JSON.stringify(validTip()) }));
      expect(res.statusCode).toBe(415);
      expect(bodyOf(res)).toMatchObject({ error: 'unsupported_media_type' });
    });

    it.each([
      ['broken JSON', '{"kind":"tip","message":'],
      ['a JSON array', JSON.stringify([validTip()])],
      ['JSON null', 'null'],
      ['a JSON string', '"hello desk"'],
      ['an empty body', ''],
    ])('400 malformed_body for %s', async (_, body) => {
      const res = await intake(httpEvent({ headers: { 'content-type': 'application/json' }, body }));
      expect(res.statusCode).toBe(400);
      expect(bodyOf(res)).toMatchObject({ error: 'malformed_body', message: expect.any(String) });
    });

    it('400 validation_failed listing every field issue', async () => {
      const res = await intake(
        jsonPost({
          kind: 'rumour',
          topic: 'mars',
          subject: 'Hi\r\nBcc: evil@example.org',
          message: 'short',
          name: 'n'.repeat(101),
          email: 'not-an-address',
          phone: 'call me',
          sourceUrl: 'javascript:alert(1)',
          consent: false,
          isAdmin: true,
        }),
      );

      expect(res.statusCode).toBe(400);
      const body = bodyOf(res) as { error: string; issues: { path: string; message: string }[] };
      expect(body.error).toBe('validation_failed');
      expect([...new Set(body.issues.map((i) => i.path))].sort()).toEqual(
        [
          'consent',
          'email',
          'isAdmin',
          'kind',
          'message',
          'name',
          'phone',
          'sourceUrl',
          'subject',
          'topic',
        ].sort(),
      );
      for (const issue of body.issues) expect(issue.message.length).toBeGreaterThan(5);
    });

    it('400 for anonymous with contact details, naming each field', async () => {
      const res = await intake(jsonPost(validTip({ anonymous: true, name: 'Ana', phone: '+1 555 0100' })));
      expect(res.statusCode).toBe(400);
      expect((bodyOf(res).issues as { path: string }[]).map((i) => i.path)).toEqual(['name', 'phone']);
    });

    it('never a 500 or a stack trace for odd input', async () => {
      for (const body of [
        '{"__proto__":{"admin":true}}',
        '{"kind":{"$ne":null}}',
        '{}',
        '{"message":1e400}',
      ]) {
        const res = await intake(httpEvent({ headers: { 'content-type': 'application/json' }, body }));
        expect(res.statusCode).toBe(400);
        expect(res.body).not.toMatch(/at .+\.ts:\d+/);
      }
    });
  });

  it('answers any JSON with 201 or a 400 naming the problem, never a 500', async () => {
    const fields = [
      'kind',
      'topic',
      'subject',
      'message',
      'name',
      'email',
      'phone',
      'anonymous',
      'sourceUrl',
      'consent',
      'website',
    ];
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'grapheme', maxLength: 120 }));
    // A valid tip with some fields replaced, removed or added: near the edge, where bugs live.
    const submission = fc
      .tuple(
        fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: 3 }),
        fc.subarray(fields, { maxLength: 2 }),
        fc.option(fc.dictionary(fc.string({ maxLength: 12 }), value, { minKeys: 1, maxKeys: 1 })),
      )
      .map(([replaced, removed, extra]) => {
        const tip: Record<string, unknown> = { ...validTip(), ...replaced };
        for (const f of removed) delete tip[f];
        return { ...tip, ...(extra ?? {}) };
      });
    const seen = new Set<number>();

    await fc.assert(
      fc.asyncProperty(submission, async (tip) => {
        const res = await intake(jsonPost(tip));
        seen.add(res.statusCode);
        expect([201, 400]).toContain(res.statusCode);
        const body = bodyOf(res);
        if (res.statusCode === 201) expect(body.status).toBe('received');
        else {
          expect(body.error).toBe('validation_failed');
          expect((body.issues as unknown[]).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 120 },
    );
    expect([...seen].sort()).toEqual([201, 400]);
  });

  describe('a browser form post without JavaScript gets HTML, never raw JSON', () => {
    const browserPost = (fields: Record<string, unknown>) =>
      httpEvent({
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: BROWSER_ACCEPT },
        body: formBody(fields),
      });

    it('a JSON body asking for HTML still gets JSON (only the plain form gets pages)', async () => {
      const ok = await intake(jsonPost(validTip(), { accept: BROWSER_ACCEPT }));
      const bad = await intake(jsonPost(validTip({ consent: false }), { accept: BROWSER_ACCEPT }));

      expect([ok.statusCode, bad.statusCode]).toEqual([201, 400]);
      expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(bodyOf(bad)).toMatchObject({ error: 'validation_failed', issues: [{ path: 'consent' }] });
    });

    it('201 with a receipt page', async () => {
      const res = await intake(browserPost(validTip({ kind: 'question', consent: true })));

      expect(res.statusCode).toBe(201);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      const page = res.body ?? '';
      expect(page).toMatch(/^<!doctype html>/i);
      expect(receiptOn(page)).toMatch(RECEIPT_PATTERN);
      expect(page).toMatch(/question/);
    });

    it('201 for the longest valid message in a non-Latin script (percent-encoding triples its bytes)', async () => {
      // 10,000 CJK characters: 30 KB as UTF-8, 90 KB once the browser form-encodes them.
      const message = '北京消息'.repeat(2_500);
      const res = await intake(browserPost(validTip({ message, subject: '台北'.repeat(100) })));

      expect(res.statusCode).toBe(201);
      expect(receiptOn(res.body ?? '')).toMatch(RECEIPT_PATTERN);
    });

    it('413 as a page, not JSON, when even the decoded form is over the limit', async () => {
      const res = await intake(browserPost(validTip({ message: 'x'.repeat(MAX_BODY_BYTES + 1) })));

      expect(res.statusCode).toBe(413);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toMatch(/<form[^>]*action="\/tips"/);
      expect(res.body).toMatch(/role="alert"/);
    });

    it('400 with the form again, each error beside its field and the reader’s input kept, escaped', async () => {
      const fields = {
        kind: 'tip',
        topic: 'europe',
        message: 'See <script>alert(1)</script> — Rinkēvičs said so',
        email: 'nope',
        phone: 'call me',
      };
      const expected = expectedIssues(fields);
      expect(Object.keys(expected).sort()).toEqual(['consent', 'email', 'phone']);

      const res = await intake(browserPost(fields));

      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      const page = res.body ?? '';
      expect(page).toMatch(/^<!doctype html>/i);
      expect(page).toMatch(/<form[^>]*method="post"[^>]*action="\/tips"/);
      for (const [field, message] of Object.entries(expected)) {
        expect(errorBeside(page, field)?.toLowerCase()).toBe(message.toLowerCase());
        const control = controlTag(page, field);
        expect(control).toContain('aria-invalid="true"');
        expect(control).toMatch(new RegExp(`aria-describedby="[^"]*\\b${field}-error\\b`));
      }
      for (const field of ['kind', 'topic', 'subject', 'message', 'name', 'sourceUrl']) {
        expect(errorBeside(page, field)).toBeUndefined();
        expect(controlTag(page, field)).not.toContain('aria-invalid');
      }
      // What the reader typed comes back, as text.
      expect(page).not.toContain('<script>alert(1)</script>');
      expect(page).toContain('See &lt;script&gt;alert(1)&lt;/script&gt; — Rinkēvičs said so</textarea>');
      expect(page).toMatch(/<option value="europe" selected>/);
      expect(controlTag(page, 'email')).toContain('value="nope"');
    });
  });

  it('logs ids, kinds, topics and statuses, never the tip text or contact details', async () => {
    const { logger, lines } = capturingLogger('tipline-intake');
    const handler = makeIntakeHandler({
      submitTip: makeSubmitTip({ store: table.store, receiptKeys: testReceiptKeys }),
      storeHealth: makeStoreHealth({ client: table.dynamo.client, tableName: table.tableName }),
      logger,
    });
    const secret = {
      subject: 'Secret subject Zx81',
      message: 'Secret message about the minister Qv93 and more words',
      name: 'Secret Name Rinkēvičs',
      email: 'secret.reader@example.org',
      phone: '+44 20 7946 0000',
    };

    const stored = await handler(jsonPost(validTip(secret)));
    const refused = await handler(jsonPost(validTip({ ...secret, email: 'secret-bad-address' })));
    const trapped = await handler(jsonPost(validTip({ ...secret, website: 'http://secret-spam.example' })));
    const output = lines();

    expect([stored.statusCode, refused.statusCode, trapped.statusCode]).toEqual([201, 400, 201]);
    const text = output.join('\n');
    expect(text).toContain(bodyOf(stored).id as string);
    expect(text).toContain('quarantined');
    for (const value of [...Object.values(secret), 'secret-bad-address', 'secret-spam', 'Rinkēvičs']) {
      expect(text).not.toContain(value);
    }
    for (const line of output) expect(() => JSON.parse(line)).not.toThrow();
  });

  describe('GET /health', () => {
    it('200 {ok:true} when the store answers', async () => {
      const res = await intake(httpEvent({ method: 'GET', path: '/health', headers: {} }));
      expect(res.statusCode).toBe(200);
      expect(bodyOf(res)).toEqual({ ok: true });
    });

    it('503 with Retry-After when the table is missing', async () => {
      const res = await intakeFor({ dynamo: table.dynamo, tableName: 'no-such-table' })(
        httpEvent({ method: 'GET', path: '/health', headers: {} }),
      );
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
    });
  });

  describe('when the store is unreachable (a closed port)', () => {
    let down: IntakeHandler;
    beforeAll(async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      down = intakeFor({
        dynamo: makeDynamoClients({ region: 'us-east-1', endpoint: closed }),
        tableName: 'tips',
      });
    });

    it('GET /health answers 503, not 500', async () => {
      const res = await down(httpEvent({ method: 'GET', path: '/health', headers: {} }));
      expect(res.statusCode).toBe(503);
      expect(bodyOf(res)).toMatchObject({ ok: false, error: 'unavailable' });
      expect(res.headers['retry-after']).toBe('5');
    });

    it('POST /tips answers 503 unavailable with Retry-After, JSON or HTML', async () => {
      const res = await down(jsonPost(validTip()));
      expect(res.statusCode).toBe(503);
      expect(bodyOf(res)).toMatchObject({ error: 'unavailable' });
      expect(res.headers['retry-after']).toBe('5');

      const page = await down(
        httpEvent({
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: BROWSER_ACCEPT },
          body: formBody(validTip()),
        }),
      );
      expect(page.statusCode).toBe(503);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('Nothing was lost');
    });
  });
});

describe('intake through the local gateway (real HTTP)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('intake-gw', { retryDelayMs: 20 });
  });
  afterAll(async () => stack?.stop());

  const post = (body: RequestInit['body'], headers: Record<string, string>) =>
    fetch(`${stack.apiUrl}/tips`, { method: 'POST', headers, body });

  async function getItem(id: string) {
    const { doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const { Item } = await doc.send(new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id } }));
    return Item;
  }

  it('201 for JSON and for a form post, both stored', async () => {
    const asJson = await post(JSON.stringify(validTip()), { 'content-type': 'application/json' });
    const asForm = await post(formBody(validTip({ name: 'Rinkēvičs' })), {
      'content-type': 'application/x-www-form-urlencoded',
    });

    expect(asJson.status).toBe(201);
    expect(asForm.status).toBe(201);
    for (const res of [asJson, asForm]) {
      const { id } = (await res.json()) as { id: string };
      expect((await getItem(id))?.id).toBe(id);
    }
  });

  it('413 for a 1 MB body', async () => {
    const res = await post(JSON.stringify(validTip({ message: 'x'.repeat(1024 * 1024) })), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['charset=latin1', 'application/json; charset=latin1'],
  ])('415 for %s', async (_, contentType) => {
    const res = await post(JSON.stringify(validTip()), { 'content-type': contentType });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('415 without a content type', async () => {
    // A byte body makes fetch send no content-type at all.
    const res = await post(new TextEncoder().encode(JSON.stringify(validTip())), {});
    expect(res.status).toBe(415);
  });

  it('400 malformed_body for broken JSON and for an array', async () => {
    for (const body of ['{"kind":', '[1,2]']) {
      const res = await post(body, { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'malformed_body' });
    }
  });

  it('a honeypot tip gets the same 201, is stored quarantined, and never alerts the desk', async () => {
    const honeypot = validTip({ website: 'http://cheap-pills.example' });
    const genuine = validTip();

    const trapped = await post(JSON.stringify(honeypot), { 'content-type': 'application/json' });
    const real = await post(JSON.stringify(genuine), { 'content-type': 'application/json' });
    await stack.feed.drained();

    expect(trapped.status).toBe(real.status);
    const trappedBody = (await trapped.json()) as { id: string; receipt: string; status: string };
    const realBody = (await real.json()) as { id: string };
    expect(Object.keys(trappedBody).sort()).toEqual(['id', 'receipt', 'status']);
    expect(await getItem(trappedBody.id)).toMatchObject({
      status: 'quarantined',
      quarantineReason: 'honeypot',
    });
    // The feed delivered both records: the genuine tip was alerted, the trapped one was not.
    await eventually(async () => ((await emailsMentioning(realBody.id)).length === 1 ? true : undefined));
    expect(await emailsMentioning(trappedBody.id)).toEqual([]);
    expect(await emailsMentioning(honeypot.message as string)).toEqual([]);
    expect((await getItem(trappedBody.id))?.alertedAt).toBeUndefined();
  });

  it('a browser form post gets the HTML receipt page', async () => {
    const res = await post(formBody(validTip()), {
      'content-type': 'application/x-www-form-urlencoded',
      accept: BROWSER_ACCEPT,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(receiptOn(await res.text())).toMatch(RECEIPT_PATTERN);
  });

  it('a browser form post with an error gets the form again, not JSON', async () => {
    const fields = { kind: 'tip', topic: 'europe', message: 'too short' };
    const res = await post(formBody(fields), {
      'content-type': 'application/x-www-form-urlencoded',
      accept: BROWSER_ACCEPT,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await res.text();
    expect(page).toMatch(/<form[^>]*method="post"[^>]*action="\/tips"/);
    const expected = expectedIssues(fields);
    expect(Object.keys(expected).sort()).toEqual(['consent', 'message']);
    for (const [field, message] of Object.entries(expected)) {
      expect(errorBeside(page, field)?.toLowerCase()).toBe(message.toLowerCase());
    }
  });

  it('GET /health answers 200 {ok:true}', async () => {
    const res = await fetch(`${stack.apiUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
