import { describe, expect, it } from 'vitest';
import { fieldIssues, LIMITS, TIP_KINDS, TIP_TOPICS, tipSubmissionSchema } from '#core/tips/tip-schema';

const base = {
  kind: 'tip',
  topic: 'europe',
  message: 'Ferries between Tallinn and Helsinki stopped this morning',
  consent: true,
} as const;

function parse(overrides: Record<string, unknown>) {
  return tipSubmissionSchema.safeParse({ ...base, ...overrides });
}

/** The fields with an issue (each once, in order), or [] when the tip is valid. */
function issuePaths(overrides: Record<string, unknown>): string[] {
  const result = parse(overrides);
  return result.success ? [] : [...new Set(fieldIssues(result.error).map((i) => i.path))];
}

function without(field: keyof typeof base) {
  const { [field]: _dropped, ...rest } = base;
  return rest;
}

/** An address of exactly `length` characters that is otherwise valid (labels ≤ 63, local part ≤ 64). */
function emailOfLength(length: number): string {
  const local = 'a'.repeat(64);
  let domain = '';
  const tld = '.org';
  const budget = length - local.length - 1 - tld.length;
  while (domain.length < budget) {
    const label = 'b'.repeat(Math.min(63, budget - domain.length - (domain ? 1 : 0)));
    domain = domain ? `${domain}.${label}` : label;
  }
  return `${local}@${domain}${tld}`;
}

describe('tip schema: the contract of DESIGN.md, field by field', () => {
  it('accepts the smallest valid tip and a full one', () => {
    expect(parse({}).success).toBe(true);
    const full = parse({
      kind: 'question',
      topic: 'russia-ukraine-war',
      subject: 'Grain corridor',
      name: 'Ana Reader',
      email: 'ana@example.org',
      phone: '+44 (0)20 7946-0958',
      anonymous: false,
      sourceUrl: 'https://example.org/article?id=1#top',
      website: '',
    });
    expect(full.success).toBe(true);
  });

  describe('kind and topic', () => {
    it.each(TIP_KINDS)('kind %s is valid', (kind) => {
      expect(issuePaths({ kind })).toEqual([]);
    });
    it.each(TIP_TOPICS)('topic %s is valid', (topic) => {
      expect(issuePaths({ topic })).toEqual([]);
    });
    it.each([
      ['kind', 'rumour'],
      ['kind', 'TIP'],
      ['kind', ''],
      ['kind', 1],
      ['topic', 'mars'],
      ['topic', 'Europe'],
      ['topic', null],
    ])('%s %j is refused', (field, value) => {
      expect(issuePaths({ [field]: value })).toEqual([field]);
    });
    it.each(['kind', 'topic', 'message', 'consent'] as const)('%s is required', (field) => {
      const result = tipSubmissionSchema.safeParse(without(field));
      expect(result.success).toBe(false);
      expect(result.success ? [] : fieldIssues(result.error).map((i) => i.path)).toEqual([field]);
    });
  });

  describe('subject: optional, ≤ 200 characters, one line', () => {
    it.each([
      ['exactly 200 characters', 's'.repeat(LIMITS.subject)],
      ['Unicode', 'Rinkēvičs on the Baltic ports 🚢'],
      ['RTL text', 'سؤال عن الحرب'],
      ['emoji ZWJ sequences (with VS16 and skin tones)', 'Desk 👩‍💻 🏳️‍🌈 👩🏽‍💻 🧑‍🤝‍🧑 ❤️‍🔥'],
    ])('accepts %s', (_, subject) => {
      expect(issuePaths({ subject })).toEqual([]);
    });
    it.each([
      ['201 characters', 's'.repeat(LIMITS.subject + 1)],
      ['CR/LF with an injected header', 'Port closures\r\nBcc: evil@example.org'],
      ['a bare LF', 'two\nlines'],
      ['a bare CR', 'two\rlines'],
      ['a tab', 'tab\there'],
      ['NUL', 'nul\u0000here'],
      ['the Unicode line separator', 'line\u2028separator'],
      ['a C1 next-line control', 'next\u0085line'],
      ['a bidi override that disguises text', 'invoice\u202Efdp.exe'],
      ['a bidi isolate', 'name\u2066hidden\u2069'],
      ['a left-to-right mark', 'Port\u200e closures'],
      ['a right-to-left mark', '\u200fPort closures'],
      ['an Arabic letter mark', 'Port\u061c closures'],
      ['a zero-width space', 'Port\u200bclosures'],
      ['a word joiner', 'Port\u2060closures'],
      ['a zero-width non-joiner', 'Port\u200cclosures'],
      ['a soft hyphen', 'Port\u00adclosures'],
      ['a byte-order mark inside', 'Port\ufeffclosures'],
      ['a tag character', 'Port\u{e0041}closures'],
      ['a zero-width joiner between letters', 'Port\u200dclosures'],
      ['a zero-width joiner after an emoji, before a letter', 'Ferry 🚢\u200dx'],
      ['an empty string', ''],
      ['only spaces', '   '],
      ['a number', 42],
    ])('refuses %s', (_, subject) => {
      expect(issuePaths({ subject })).toEqual(['subject']);
    });
    it('trims surrounding whitespace, including a trailing line break', () => {
      const result = parse({ subject: '  Port closures\r\n' });
      expect(result.success && result.data.subject).toBe('Port closures');
    });
  });

  describe('message: 10–10,000 characters after trimming; newline and tab are the only controls', () => {
    it.each([
      ['exactly 10 characters', '0123456789'],
      ['10 characters inside whitespace', '   0123456789 \n\t '],
      ['exactly 10,000 characters', 'm'.repeat(LIMITS.messageMax)],
      ['10,000 characters inside whitespace', `\n  ${'m'.repeat(LIMITS.messageMax)}  \n`],
      ['newlines and tabs', 'first line\nsecond\tline'],
      ['Unicode and emoji', 'Rinkēvičs said so 👀 — مريم agreed'],
      ['the invisible bidi marks (LRM, RLM, ALM)', 'قال \u200eNATO\u200e أمس\u200f ١٢\u061c'],
      ['zero-width characters', 'a ZWJ 👩‍💻 and a ZWNJ می\u200cخواهم'],
    ])('accepts %s', (_, message) => {
      expect(issuePaths({ message })).toEqual([]);
    });
    it.each([
      ['9 characters', '012345678'],
      ['9 characters padded to 20 with spaces', '     012345678      '],
      ['only whitespace', ' \n\t '.repeat(10)],
      ['10,001 characters', 'm'.repeat(LIMITS.messageMax + 1)],
      ['NUL', 'a message with\u0000a NUL'],
      ['a vertical tab', 'a message with\u000ba VT'],
      ['ESC (terminal escapes)', 'a message \u001b[31mred'],
      ['DEL', 'a message with\u007fDEL'],
      ['a C1 control', 'a message with\u0085NEL'],
      ['a right-to-left override (U+202E)', 'the file is invoice\u202efdp.exe'],
      ['a left-to-right embedding (U+202A)', 'a message \u202awith\u202c embedding'],
      ['a pop directional formatting (U+202C)', 'a message with\u202c a PDF'],
      ['a first-strong isolate (U+2068)', 'a message \u2068with\u2069 isolate'],
      ['not a string', 12_345_678_901],
    ])('refuses %s', (_, message) => {
      expect(issuePaths({ message })).toEqual(['message']);
    });
    it('normalises CRLF and bare CR from textareas to LF, and trims', () => {
      const result = parse({ message: '  first line\r\nsecond line\rthird line\r\n' });
      expect(result.success && result.data.message).toBe('first line\nsecond line\nthird line');
    });
  });

  describe('name: optional, ≤ 100 characters, one line, any script', () => {
    it.each([
      ['Latvian diacritics', 'Edgars Rinkēvičs'],
      ['Arabic (RTL)', 'مريم'],
      ['Hebrew (RTL)', 'דוד כהן'],
      ['CJK', '王小明'],
      ['emoji, including a ZWJ sequence', 'Ana 👩‍💻🇺🇦'],
      ['exactly 100 characters', 'n'.repeat(LIMITS.name)],
    ])('accepts %s', (_, name) => {
      const result = parse({ name });
      expect(result.success && result.data.name).toBe(name);
    });
    it.each([
      ['101 characters', 'n'.repeat(LIMITS.name + 1)],
      ['CR/LF with an injected header', 'Ana\r\nBcc: evil@example.org'],
      ['a bare LF', 'Ana\nReader'],
      ['the paragraph separator', 'Ana\u2029Reader'],
      ['only spaces', '    '],
      ['a right-to-left mark', '\u200fمريم'],
      ['a zero-width space', 'Ana\u200bReader'],
      ['a word joiner', 'Ana\u2060Reader'],
      ['a bidi override', 'Ana\u202eredaeR'],
    ])('refuses %s', (_, name) => {
      expect(issuePaths({ name })).toEqual(['name']);
    });
  });

  describe('email: optional, a valid address, ≤ 254 characters', () => {
    it.each([
      ['a plain address', 'reader@example.org'],
      ['plus addressing and subdomains', 'first.last+tips@mail.example.co.uk'],
      ['surrounding spaces (trimmed)', '  reader@example.org '],
      ['exactly 254 characters', emailOfLength(LIMITS.email)],
    ])('accepts %s', (_, email) => {
      expect(issuePaths({ email })).toEqual([]);
    });
    it.each([
      ['255 characters', emailOfLength(LIMITS.email + 1)],
      ['no @', 'reader.example.org'],
      ['no domain dot', 'reader@example'],
      ['two @', 'a@b@example.org'],
      ['a space inside', 'rea der@example.org'],
      ['CR/LF with an injected header', 'reader@example.org\r\nBcc: evil@example.org'],
      ['an empty string', ''],
    ])('refuses %s', (_, email) => {
      expect(issuePaths({ email })).toEqual(['email']);
    });
    it('the 254/255 boundary addresses really are that long', () => {
      expect(emailOfLength(254)).toHaveLength(254);
      expect(emailOfLength(255)).toHaveLength(255);
    });
  });

  describe('phone: optional, ≤ 40 characters of digits, spaces and + ( ) - .', () => {
    it.each([
      ['international format', '+44 (0)20 7946-0958'],
      ['dotted', '020.7946.0958'],
      ['exactly 40 characters', '1'.repeat(LIMITS.phone)],
    ])('accepts %s', (_, phone) => {
      expect(issuePaths({ phone })).toEqual([]);
    });
    it.each([
      ['41 characters', '1'.repeat(LIMITS.phone + 1)],
      ['letters', '0800-CALL-NOW'],
      ['an extension marker', '555 1234 ext 5'],
      ['a slash', '020/7946'],
      ['a newline', '020\n7946'],
      ['an empty string', ''],
    ])('refuses %s', (_, phone) => {
      expect(issuePaths({ phone })).toEqual(['phone']);
    });
  });

  describe('anonymous: when true, no name, email or phone', () => {
    it('accepts anonymous without contact details, and contact details without anonymous', () => {
      expect(issuePaths({ anonymous: true })).toEqual([]);
      expect(issuePaths({ anonymous: false, name: 'Ana', email: 'ana@example.org', phone: '123' })).toEqual(
        [],
      );
    });
    it.each([
      [{ name: 'Ana' }, ['name']],
      [{ email: 'ana@example.org' }, ['email']],
      [{ phone: '+1 555 0100' }, ['phone']],
      [{ name: 'Ana', email: 'ana@example.org', phone: '+1 555 0100' }, ['name', 'email', 'phone']],
    ])('refuses anonymous with %j', (contact, paths) => {
      expect(issuePaths({ anonymous: true, ...contact })).toEqual(paths);
    });
    it('must be a boolean', () => {
      expect(issuePaths({ anonymous: 'yes' })).toEqual(['anonymous']);
    });
  });

  describe('sourceUrl: optional, http(s) only, ≤ 2,000 characters', () => {
    const longUrl = (length: number) => {
      const prefix = 'https://example.org/';
      return prefix + 'p'.repeat(length - prefix.length);
    };
    it.each([
      ['https', 'https://example.org/news/1'],
      ['http', 'http://example.org'],
      ['an IDN host', 'https://rīga.example/'],
      ['exactly 2,000 characters', longUrl(LIMITS.sourceUrl)],
    ])('accepts %s', (_, sourceUrl) => {
      expect(issuePaths({ sourceUrl })).toEqual([]);
    });
    it.each([
      ['javascript:', 'javascript:alert(1)'],
      ['JavaScript: in mixed case', 'JavaScript:alert(document.cookie)'],
      ['data:', 'data:text/html,<script>alert(1)</script>'],
      ['ftp:', 'ftp://example.org/file'],
      ['file:', 'file:///etc/passwd'],
      ['mailto:', 'mailto:desk@example.org'],
      ['no scheme', 'example.org/news'],
      ['2,001 characters', longUrl(LIMITS.sourceUrl + 1)],
      ['an empty string', ''],
      ['no slashes after the scheme', 'https:example.org'],
      ['a user before the host', 'https://newsroom.example@evil.example/login'],
      ['a user and password', 'https://user:pass@example.org/'],
      ['a user before the host, in upper case', 'HTTPS://newsroom.example@evil.example/'],
      ['an empty userinfo', 'https://@example.org/'],
      ['userinfo after backslashes', 'https:\\\\newsroom.example@evil.example/'],
      ['an encoded @ inside the userinfo', 'https://newsroom.example%40x@evil.example/'],
      ['ESC (a terminal escape)', 'https://example.org/\u001b[2J'],
      ['NUL', 'https://example.org/\u0000'],
      ['BEL', 'https://example.org/\u0007'],
      ['a tab inside, which the parser would drop', 'https://exa\tmple.org/'],
      ['a line feed inside', 'https://example.org/a\nb'],
      ['a C1 control', 'https://example.org/\u0085'],
      ['a right-to-left override in the path', 'https://example.org/\u202egpj.exe'],
      ['a bidi isolate', 'https://example.org/\u2067x\u2069'],
      ['a right-to-left mark', 'https://example.org/\u200f'],
      ['an Arabic letter mark', 'https://example.org/\u061c'],
      ['a zero-width space in the host', 'https://exa\u200bmple.org/'],
      ['the line separator', 'https://example.org/a\u2028b'],
    ])('refuses %s', (_, sourceUrl) => {
      expect(issuePaths({ sourceUrl })).toEqual(['sourceUrl']);
    });
    it('names the problem: userinfo, and control or invisible characters', () => {
      const messages = (sourceUrl: string) => {
        const result = parse({ sourceUrl });
        return result.success ? [] : fieldIssues(result.error).map((i) => i.message);
      };
      expect(messages('https://newsroom.example@evil.example/login')).toEqual([
        expect.stringMatching(/user name or password before its host/),
      ]);
      expect(messages('https://example.org/\u202egpj.exe')).toEqual([
        expect.stringMatching(/control or invisible formatting characters/),
      ]);
    });
    it.each([
      [
        'scheme and host in lower case, dot segments resolved',
        'HTTPS://News.Example.ORG/a/../b?q=1#top',
        'https://news.example.org/b?q=1#top',
      ],
      ['a trailing slash for a bare host', 'http://example.org', 'http://example.org/'],
      ['the default port dropped', 'https://example.org:443/x', 'https://example.org/x'],
      ['an IDN host as punycode', 'https://rīga.example/', 'https://xn--rga-uta.example/'],
      [
        'a mixed-script look-alike host as punycode',
        'https://аpple.com/login',
        'https://xn--pple-43d.com/login',
      ],
      [
        'spaces and non-ASCII in the path percent-encoded',
        'https://example.org/a b/ē',
        'https://example.org/a%20b/%C4%93',
      ],
      [
        'a backslash as the parser reads it (host a, not userinfo)',
        'https://a\\@b.example/',
        'https://a/@b.example/',
      ],
    ])('stores the normalised href: %s', (_, sourceUrl, href) => {
      const result = parse({ sourceUrl });
      expect(result.success && result.data.sourceUrl).toBe(href);
    });
  });

  describe('consent must be exactly true', () => {
    it.each([false, 'true', 'on', 1, null])('refuses consent %j', (consent) => {
      expect(issuePaths({ consent })).toEqual(['consent']);
    });
  });

  describe('website (the honeypot)', () => {
    it.each([
      ['empty', ''],
      ['filled', 'http://cheap-pills.example'],
    ])('is accepted %s: the quarantine is decided later, and a bot learns nothing here', (_, website) => {
      const result = parse({ website });
      expect(result.success && result.data.website).toBe(website);
    });
    it('refuses an absurdly long value', () => {
      expect(issuePaths({ website: 'w'.repeat(LIMITS.honeypot + 1) })).toEqual(['website']);
    });
  });

  describe('unknown fields', () => {
    it('are rejected, each named in its own issue', () => {
      const result = parse({ isAdmin: true, status: 'published' });
      expect(result.success).toBe(false);
      expect(result.success ? [] : fieldIssues(result.error)).toEqual([
        { path: 'isAdmin', message: 'isAdmin is not a field of a tip' },
        { path: 'status', message: 'status is not a field of a tip' },
      ]);
    });
  });

  it('reports every field issue at once, not only the first', () => {
    const result = tipSubmissionSchema.safeParse({
      kind: 'rumour',
      topic: 'mars',
      subject: 'a\r\nb',
      message: 'short',
      name: 'n'.repeat(101),
      email: 'not-an-address',
      phone: 'call me',
      sourceUrl: 'javascript:alert(1)',
      consent: false,
    });
    expect(result.success).toBe(false);
    const paths = result.success ? [] : fieldIssues(result.error).map((i) => i.path);
    expect(paths.sort()).toEqual(
      ['consent', 'email', 'kind', 'message', 'name', 'phone', 'sourceUrl', 'subject', 'topic'].sort(),
    );
  });

  it('gives every issue a human sentence', () => {
    const result = parse({ email: 'nope', consent: false });
    expect(result.success).toBe(false);
    for (const issue of result.success ? [] : fieldIssues(result.error)) {
      expect(issue.message).toMatch(/^[a-z].{10,}/i);
    }
  });
});
