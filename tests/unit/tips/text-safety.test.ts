import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LINK_WITHOUT_USERINFO,
  linkHost,
  ONE_LINE_TEXT,
  terminalSafe,
  terminalSafeJson,
} from '#core/tips/text-safety';

/** Userinfo as the WHATWG URL parser finds it, or undefined when the text is not an http(s) URL. */
function parsedUserinfo(text: string): boolean | undefined {
  const url = URL.parse(text);
  if (!url || !/^https?:$/.test(url.protocol)) return undefined;
  return url.username !== '' || url.password !== '';
}

describe('LINK_WITHOUT_USERINFO: the form’s copy of the parser’s userinfo rule', () => {
  // Authorities made of the characters that move the parser's boundaries.
  const tricky = fc
    .array(fc.constantFrom('/', '\\', '@', ':', '?', '#', 'a', '.', 'b', '%40', 'x.example'), {
      maxLength: 12,
    })
    .map((parts) => parts.join(''));
  const links = fc.oneof(
    fc.webUrl({
      authoritySettings: { withUserInfo: true },
      withQueryParameters: true,
      withFragments: true,
    }),
    fc
      .tuple(fc.constantFrom('https:', 'http:', 'HTTPS:', 'https://', 'http:\\\\'), tricky)
      .map(([s, a]) => s + a),
  );

  it('never lets through a link the parser reads with a user name or password', () => {
    fc.assert(
      fc.property(links, (link) => {
        if (parsedUserinfo(link) === true) expect(LINK_WITHOUT_USERINFO.test(link)).toBe(false);
      }),
      { numRuns: 3_000 },
    );
  });

  it('lets through every http(s) link without an @ before its path', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (link) => {
        const authority = /^[a-z]+:\/\/([^/?#]*)/i.exec(link)?.[1] ?? '';
        if (!authority.includes('@')) expect(LINK_WITHOUT_USERINFO.test(link)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it.each([
    ['https://newsroom.example@evil.example/login', false],
    ['https://user:pass@example.org/', false],
    ['https:\\\\newsroom.example@evil.example/', false],
    ['https://example.org/@handle', true],
    ['https://example.org/?to=a@b.example', true],
    ['https://example.org/#a@b', true],
  ])('%s → %s', (link, ok) => {
    expect(LINK_WITHOUT_USERINFO.test(link)).toBe(ok);
  });
});

describe('ONE_LINE_TEXT', () => {
  it('allows a zero-width joiner only inside an emoji sequence', () => {
    expect(ONE_LINE_TEXT.test('👨‍👩‍👧 family')).toBe(true);
    expect(ONE_LINE_TEXT.test('🏴‍☠️')).toBe(true);
    expect(ONE_LINE_TEXT.test('\u200d👩')).toBe(false);
    expect(ONE_LINE_TEXT.test('👩\u200d')).toBe(false);
    expect(ONE_LINE_TEXT.test('👩\u200d\u200d💻')).toBe(false);
  });

  it('allows a non-joiner or joiner between letters of the scripts that write with it', () => {
    expect(ONE_LINE_TEXT.test('می\u200cخواهم')).toBe(true);
    expect(ONE_LINE_TEXT.test('क्\u200dष')).toBe(true);
    expect(ONE_LINE_TEXT.test('\u200cمی')).toBe(false);
    expect(ONE_LINE_TEXT.test('می\u200c')).toBe(false);
    expect(ONE_LINE_TEXT.test('Anna\u200c Smith')).toBe(false);
    expect(ONE_LINE_TEXT.test('Anna \u200cSmith')).toBe(false);
    expect(ONE_LINE_TEXT.test('می\u200c\u200cخواهم')).toBe(false);
  });

  it('refuses every Unicode format (Cf) character but those joiners', () => {
    const formats = [...Array(0x110000).keys()]
      .filter((cp) => cp < 0xd800 || cp > 0xdfff)
      .map((cp) => String.fromCodePoint(cp))
      .filter((c) => /\p{Cf}/u.test(c));
    expect(formats.length).toBeGreaterThan(150);
    for (const c of formats) {
      const name = `U+${c.codePointAt(0)?.toString(16)}`;
      expect(ONE_LINE_TEXT.test(`1${c}2`), name).toBe(false);
      expect(ONE_LINE_TEXT.test(`a${c}b`), name).toBe(false);
      expect(ONE_LINE_TEXT.test(`م${c}خ`), name).toBe(c === '\u200c' || c === '\u200d');
    }
  });
});

describe('linkHost: the host a staff member is shown beside a link', () => {
  it.each([
    ['https://аpple.com/login', 'xn--pple-43d.com'],
    ['https://rīga.example/', 'xn--rga-uta.example'],
    ['https://News.Example.org/x', 'news.example.org'],
    ['http://[::1]:8080/', '[::1]'],
  ])('%s → %s', (link, host) => {
    expect(linkHost(link)).toBe(host);
  });
  it('is undefined for text that is not a URL', () => {
    expect(linkHost('not a link')).toBeUndefined();
  });
});

describe('terminalSafe and terminalSafeJson: what the staff CLI prints', () => {
  it.each([
    ['a CSI sequence, whole', 'a\u001b[2J\u001b[1;31mb', 'ab'],
    ['an OSC title ended by BEL', 'a\u001b]0;pwned\u0007b', 'ab'],
    ['an OSC 8 hyperlink ended by ST', 'a\u001b]8;;https://evil.example\u001b\\b\u001b]8;;\u001b\\', 'ab'],
    ['an 8-bit CSI', 'a\u009b2Jb', 'ab'],
    ['a charset designation', 'a\u001b(Bb', 'ab'],
    ['a lone ESC, CR, BEL, NUL, DEL', 'a\u001b\r\u0007\u0000\u007fb', 'ab'],
    ['bidi controls and marks', 'a\u202eb\u2066c\u2069\u200e\u200f\u061cd', 'abcd'],
    ['nothing from newline, tab and ordinary text', 'Rīga\tمريم\n👩‍💻', 'Rīga\tمريم\n👩‍💻'],
  ])('terminalSafe removes %s', (_, text, safe) => {
    expect(terminalSafe(text)).toBe(safe);
  });

  it('terminalSafeJson escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { s: 'a\u009b2J\u202e\u200f\u007f\u2028b\u001b[31m' };
    const json = terminalSafeJson(value);
    expect(json).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u200e\u200f\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
