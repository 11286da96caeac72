import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_SCOPE } from '#core/staff/staff-claims';
import { LOCAL_TOKEN_PATH } from '../../../local/stack/local-token';
import type { LocalStack } from '../../../local/stack/stack';
import { rawRequest } from '../../support/raw-request';
import { startTestStack } from '../../support/test-stack';

interface Reply {
  status: number;
  type: string | undefined;
  body: { token?: string; error?: string; message?: string };
}

/** A POST with exactly these headers (fetch would not let a test set Host or Sec-Fetch-Site). */
async function post(port: number, headers: Record<string, string>, body = JSON.stringify({ user: 'alice' })) {
  const res = await rawRequest(
    new URL(`http://127.0.0.1:${port}${LOCAL_TOKEN_PATH}`),
    { method: 'POST', headers, setHost: false },
    body,
  );
  const type = res.headers['content-type'];
  return {
    status: res.status,
    type,
    body: type?.startsWith('application/json') ? (JSON.parse(res.text) as Reply['body']) : {},
  } satisfies Reply;
}

describe('POST /local/token answers only a same-origin JSON request to the stack itself', () => {
  let stack: LocalStack;
  let port: number;
  let own: string;
  /** What Chromium sends when the staff page's button posts (web/client/inbox-client.ts). */
  let browser: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack('local-token', { retryDelayMs: 20 });
    port = Number(new URL(stack.apiUrl).port);
    own = `127.0.0.1:${port}`;
    browser = {
      host: own,
      origin: `http://${own}`,
      'sec-fetch-site': 'same-origin',
      'sec-fetch-mode': 'cors',
      'content-type': 'application/json',
    };
  });
  afterAll(async () => stack?.stop());

  function expectForbidden(reply: Reply) {
    expect(reply.status).toBe(403);
    expect(reply.type).toBe('application/json');
    expect(reply.body).toEqual({ error: 'forbidden', message: expect.stringMatching(/\S/) });
  }

  it('mints an access token for the staff page (127.0.0.1 or localhost) and a header-less client like curl', async () => {
    const viaLocalhost = {
      ...browser,
      host: `localhost:${port}`,
      origin: `http://localhost:${port}`,
    };

    const replies = await Promise.all([
      post(port, browser),
      post(port, viaLocalhost),
      post(port, { host: own, 'content-type': 'application/json; charset=utf-8' }),
    ]);

    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(decodeJwt(reply.body.token ?? '')).toMatchObject({
        token_use: 'access',
        scope: STAFF_SCOPE,
        username: 'alice',
      });
    }
    const list = await fetch(`${stack.apiUrl}/tips`, {
      headers: { authorization: `Bearer ${replies[0]?.body.token}` },
    });
    expect(list.status).toBe(200);
  });

  it('refuses the cross-origin text/plain post a page elsewhere can send without a preflight', async () => {
    const attack = {
      host: own,
      origin: 'https://attacker.example',
      'sec-fetch-site': 'cross-site',
      'content-type': 'text/plain;charset=UTF-8',
    };

    const reply = await post(port, attack);

    expectForbidden(reply);
    expect(reply.body.token).toBeUndefined();
  });

  it('refuses a CORS-simple or missing content type even from the page itself: 415', async () => {
    const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

    const replies = await Promise.all([
      ...types.map((type) => post(port, { ...browser, 'content-type': type })),
      post(port, Object.fromEntries(Object.entries(browser).filter(([k]) => k !== 'content-type'))),
    ]);

    for (const reply of replies) {
      expect(reply.status).toBe(415);
      expect(reply.body).toEqual({ error: 'unsupported_media_type', message: expect.stringMatching(/json/) });
    }
  });

  it("refuses a Host that is not the stack's own (DNS rebinding), even when the browser calls it same-origin", async () => {
    const rebound = `tips.attacker.example:${port}`;

    const replies = await Promise.all([
      post(port, { ...browser, host: rebound, origin: `http://${rebound}` }),
      post(port, { ...browser, host: `127.0.0.1:${port + 1}`, origin: `http://127.0.0.1:${port + 1}` }),
      post(port, { ...browser, host: '127.0.0.1', origin: 'http://127.0.0.1' }),
    ]);

    for (const reply of replies) expectForbidden(reply);
  });

  it('refuses an Origin other than the stack\'s own, the opaque "null" one included', async () => {
    const origins = [`http://localhost:${port}`, `https://${own}`, 'null', `http://${own}.attacker.example`];

    const replies = await Promise.all(origins.map((origin) => post(port, { ...browser, origin })));

    for (const reply of replies) expectForbidden(reply);
  });

  it('refuses a Sec-Fetch-Site other than same-origin', async () => {
    const sites = ['cross-site', 'same-site', 'none'];

    const replies = await Promise.all(
      sites.map((site) => post(port, { ...browser, 'sec-fetch-site': site })),
    );

    for (const reply of replies) expectForbidden(reply);
  });

  it('still refuses a user name it cannot mint for: 400', async () => {
    const reply = await post(port, browser, JSON.stringify({ user: 'no spaces please' }));

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'validation_failed' });
  });
});
