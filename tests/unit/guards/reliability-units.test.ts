import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLetter } from '#core/alerts/dead-letters';
import { clientNetwork, makeClientKeyer } from '#core/guards/client-key';
import { makeFormTokens } from '#core/guards/form-token';
import { normaliseMessage } from '#core/guards/spam-checks';
import { canonicalJson } from '#core/intake/idempotency';

const SECRET = 'unit-test-secret-0123456789abcdef0123';

describe('client key', () => {
  it('is an HMAC of the network: stable, secret-dependent, never the address itself', () => {
    const key = makeClientKeyer(SECRET);
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const k = key(ip);
        expect(k).toBe(key(ip));
        expect(k).not.toContain(ip);
        expect(k).toMatch(/^[\w-]{32}$/);
        expect(makeClientKeyer(`${SECRET}x`)(ip)).not.toBe(k);
      }),
    );
  });

  it('groups an IPv6 address by its /64, however it is written', () => {
    expect(clientNetwork('2001:db8:0:1::5')).toBe('2001:0db8:0000:0001::/64');
    expect(clientNetwork('2001:DB8:0:1:ffff:1:2:3')).toBe('2001:0db8:0000:0001::/64');
    expect(clientNetwork('::ffff:192.0.2.1')).toBe('192.0.2.1');
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), (a, b) => {
        const sameNet = clientNetwork(a).slice(0, 19) === clientNetwork(b).slice(0, 19);
        expect(clientNetwork(a) === clientNetwork(b)).toBe(sameNet);
      }),
    );
  });
});

describe('form token', () => {
  it('passes after the minimum fill time, is too fast before it, and any change to it is forged', () => {
    const issuedAt = Date.UTC(2026, 10, 25, 12);
    const token = makeFormTokens({
      secret: SECRET,
      minFillSeconds: 3,
      clock: () => new Date(issuedAt),
    }).issue();
    const at = (ms: number) =>
      makeFormTokens({ secret: SECRET, minFillSeconds: 3, clock: () => new Date(issuedAt + ms) });

    expect(at(2_999).check(token)).toBe('too-fast');
    expect(at(3_000).check(token)).toBe('ok');
    expect(at(45 * 60_000).check(token)).toBe('ok');
    expect(at(45 * 60_000 + 1).check(token)).toBe('stale-form-token');
    expect(at(0).check(undefined)).toBe('absent');
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        fc.pre(token[i] !== c);
        const changed = `${token.slice(0, i)}${c}${token.slice(i + 1)}`;
        expect(at(10_000).check(changed)).toBe('bad-form-token');
      }),
    );
  });
});

describe('form token lifetime and nonce', () => {
  it('lives under an hour: a longer life is refused when the tokens are made', () => {
    expect(() => makeFormTokens({ secret: SECRET, minFillSeconds: 3, maxAgeSeconds: 3600 })).toThrow(
      'a form token must live under an hour',
    );
  });

  it('carries a fresh nonce each time, given back with its expiry once the token verifies', () => {
    const issuedAt = Date.UTC(2026, 10, 25, 12);
    const tokens = makeFormTokens({ secret: SECRET, minFillSeconds: 3, clock: () => new Date(issuedAt) });
    const [a, b] = [tokens.issue(), tokens.issue()];
    const later = makeFormTokens({
      secret: SECRET,
      minFillSeconds: 3,
      clock: () => new Date(issuedAt + 10_000),
    });

    expect(a).not.toBe(b);
    expect(later.inspect(a)).toEqual({
      verdict: 'ok',
      nonce: a.split('.')[2],
      expiresAtS: issuedAt / 1000 + 45 * 60,
    });
    // A token of the old shape (no nonce: it could not be single-use) no longer verifies.
    expect(later.check(`v1.${issuedAt.toString(36)}.AAAAAAAAAAAAAAAAAAAAAA`)).toBe('bad-form-token');
  });
});

describe('what makes two submissions the same', () => {
  it('canonical JSON ignores key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
      }),
    );
  });

  it('a message fingerprint ignores case and spacing, not words', async () => {
    expect(await normaliseMessage('  The  Port\r\nis CLOSED ')).toBe(
      await normaliseMessage('the port is closed'),
    );
    expect(await normaliseMessage('the port is closed')).not.toBe(await normaliseMessage('the port is open'));
  });

  it.each([
    ['a zero-width space', 'the port is\u200b closed'],
    ['a word joiner', 'the po\u2060rt is closed'],
    ['a soft hyphen and a BOM', 'the p\u00adort is \ufeffclosed'],
    ['a right-to-left override', 'the port \u202eis closed'],
    ['Cyrillic look-alikes (о, р, с, е)', 'th\u0435 \u0440\u043ert is \u0441los\u0435d'],
    ['Greek capitals (Τ, Η, Ε)', '\u03a4\u0397\u0395 PORT IS CLOSED'],
    ['Cyrillic capitals (Т, Н, Е, Р, О)', '\u0422\u041d\u0415 \u0420\u041eRT IS CLOSED'],
    ['fullwidth letters (NFKC)', '\uff54\uff48\uff45 port is closed'],
    ['a braille blank for a space, and one at the end', 'the\u2800port is closed\u2800'],
    ['combining marks (a dot above an i, a dot below a t)', 'the port i\u0307s clo\u0323sed'],
    ['Latin small capitals', 'the ᴘᴏʀᴛ is ᴄʟᴏꜱᴇᴅ'],
  ])('a copy edited with %s folds to the same fingerprint text', async (_what, copy) => {
    expect(await normaliseMessage(copy)).toBe(await normaliseMessage('the port is closed'));
  });

  it('folds only for the comparison: two different Ukrainian messages stay different', async () => {
    const a = 'Київ: у Подолі вимкнули світло о 6 ранку';
    const b = 'Київ: у Подолі ввімкнули світло о 6 ранку';

    expect(await normaliseMessage(a)).not.toBe(await normaliseMessage(b));
    expect(await normaliseMessage(a)).toBe(await normaliseMessage(`  ${a.toUpperCase()}\u200b `));
  });

  it('a dead letter names its tip in either shape the queue holds', () => {
    expect(parseLetter('{"tipId":"01ABC","reason":"x","failedAt":"t"}')?.tipId).toBe('01ABC');
    expect(parseLetter('{"record":{"dynamodb":{"Keys":{"id":{"S":"01DEF"}}}}}')?.tipId).toBe('01DEF');
    expect(parseLetter('{"DDBStreamBatchInfo":{"shardId":"s"}}')).toBeUndefined();
    expect(parseLetter('not json')).toBeUndefined();
  });
});
