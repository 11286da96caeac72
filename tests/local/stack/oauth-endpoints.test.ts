import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_SCOPE } from '#core/staff/staff-claims';
import { type RunningTokenIssuer, startTokenIssuer } from '../../../local/stack/token-issuer';

const REDIRECT = 'http://127.0.0.1:3999/staff';

describe("the local issuer's hosted-UI stand-in: authorization code grant with PKCE only", () => {
  let dir: string;
  let issuer: RunningTokenIssuer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tipline-oauth-'));
    issuer = await startTokenIssuer({ dir });
  });
  afterAll(async () => {
    await issuer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pkce = () => {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  };

  async function authorize(params: Record<string, string>): Promise<Response> {
    const url = new URL(`${issuer.url}/oauth2/authorize`);
    const defaults = {
      response_type: 'code',
      client_id: issuer.clientId,
      redirect_uri: REDIRECT,
      scope: `openid ${STAFF_SCOPE}`,
      state: 'st4te',
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries({ ...defaults, ...params })) url.searchParams.set(k, v);
    return fetch(url, { redirect: 'manual' });
  }

  const redirectOf = (res: Response) => new URL(res.headers.get('location') ?? 'http://none.invalid');

  const trade = (form: Record<string, string>) =>
    fetch(`${issuer.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:3999' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: issuer.clientId,
        redirect_uri: REDIRECT,
        ...form,
      }),
    });

  it('trades a code with its verifier for a staff access token, once', async () => {
    const { verifier, challenge } = pkce();
    const res = await authorize({ code_challenge: challenge, login_hint: 'bob' });
    expect(res.status).toBe(302);
    const back = redirectOf(res);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code') ?? '';

    const first = await trade({ code, code_verifier: verifier });
    expect(first.status).toBe(200);
    expect(first.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3999');
    const { access_token } = (await first.json()) as { access_token: string };
    expect(decodeJwt(access_token)).toMatchObject({
      username: 'bob',
      scope: STAFF_SCOPE,
      token_use: 'access',
    });

    // A code is single-use, as Cognito's.
    expect((await trade({ code, code_verifier: verifier })).status).toBe(400);
  });

  it('refuses a code traded with another verifier, and burns it', async () => {
    const { verifier, challenge } = pkce();
    const code = redirectOf(await authorize({ code_challenge: challenge })).searchParams.get('code') ?? '';
    const wrong = await trade({ code, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant' });
    expect((await trade({ code, code_verifier: verifier })).status).toBe(400);
  });

  it('gives no code without an S256 challenge, nor for the implicit grant', async () => {
    const plain = redirectOf(
      await authorize({ code_challenge_method: 'plain', code_challenge: 'x'.repeat(43) }),
    );
    expect(plain.searchParams.get('error')).toBe('invalid_request');
    expect(plain.searchParams.get('code')).toBeNull();
    const implicit = redirectOf(
      await authorize({ response_type: 'token', code_challenge: pkce().challenge }),
    );
    expect(implicit.searchParams.get('error')).toBe('unsupported_response_type');
    expect(implicit.hash).toBe('');
  });

  it('never redirects to a place other than a local staff page', async () => {
    const res = await authorize({
      code_challenge: pkce().challenge,
      redirect_uri: 'https://evil.example/staff',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});
