import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import type { LocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';
import { startTestStack } from '../../support/test-stack';

interface Issue {
  path: string;
  message: string;
}

describe('hostile text and links through the local stack (gateway → intake → dynalite)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('hostile', { retryDelayMs: 20 });
  });
  afterAll(async () => stack?.stop());

  const submit = (overrides: Record<string, unknown>) =>
    fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validTip(overrides)),
    });

  async function issuesOf(res: Response): Promise<Issue[]> {
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: Issue[] };
    expect(body.error).toBe('validation_failed');
    return body.issues;
  }

  async function storedItem(id: string) {
    const { doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const { Item } = await doc.send(
      new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id }, ConsistentRead: true }),
    );
    return Item;
  }

  it.each([
    [
      'userinfo that disguises the host',
      'https://newsroom.example@evil.example/login',
      /user name or password/,
    ],
    ['a user and password', 'https://user:secret@example.org/', /user name or password/],
    ['an ESC sequence', 'https://example.org/\u001b[2J\u001b[31mred', /control or invisible/],
    ['NUL', 'https://example.org/a\u0000b', /control or invisible/],
    ['BEL', 'https://example.org/a\u0007b', /control or invisible/],
    ['a right-to-left override', 'https://example.org/\u202egpj.exe', /control or invisible/],
    ['a right-to-left mark', 'https://example.org/\u200fx', /control or invisible/],
    ['a zero-width space in the host', 'https://exa\u200bmple.org/', /control or invisible/],
  ])('refuses a link with %s: 400 naming sourceUrl', async (_, sourceUrl, problem) => {
    const issues = await issuesOf(await submit({ sourceUrl }));
    expect(issues).toEqual([{ path: 'sourceUrl', message: expect.stringMatching(problem) }]);
  });

  it.each([
    ['an encoded @ in the host', 'https://newsroom.example%40evil.example/'],
    ['an encoded slash in the host', 'https://newsroom.example%2fevil.example/'],
    ['a space in the host', 'https://news room.example/'],
    ['a broken escape in the host', 'https://%zz/'],
  ])('refuses a link the URL parser cannot parse (%s) with 400, never 500', async (_, sourceUrl) => {
    const issues = await issuesOf(await submit({ sourceUrl }));
    expect(issues).toEqual([{ path: 'sourceUrl', message: 'the link must be an http(s) address' }]);
  });

  it.each([
    ['a mixed-script look-alike host', 'https://аpple.com/login', 'https://xn--pple-43d.com/login'],
    ['upper case and dot segments', 'HTTPS://News.Example.ORG/a/../b?q=1', 'https://news.example.org/b?q=1'],
  ])('stores a link with %s as its normalised href', async (_, sourceUrl, href) => {
    const res = await submit({ sourceUrl });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect((await storedItem(id))?.sourceUrl).toBe(href);
  });

  it.each([
    ['subject', 'Port\u200bclosures'],
    ['subject', '\u200fPort closures'],
    ['name', 'Ana\u2060Reader'],
    ['name', 'Ana\u202eredaeR'],
    // Invisible but not Cf: default-ignorable letters and marks.
    ['name', 'Ana\u3164'],
    ['subject', 'Port\u115fclosures'],
    ['name', 'Ana\u034fReader'],
    ['subject', 'Port closures\ufe0f'],
  ])('refuses a %s with an invisible format character', async (field, value) => {
    const issues = await issuesOf(await submit({ [field]: value }));
    expect(issues).toEqual([{ path: field, message: expect.stringMatching(/invisible formatting/) }]);
  });

  it.each([
    ['a heart with its emoji presentation selector', 'Ana \u2764\ufe0f'],
    ['a keycap', 'Desk 1\ufe0f\u20e3'],
    ['a rainbow flag', 'Ana \u{1f3f3}\ufe0f\u200d\u{1f308}'],
    ['an ideographic variation sequence', '\u845b\u{e0100}飾'],
  ])('keeps a name with %s', async (_, name) => {
    const res = await submit({ name });
    expect(res.status).toBe(201);
  });

  it('keeps a name with an emoji ZWJ sequence', async () => {
    const res = await submit({ name: 'Ana 👩‍💻' });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect((await storedItem(id))?.name).toBe('Ana 👩‍💻');
  });

  it('refuses a bidi override in the message, and in a reader’s follow-up message', async () => {
    const override = 'the attachment is invoice\u202efdp.exe, open it';
    expect(await issuesOf(await submit({ message: override }))).toEqual([
      { path: 'message', message: expect.stringMatching(/text-direction override/) },
    ]);

    const res = await submit({});
    const { receipt } = (await res.json()) as { receipt: string };
    const followUp = await fetch(`${stack.apiUrl}/receipts/${receipt}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: override }),
    });
    expect(await issuesOf(followUp)).toEqual([
      { path: 'message', message: expect.stringMatching(/text-direction override/) },
    ]);
  });
});
