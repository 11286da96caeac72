import { beforeAll, describe, expect, it } from 'vitest';
import { makeFormTokens } from '#core/guards/form-token';
import { httpEvent } from '../../support/events';
import { testReceiptKeys, validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import {
  makeReliableIntake,
  parse,
  postTipEvent,
  type ReliableIntake,
  TEST_SECRET,
} from '../../support/reliability-helpers';

describe('abuse defences at intake', () => {
  beforeAll(() => {
    silenceFunctions();
  });

  describe('rate limit per client (a keyed hash of the source IP)', () => {
    let intake: ReliableIntake;
    beforeAll(async () => {
      intake = await makeReliableIntake({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '600' });
    });

    it('answers the 4th submit in the window with 429 + Retry-After, other clients unaffected', async () => {
      const ip = '192.0.2.44';
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await intake.handler(postTipEvent(validTip(), { sourceIp: ip }))).statusCode);
      const limited = await intake.handler(postTipEvent(validTip(), { sourceIp: ip }));
      const other = await intake.handler(postTipEvent(validTip(), { sourceIp: '192.0.2.45' }));

      expect(statuses).toEqual([201, 201, 201]);
      expect(limited.statusCode).toBe(429);
      expect(parse(limited.body).error).toBe('rate_limited');
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(600);
      expect(other.statusCode).toBe(201);
    });

    it('counts an IPv6 /64 as one client', async () => {
      const statuses: number[] = [];
      for (const host of ['1', '2', '3', 'abcd']) {
        const res = await intake.handler(postTipEvent(validTip(), { sourceIp: `2001:db8:7:9::${host}` }));
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
    });

    it('stores no raw IP anywhere: counters are keyed by an HMAC of it', async () => {
      const items = await intake.scan(intake.env.GUARD_TABLE as string);
      const tips = await intake.scan(intake.env.TIPS_TABLE as string);
      const everything = JSON.stringify([items, tips]);

      expect(items.some((i) => String(i.pk).startsWith('rate#'))).toBe(true);
      for (const ip of ['192.0.2.44', '192.0.2.45', '2001:db8:7:9']) expect(everything).not.toContain(ip);
      // Every rate counter expires by TTL.
      for (const item of items) expect(typeof item.expiresAt).toBe('number');
    });

    it('refuses a browser form post over the limit with the form page and 429', async () => {
      const ip = '192.0.2.99';
      for (let i = 0; i < 3; i++) await intake.handler(postTipEvent(validTip(), { sourceIp: ip }));
      const event = httpEvent({
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: 'kind=tip',
      });
      event.requestContext.http.sourceIp = ip;

      const res = await intake.handler(event);

      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['retry-after']).toBeDefined();
    });
  });

  describe('minimum fill time, forged tokens, honeypot, duplicates', () => {
    let intake: ReliableIntake;
    const tokens = (now: number) =>
      makeFormTokens({ secret: TEST_SECRET, minFillSeconds: 3, clock: () => new Date(now) });

    beforeAll(async () => {
      intake = await makeReliableIntake({ MIN_FILL_SECONDS: '3' });
    });

    const storedTip = async (id: unknown) =>
      (await intake.scan(intake.env.TIPS_TABLE as string)).find((t) => t.id === id) as Record<
        string,
        unknown
      >;

    it('the form served by GET / carries a signed timestamp in a hidden field', async () => {
      const res = await intake.handler(httpEvent({ method: 'GET', path: '/' }));
      const token = /name="formToken" value="([^"]+)"/.exec(res.body ?? '')?.[1];

      expect(token).toMatch(/^v2\.[0-9a-z]+\.[\w-]{16}\.[\w-]{22}$/);
      expect(tokens(Date.now()).check(token)).toBe('too-fast');
      expect(tokens(Date.now() + 4_000).check(token)).toBe('ok');
      // The page's script waits this long before it uses a token it refreshed.
      expect(res.body).toContain('data-min-fill-seconds="3"');
    });

    it.each([
      ['posted too fast', () => tokens(Date.now() - 500).issue(), 'too-fast'],
      [
        'forged',
        () => `v2.${(Date.now() - 60_000).toString(36)}.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`,
        'bad-form-token',
      ],
      [
        'of the old shape (no nonce)',
        () => `v1.${(Date.now() - 60_000).toString(36)}.AAAAAAAAAAAAAAAAAAAAAA`,
        'bad-form-token',
      ],
      ['garbage', () => 'not-a-token', 'bad-form-token'],
      ['from the future', () => tokens(Date.now() + 3_600_000).issue(), 'bad-form-token'],
      ['two days old', () => tokens(Date.now() - 2 * 24 * 3600_000).issue(), 'stale-form-token'],
      [
        'an hour old (was accepted for 24 hours)',
        () => tokens(Date.now() - 3600_000).issue(),
        'stale-form-token',
      ],
    ])(
      'form token %s: the same 201, but the tip is quarantined with its reason',
      async (_name, token, reason) => {
        const res = await intake.handler(postTipEvent(validTip({ formToken: token() })));

        expect(res.statusCode).toBe(201);
        expect(parse(res.body).status).toBe('received');
        const tip = await storedTip(parse(res.body).id);
        expect(tip).toMatchObject({ status: 'quarantined', quarantineReason: reason });
        expect(tip.history).toEqual([
          expect.objectContaining({ action: 'received', to: 'quarantined', reason }),
        ]);
        expect(tip).not.toHaveProperty('formToken');
      },
    );

    it('a token older than the minimum fill time passes; so does a JSON client without one', async () => {
      const filled = await intake.handler(
        postTipEvent(validTip({ formToken: tokens(Date.now() - 10_000).issue() })),
      );
      const api = await intake.handler(postTipEvent(validTip()));

      expect(await storedTip(parse(filled.body).id)).toMatchObject({ status: 'new' });
      expect(await storedTip(parse(api.body).id)).not.toHaveProperty('quarantineReason');
    });

    const formPost = (fields: Record<string, unknown>, sourceIp: string) => {
      const body = new URLSearchParams(
        Object.entries(fields).map(([k, v]): [string, string] => [k, v === true ? 'on' : String(v)]),
      ).toString();
      const event = httpEvent({
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body,
      });
      event.requestContext.http.sourceIp = sourceIp;
      return event;
    };
    const tipOfReceiptPage = async (page: string | undefined) => {
      const receipt = /id="receipt"[^>]*>([^<]+)</.exec(page ?? '')?.[1] ?? '';
      const tips = await intake.scan(intake.env.TIPS_TABLE as string);
      // The tip holds only its code's keyed hash.
      return tips.find((t) => t.gsi_receipt === testReceiptKeys.lookupKey(receipt)) as Record<
        string,
        unknown
      >;
    };

    it('a form post without a form token gets the receipt page, but the tip is quarantined', async () => {
      const res = await intake.handler(formPost(validTip(), '198.51.100.40'));

      expect(res.statusCode).toBe(201);
      expect(await tipOfReceiptPage(res.body)).toMatchObject({
        status: 'quarantined',
        quarantineReason: 'missing-form-token',
      });
    });

    it('a form post with a valid token is new', async () => {
      const formToken = tokens(Date.now() - 10_000).issue();

      const res = await intake.handler(formPost(validTip({ formToken }), '198.51.100.41'));

      expect(await tipOfReceiptPage(res.body)).toMatchObject({ status: 'new' });
    });

    it('one token is good for one tip: reused (other messages, other clients), each copy is quarantined', async () => {
      const formToken = tokens(Date.now() - 10_000).issue();
      const ids: unknown[] = [];
      for (const ip of ['198.51.100.50', '198.51.100.51', '198.51.100.52']) {
        const res = await intake.handler(postTipEvent(validTip({ formToken }), { sourceIp: ip }));
        ids.push(parse(res.body).id);
      }

      const stored = await Promise.all(ids.map(storedTip));
      expect(stored.map((t) => [t.status, t.quarantineReason])).toEqual([
        ['new', undefined],
        ['quarantined', 'reused-form-token'],
        ['quarantined', 'reused-form-token'],
      ]);
      // The nonce is remembered only until the token expires.
      const nonce = formToken.split('.')[2];
      const guard = await intake.scan(intake.env.GUARD_TABLE as string);
      const remembered = guard.find((i) => i.pk === `form#${nonce}`);
      expect(remembered?.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 45 * 60);
    });

    it('one token posted 5 times at once (other messages, other clients) stores one new tip', async () => {
      const formToken = tokens(Date.now() - 10_000).issue();

      const responses = await Promise.all(
        [60, 61, 62, 63, 64].map((n) =>
          intake.handler(postTipEvent(validTip({ formToken }), { sourceIp: `198.51.100.${n}` })),
        ),
      );

      const stored = await Promise.all(responses.map((r) => storedTip(parse(r.body).id)));
      expect(stored.filter((t) => t.status === 'new')).toHaveLength(1);
      expect(stored.filter((t) => t.quarantineReason === 'reused-form-token')).toHaveLength(4);
    });

    it('a filled honeypot is quarantined and does not claim the message fingerprint', async () => {
      const tip = validTip();
      const bot = await intake.handler(
        postTipEvent({ ...tip, website: 'http://spam.example' }, { sourceIp: '198.51.100.7' }),
      );
      const person = await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.8' }));

      expect(await storedTip(parse(bot.body).id)).toMatchObject({
        status: 'quarantined',
        quarantineReason: 'honeypot',
      });
      expect(await storedTip(parse(person.body).id)).toMatchObject({ status: 'new' });
    });

    it('the same message with other case and spacing is an exact duplicate', async () => {
      const tip = validTip();
      await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.20' }));
      const copy = String(tip.message).toUpperCase().replace(/ /g, '   ');

      const res = await intake.handler(
        postTipEvent({ ...tip, message: copy }, { sourceIp: '198.51.100.21' }),
      );

      expect(await storedTip(parse(res.body).id)).toMatchObject({
        status: 'quarantined',
        quarantineReason: 'duplicate',
      });
    });

    it.each([
      ['U+200B', (m: string) => m.replace(' ', ' \u200b')],
      ['U+2060', (m: string) => m.replace('a', 'a\u2060')],
      ['a Cyrillic look-alike', (m: string) => m.replace('o', '\u043e')],
      ['U+2800 (braille blank) at the end', (m: string) => `${m}\u2800`],
      ['a combining dot above an i', (m: string) => m.replace('i', 'i\u0307')],
      ['Latin small capitals', (m: string) => m.replace('Port', 'ᴘᴏʀᴛ')],
    ])('a copy edited with %s is still a duplicate', async (_what, edit) => {
      const tip = validTip({ message: `Port of Izmail closed at dawn, ${Math.random()}` });
      await intake.handler(postTipEvent(tip, { sourceIp: '198.51.100.30' }));

      const res = await intake.handler(
        postTipEvent({ ...tip, message: edit(String(tip.message)) }, { sourceIp: '198.51.100.31' }),
      );

      expect(await storedTip(parse(res.body).id)).toMatchObject({
        status: 'quarantined',
        quarantineReason: 'duplicate',
      });
    });

    it('a Ukrainian tip is stored as written: the look-alike fold is only for the fingerprint', async () => {
      const message = `Київ: о 6 ранку в Подолі вимкнули світло, ${Math.random()}`;

      const res = await intake.handler(postTipEvent(validTip({ message }), { sourceIp: '198.51.100.32' }));

      expect(await storedTip(parse(res.body).id)).toMatchObject({ status: 'new', message });
    });
  });
});
