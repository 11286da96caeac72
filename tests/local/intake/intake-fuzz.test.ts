import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TIP_TOPICS } from '#core/tips/tip-schema';
import { httpEvent } from '../../support/events';
import { testReceiptKeys } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import { makeReliableIntake, type ReliableIntake } from '../../support/reliability-helpers';

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const message = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 10, maxLength: 120 }),
  fc.constantFrom(
    'Ferries stopped at Tallinn port this morning',
    'Рінкевичс сказав, що кордон закрито',
    'قال المتحدث إن المعبر مغلق',
  ),
  text,
);

/** Near-valid tips: every field sometimes right, sometimes wrong, sometimes missing. */
const tipLike = fc.record(
  {
    kind: fc.oneof(fc.constantFrom('tip', 'question'), text),
    topic: fc.oneof(fc.constantFrom(...TIP_TOPICS), text),
    subject: text,
    message,
    name: text,
    email: fc.oneof(fc.emailAddress(), text),
    phone: fc.oneof(fc.constantFrom('+44 20 7946 0958', '(555) 010-0000'), text),
    anonymous: fc.oneof(fc.boolean(), text),
    sourceUrl: fc.oneof(fc.webUrl(), text),
    consent: fc.oneof(fc.constant(true), fc.constant(true), fc.boolean(), text),
    website: fc.oneof(fc.constant(''), text),
    formToken: text,
    extra: text,
  },
  { requiredKeys: [] },
);

/** Tips the schema accepts, in many shapes: these reach the spam checks, idempotency and the store. */
const validTipArb = fc.record(
  {
    kind: fc.constantFrom('tip', 'question'),
    topic: fc.constantFrom(...TIP_TOPICS),
    subject: fc.constantFrom('Port closures', 'Rinkēvičs on the border', 'سؤال'),
    message: fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 12, maxLength: 200 }).filter((m) => m.trim().length >= 10),
      fc.uuid().map((u) => `Ferries stopped at Tallinn this morning ${u}`),
    ),
    email: fc.constantFrom('reader@example.org', 'jānis@example.lv'),
    phone: fc.constantFrom('+44 20 7946 0958', '(555) 010-0000'),
    consent: fc.constant(true),
    website: fc.constantFrom('', 'http://bot.example'),
  },
  { requiredKeys: ['kind', 'topic', 'message', 'consent'] },
);

const mediaType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON; charset="UTF-8"',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data; boundary=x',
    '',
  ),
  fc.string({ maxLength: 30 }),
);

const body = fc.oneof(
  { weight: 5, arbitrary: validTipArb.map((t) => ({ raw: JSON.stringify(t), base64: false })) },
  { weight: 3, arbitrary: tipLike.map((t) => ({ raw: JSON.stringify(t), base64: false })) },
  {
    weight: 2,
    arbitrary: fc.oneof(validTipArb, tipLike).map((t) => ({
      raw: new URLSearchParams(
        Object.entries(t).map(([k, v]) => [k, v === true ? 'on' : String(v)] as [string, string]),
      ).toString(),
      base64: false,
    })),
  },
  { weight: 1, arbitrary: fc.json().map((raw) => ({ raw, base64: false })) },
  { weight: 1, arbitrary: text.map((raw) => ({ raw, base64: false })) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 64 })
      .map((b) => ({ raw: Buffer.from(b).toString('base64'), base64: true })),
  },
  { weight: 1, arbitrary: fc.constant({ raw: 'x'.repeat(70 * 1024), base64: false }) },
);

const request = fc.record({
  body,
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
    { weight: 2, arbitrary: fc.constant('application/x-www-form-urlencoded') },
    { weight: 2, arbitrary: mediaType },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
  html: fc.boolean(),
  // A small pool: the same key comes back, sometimes with another body.
  idempotencyKey: fc.option(fc.oneof(fc.constantFrom('k1', 'k2', 'k3'), fc.string({ maxLength: 20 })), {
    nil: undefined,
  }),
  sourceIp: fc.constantFrom('203.0.113.7', '198.51.100.1', '2001:db8::1', '', 'not-an-ip'),
});

describe('intake fuzz: thousands of generated bodies, headers and media types', () => {
  let intake: ReliableIntake;

  beforeAll(async () => {
    silenceFunctions();
    intake = await makeReliableIntake({ RATE_LIMIT_MAX: '1000000' });
  });

  it('never answers 5xx, never throws, and the table holds exactly the tips that got a 201', async () => {
    const receipts = new Set<string>();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.html) headers.accept = 'text/html,application/xhtml+xml';
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
        const event = httpEvent({ headers, body: r.body.raw, isBase64Encoded: r.body.base64 });
        event.requestContext.http.sourceIp = r.sourceIp;

        const res = await intake.handler(event);

        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode).toBeLessThan(500);
        expect([201, 400, 409, 413, 415, 422, 429]).toContain(res.statusCode);
        if (res.statusCode === 201) {
          const receipt = res.headers['content-type']?.includes('json')
            ? (JSON.parse(res.body ?? '{}') as { receipt: string }).receipt
            : /id="receipt">([^<]+)</.exec(res.body ?? '')?.[1];
          expect(receipt).toBeTruthy();
          receipts.add(receipt as string);
        }
      }),
      { numRuns: 2000 },
    );

    const stored = await intake.scan(intake.env.TIPS_TABLE as string);
    // Each tip holds its receipt's keyed hash, never the code.
    expect(stored.map((t) => t.gsi_receipt).sort()).toEqual(
      [...receipts].map(testReceiptKeys.lookupKey).sort(),
    );
    expect(stored.filter((t) => 'receipt' in t)).toEqual([]);
    // The run reached the store, not only the validator.
    expect(receipts.size).toBeGreaterThan(100);
    console.log(
      `fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}, tips stored: ${stored.length}`,
    );
  }, 120_000);
});
