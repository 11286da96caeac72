import { describe, expect, it } from 'vitest';
import { errorBodySchema, errorBodySchemaFor } from '#core/api/response-schemas';
import { errorResponse } from '#core/http/error-response';
import {
  AttachmentInfectedError,
  AttachmentPendingError,
  ConversationFullError,
  ExportTooLargeError,
  ForbiddenError,
  HTTP_ERRORS,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InlineNotAllowedError,
  InternalError,
  InvalidCursorError,
  InvalidTransitionError,
  MailerError,
  MalformedBodyError,
  NotFoundError,
  OriginalNotKeptError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  RateLimitedError,
  ReceiptUnavailableError,
  RouteNotFoundError,
  ScanFailedError,
  ScanPendingError,
  StoreUnavailableError,
  StoreUnhealthyError,
  TipTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  VersionConflictError,
} from '#core/http/errors';
import { formToObject } from '#core/http/form-body';
import { header, MAX_BODY_BYTES, parseBody, wantsHtml } from '#core/http/request';
import { httpEvent } from '../../support/events';

const jsonEvent = (body: string, contentType = 'application/json') =>
  httpEvent({ headers: { 'content-type': contentType }, body });

describe('parseBody', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON; Charset="UTF-8"',
    'application/json;charset=utf8',
  ])('reads JSON sent as %s', (contentType) => {
    expect(parseBody(jsonEvent('{"kind":"tip","n":1}', contentType))).toEqual({
      mediaType: 'json',
      value: { kind: 'tip', n: 1 },
    });
  });

  it('reads a base64-encoded body (API Gateway encodes what it does not know as text)', () => {
    const text = JSON.stringify({ name: 'Rinkēvičs', message: 'مريم 👀' });
    const event = httpEvent({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(text).toString('base64'),
      isBase64Encoded: true,
    });
    expect(parseBody(event).value).toEqual({ name: 'Rinkēvičs', message: 'مريم 👀' });
  });

  it('reads a form post: checkboxes become booleans, empty inputs are left out, Unicode survives', () => {
    const form = new URLSearchParams({
      kind: 'tip',
      topic: 'europe',
      subject: '',
      message: 'line one\r\nline two & more',
      name: 'Rinkēvičs',
      anonymous: 'on',
      consent: 'on',
      website: '',
    }).toString();
    const parsed = parseBody(jsonEvent(form, 'application/x-www-form-urlencoded'));
    expect(parsed).toEqual({
      mediaType: 'form',
      value: {
        kind: 'tip',
        topic: 'europe',
        message: 'line one\r\nline two & more',
        name: 'Rinkēvičs',
        anonymous: true,
        consent: true,
      },
    });
  });

  it.each([
    ['on', true],
    ['true', true],
    ['1', true],
    ['off', false],
    ['', false],
  ])('form checkbox value %j means %j', (value, expected) => {
    expect(formToObject(`consent=${value}`)).toEqual({ consent: expected });
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['multipart/form-data', 'multipart/form-data; boundary=x'],
    ['JSON in Latin-1', 'application/json; charset=latin1'],
    ['a form in ISO-8859-1', 'application/x-www-form-urlencoded; charset=iso-8859-1'],
    ['application/jsonx', 'application/jsonx'],
  ])('refuses %s with UnsupportedMediaTypeError', (_, contentType) => {
    expect(() => parseBody(jsonEvent('{}', contentType))).toThrow(UnsupportedMediaTypeError);
  });

  it('refuses a body without a content type', () => {
    expect(() => parseBody(httpEvent({ headers: {}, body: '{}' }))).toThrow(UnsupportedMediaTypeError);
  });

  it('accepts exactly 64 KiB and refuses one byte more', () => {
    const exactly = `"${'x'.repeat(MAX_BODY_BYTES - 2)}"`;
    // A JSON string is not an object: reaching that check proves the size was accepted.
    expect(() => parseBody(jsonEvent(exactly))).toThrow(MalformedBodyError);
    expect(() => parseBody(jsonEvent(`"${'x'.repeat(MAX_BODY_BYTES - 1)}"`))).toThrow(PayloadTooLargeError);
  });

  it('counts bytes, not characters (multi-byte UTF-8)', () => {
    const chars = Math.ceil(MAX_BODY_BYTES / 4) + 10; // each emoji is 4 bytes in UTF-8
    expect(() => parseBody(jsonEvent(`{"m":"${'😀'.repeat(chars)}"}`))).toThrow(PayloadTooLargeError);
  });

  it('refuses 1 MB, plain or base64-encoded', () => {
    const big = JSON.stringify({ message: 'x'.repeat(1024 * 1024) });
    expect(() => parseBody(jsonEvent(big))).toThrow(PayloadTooLargeError);
    const encoded = httpEvent({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(big).toString('base64'),
      isBase64Encoded: true,
    });
    expect(() => parseBody(encoded)).toThrow(PayloadTooLargeError);
  });

  describe('form bodies: the limit is on the content, since percent-encoding triples the bytes', () => {
    const form = (fields: Record<string, string>) =>
      jsonEvent(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');

    it('accepts the longest valid message in Chinese (90 KB on the wire, 30 KB of content)', () => {
      const message = '北京消息'.repeat(2_500);
      const event = form({ message });
      expect(Buffer.byteLength(event.body ?? '')).toBeGreaterThan(MAX_BODY_BYTES);
      expect(parseBody(event).value).toEqual({ message });
    });

    it('refuses content over 64 KiB however it is encoded', () => {
      expect(() => parseBody(form({ message: 'x'.repeat(MAX_BODY_BYTES) }))).toThrow(PayloadTooLargeError);
      expect(() => parseBody(form({ message: '北'.repeat(MAX_BODY_BYTES / 3 + 1) }))).toThrow(
        PayloadTooLargeError,
      );
    });

    it('refuses a form body over 3 × 64 KiB on the wire', () => {
      const padding = '%20'.repeat(MAX_BODY_BYTES + 10);
      expect(() => parseBody(jsonEvent(`m=${padding}`, 'application/x-www-form-urlencoded'))).toThrow(
        PayloadTooLargeError,
      );
    });

    it('keeps JSON at 64 KiB on the wire', () => {
      const message = '北京消息'.repeat(6_000);
      expect(() => parseBody(jsonEvent(JSON.stringify({ message })))).toThrow(PayloadTooLargeError);
    });
  });

  it.each([
    ['broken JSON', '{"kind": "tip",'],
    ['an empty body', ''],
    ['a JSON array', '[{"kind":"tip"}]'],
    ['JSON null', 'null'],
    ['a JSON string', '"a tip"'],
    ['a JSON number', '42'],
  ])('refuses %s as malformed', (_, body) => {
    expect(() => parseBody(jsonEvent(body))).toThrow(MalformedBodyError);
  });

  it('refuses bytes that are not UTF-8', () => {
    const event = httpEvent({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('base64'),
      isBase64Encoded: true,
    });
    expect(() => parseBody(event)).toThrow(MalformedBodyError);
  });
});

describe('headers and content negotiation', () => {
  it('reads headers case-insensitively', () => {
    const event = httpEvent({ headers: { 'Content-Type': 'application/json', ACCEPT: 'text/html' } });
    expect(header(event, 'content-type')).toBe('application/json');
    expect(header(event, 'Accept')).toBe('text/html');
    expect(header(event, 'x-missing')).toBeUndefined();
  });

  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const FORM = 'application/x-www-form-urlencoded';
  it.each([
    ['a browser posting its form', FORM, BROWSER, true],
    ['a browser form with a charset', `${FORM}; charset=UTF-8`, BROWSER, true],
    ['a form from a JSON client', FORM, 'application/json', false],
    ['a form from curl', FORM, '*/*', false],
    ['a JSON body, whatever it accepts', 'application/json', BROWSER, false],
    ['a JSON body from a JSON client', 'application/json', 'application/json', false],
  ])('wantsHtml for %s: %s', (_, contentType, accept, expected) => {
    expect(wantsHtml(httpEvent({ headers: { 'content-type': contentType, accept } }))).toBe(expected);
  });

  it('no Accept header means JSON', () => {
    expect(wantsHtml(httpEvent({ headers: { 'content-type': FORM } }))).toBe(false);
  });
});

describe('errorResponse: the one error → HTTP mapping', () => {
  const cases: [string, unknown, number, string, Record<string, string>?][] = [
    ['validation', new ValidationError([{ path: 'email', message: 'bad' }]), 400, 'validation_failed'],
    ['malformed', new MalformedBodyError('not JSON'), 400, 'malformed_body'],
    ['too large', new PayloadTooLargeError(MAX_BODY_BYTES), 413, 'payload_too_large'],
    ['media type', new UnsupportedMediaTypeError('text/plain'), 415, 'unsupported_media_type'],
    ['rate limited', new RateLimitedError(30), 429, 'rate_limited', { 'retry-after': '30' }],
    ['store down', new StoreUnavailableError(7), 503, 'unavailable', { 'retry-after': '7' }],
    ['not found', new NotFoundError('no tip x'), 404, 'not_found'],
  ];

  it.each(cases)('%s → its status and code', (_, err, status, code, headers = {}) => {
    const res = errorResponse(err, 'req-1');
    expect(res.statusCode).toBe(status);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', ...headers });
    const body = JSON.parse(res.body as string);
    expect(body.error).toBe(code);
    expect(typeof body.message).toBe('string');
  });

  /** One of each registered error, with the extra body fields its answer must carry. */
  const everyError: [unknown, Record<string, unknown>][] = [
    [
      new ValidationError([{ path: 'email', message: 'bad' }]),
      { issues: [{ path: 'email', message: 'bad' }], issueCount: 1 },
    ],
    [new MalformedBodyError('not JSON'), {}],
    [new InvalidCursorError(), {}],
    [new UnauthorizedError('a staff token is required'), {}],
    [new ForbiddenError('staff only'), {}],
    [new NotFoundError('no tip x'), { message: 'no such resource' }],
    [new RouteNotFoundError('DELETE /tips/{id}'), { message: 'no route DELETE /tips/{id}' }],
    [new VersionConflictError(4, 3), { currentVersion: 4 }],
    [
      new InvalidTransitionError('new', 'published', ['in-review'], 2),
      { from: 'new', to: 'published', allowed: ['in-review'], currentVersion: 2 },
    ],
    [new IdempotencyInProgressError(), {}],
    [new ReceiptUnavailableError(), {}],
    [new ConversationFullError(), {}],
    [new AttachmentPendingError(), {}],
    [new OriginalNotKeptError(), {}],
    [new InlineNotAllowedError(), {}],
    [new ScanPendingError(), {}],
    [new ScanFailedError('FAILED'), {}],
    [new AttachmentInfectedError(), {}],
    [new TipTooLargeError(358_400), { limitBytes: 358_400 }],
    [new PayloadTooLargeError(MAX_BODY_BYTES), { limitBytes: MAX_BODY_BYTES }],
    [new UnsupportedMediaTypeError('text/plain'), {}],
    [new IdempotencyKeyReusedError(), {}],
    [new ExportTooLargeError(5_000_000), { limitBytes: 5_000_000 }],
    [new PreconditionRequiredError('send If-Match'), {}],
    [new RateLimitedError(30), {}],
    [new InternalError('req-1'), { requestId: 'req-1', message: 'something went wrong on our side' }],
    [new StoreUnavailableError(7), {}],
    [new StoreUnhealthyError(5), { ok: false, message: 'the store does not answer' }],
  ];

  it('has one case here for every registered error', () => {
    expect(everyError.map(([err]) => (err as object).constructor)).toEqual([...HTTP_ERRORS]);
  });

  it.each(everyError)('%s answers with its class status, code, headers and fields', (err, fields) => {
    const kind = (err as object).constructor as (typeof HTTP_ERRORS)[number];

    const res = errorResponse(err, 'req-1');

    expect(res.statusCode).toBe(kind.status);
    for (const name of kind.headers) expect(res.headers[name.toLowerCase()]).toMatch(/\S/);
    const body = JSON.parse(res.body as string);
    expect(body).toMatchObject({ error: kind.code, message: expect.any(String), ...fields });
    // The documented body of its code, and the generic Error every client can read.
    expect(errorBodySchemaFor(kind.code).safeParse(body).error).toBeUndefined();
    expect(errorBodySchema.safeParse(body).error).toBeUndefined();
  });

  it('shows a server error only its generic message, a client error its own', () => {
    const down = JSON.parse(errorResponse(new StoreUnavailableError(5), 'r').body as string);
    const refused = JSON.parse(
      errorResponse(new ForbiddenError('only staff may do this'), 'r').body as string,
    );

    expect(down.message).toBe('the tip store is unavailable; try again shortly');
    expect(refused.message).toBe('only staff may do this');
  });

  it('sends the version now stored as ETag on a conflict, and Bearer on a 401', () => {
    expect(errorResponse(new VersionConflictError(4, 3), 'r').headers.etag).toBe('"4"');
    expect(errorResponse(new UnauthorizedError('no token'), 'r').headers['www-authenticate']).toBe('Bearer');
  });

  it('lists every validation issue', () => {
    const issues = [
      { path: 'email', message: 'enter a valid email address' },
      { path: 'consent', message: 'please accept' },
    ];
    expect(JSON.parse(errorResponse(new ValidationError(issues), 'r').body as string).issues).toEqual(issues);
  });

  it('lists the first 20 issues with the total count, each path and message cut to 200 characters', () => {
    const many = Array.from({ length: 5_000 }, (_, n) => ({
      path: `field${n}`,
      message: `field${n} is unknown`,
    }));
    const long = { path: 'p'.repeat(60_000), message: `${'p'.repeat(60_000)} is not a field of a tip` };

    const capped = JSON.parse(errorResponse(new ValidationError(many), 'r').body as string);
    const cut = JSON.parse(errorResponse(new ValidationError([long]), 'r').body as string);

    expect(capped.issues).toEqual(many.slice(0, 20));
    expect(capped.issueCount).toBe(5_000);
    expect(cut.issues[0].path).toHaveLength(200);
    expect(cut.issues[0].message).toHaveLength(200);
    expect(cut.issues[0].path.endsWith('…')).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('secret table name tips-prod and stack')],
    ['a MailerError', new MailerError('SES refused (Throttling)', true)],
    ['a thrown string', 'boom'],
  ])('turns %s into a generic 500 that names the request and leaks nothing', (_, err) => {
    const res = errorResponse(err, 'req-42');
    expect(res.statusCode).toBe(500);
    const body = JSON.parse(res.body as string);
    expect(body).toEqual({
      error: 'internal',
      message: 'something went wrong on our side',
      requestId: 'req-42',
    });
    expect(res.body).not.toMatch(/secret|SES|boom|stack/);
  });
});
