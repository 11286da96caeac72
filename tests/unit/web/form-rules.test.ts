import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { fieldIssues, tipSubmissionSchema } from '#core/tips/tip-schema';
import { rulesFromSchema } from '../../../web/build/rules-from-schema';
import { checkWithRules } from '../../../web/shared/form-rules';

const rules = rulesFromSchema(tipSubmissionSchema);

function serverPaths(input: Record<string, unknown>): Set<string> {
  const parsed = tipSubmissionSchema.safeParse(input);
  return new Set(parsed.success ? [] : fieldIssues(parsed.error).map((i) => i.path));
}
const clientPaths = (input: Record<string, unknown>) =>
  new Set(checkWithRules(rules, input).map((i) => i.path));

// Values near each rule's edges, as a form would send them (strings, booleans from checkboxes).
const text = (min: number, max: number) =>
  fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '  padded  ',
      'Rinkēvičs',
      'مرحبا بالعالم',
      '🙂🙂',
      'line\r\nbreak',
      'tab\there',
      'bell\u0007!',
      'invoice\u202efdp.exe',
      'isolate\u2066x\u2069',
      'zero\u200bwidth',
      'word\u2060joiner',
      '\u200fmarked',
      'Ana 👩‍💻',
      '🏳️‍🌈 flag',
      'loose\u200djoiner',
      '\u001b[31mred',
    ),
    fc.string({ minLength: min, maxLength: max }),
    fc.nat({ max: 12 }).map((n) => 'x'.repeat(Math.max(0, min + n - 6))),
    fc.nat({ max: 4 }).map((n) => 'y'.repeat(max - 2 + n)),
  );
const field = {
  kind: fc.constantFrom('tip', 'question', 'rumour', ''),
  topic: fc.constantFrom('europe', 'africa', 'other', 'mars', ''),
  subject: text(1, 200),
  message: fc.oneof(text(10, 10_000), fc.constantFrom('   short   ', 'ten chars!', ' \r\n nine\r\n ')),
  name: text(1, 100),
  email: fc.oneof(
    fc.constantFrom(
      'a@example.org',
      ' padded@example.org ',
      'no-at-sign',
      'x@y',
      'name@sub.example.co.uk',
      '',
    ),
    fc.emailAddress(),
  ),
  phone: fc.constantFrom('+44 20 7946 0000', '(555) 123-4567', 'call me', '', ' ', '1'.repeat(41)),
  sourceUrl: fc.oneof(
    fc.constantFrom(
      'https://example.org/a',
      'http://x.y',
      'ftp://example.org',
      'javascript:alert(1)',
      'http:example.org',
      'not a url',
      '',
      'https://newsroom.example@evil.example/login',
      'https://user:pass@example.org/',
      'HTTPS://Example.ORG/a/../b',
      'https://аpple.com/',
      'https://example.org/\u202egpj.exe',
      'https://exa\tmple.org/',
      'https://example.org/\u0000',
      'https://a\\@b.example/',
      'https:\\\\user@b.example/',
    ),
    fc.webUrl({ authoritySettings: { withUserInfo: true } }),
    fc.webUrl(),
  ),
  anonymous: fc.constantFrom(true, false),
  consent: fc.constantFrom(true, false),
  website: fc.constantFrom('', 'http://spam.example'),
};
const submission = fc.record(field, { requiredKeys: [] });

describe('the reader form’s client rules, compiled from the zod schema', () => {
  it('flag exactly the fields the server flags (beyond the server-only refinements)', () => {
    fc.assert(
      fc.property(submission, (input) => {
        const client = clientPaths(input);
        const server = serverPaths(input);
        // The client never refuses a field the server would accept.
        for (const path of client) expect(server).toContain(path);
        // And misses only what the schema writes as code: anonymous vs contact (the form clears
        // them, the server says so). Control, bidi and format characters and userinfo are patterns.
        const serverOnly = input.anonymous === true ? ['name', 'email', 'phone'] : [];
        for (const path of server) if (!serverOnly.includes(path)) expect(client).toContain(path);
      }),
      { numRuns: 600 },
    );
  });

  it('carry the schema’s own messages', () => {
    const issues = checkWithRules(rules, { kind: 'tip', topic: 'europe', message: 'short', consent: false });
    const server = fieldIssues(
      (
        tipSubmissionSchema.safeParse({ kind: 'tip', topic: 'europe', message: 'short', consent: false }) as {
          error: z.ZodError;
        }
      ).error,
    );
    expect(issues).toEqual(server);
  });

  it('measure lengths in code points, as zod does: an emoji is one character, not two', () => {
    // 9 code points, 11 UTF-16 units: under the message's minimum of 10 for both sides.
    const input = { kind: 'tip', topic: 'europe', message: '🏳️‍🌈 flag', consent: true };
    expect(checkWithRules(rules, input)).toEqual(
      fieldIssues((tipSubmissionSchema.safeParse(input) as { error: z.ZodError }).error),
    );
    expect(checkWithRules(rules, { ...input, message: '🚢'.repeat(10) })).toEqual([]);
  });

  it('list the rules only the server checks: the link’s parsed userinfo, the upload ids, anonymous vs contact and attachments vs submission', () => {
    // Control, bidi and format characters are patterns the form checks too. Upload ids verify
    // only on the server (their HMAC, the object in S3); the form fills them itself.
    expect(rules.serverOnly).toEqual(['sourceUrl', 'attachments', '(object)']);
  });

  it('refuse to compile a rule the client cannot express, instead of silently checking less', () => {
    expect(() => rulesFromSchema(z.strictObject({ age: z.number() }))).toThrow(/cannot express a number/);
    expect(() =>
      rulesFromSchema(z.strictObject({ s: z.string().transform((v) => v.toUpperCase()) })),
    ).toThrow(/transform/);
  });
});
