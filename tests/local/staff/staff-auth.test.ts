import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_SCOPE } from '#core/staff/staff-claims';
import type { LocalStack } from '../../../local/stack/stack';
import { CLOCK_SKEW_SECONDS, loadOrCreateKeys, mintToken } from '../../../local/stack/token-issuer';
import { startTestStack } from '../../support/test-stack';

describe('staff routes behind the local JWT authorizer (as API Gateway + Cognito)', () => {
  let stack: LocalStack;
  let tipId: string;

  beforeAll(async () => {
    stack = await startTestStack('staff-auth', { retryDelayMs: 20 });
    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'tip',
        topic: 'europe',
        message: 'Ferries stopped in Tallinn today',
        consent: true,
      }),
    });
    tipId = ((await res.json()) as { id: string }).id;
  });
  afterAll(async () => stack?.stop());

  const list = (authorization?: string) =>
    fetch(`${stack.apiUrl}/tips`, { headers: authorization ? { authorization } : {} });

  async function expectUnauthorized(res: Response) {
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
  }

  it("accepts a staff access token shaped like Cognito's", async () => {
    const access = await stack.issuer.mint({ user: 'alice' });

    const a = await list(`Bearer ${access}`);

    expect(decodeProtectedHeader(access)).toMatchObject({ alg: 'RS256', kid: stack.issuer.keys.kid });
    expect(decodeJwt(access)).toMatchObject({
      token_use: 'access',
      client_id: stack.issuer.clientId,
      scope: STAFF_SCOPE,
      username: 'alice',
      'cognito:groups': ['staff'],
    });
    expect(decodeJwt(access)).not.toHaveProperty('aud');
    expect(a.status).toBe(200);
    const body = (await a.json()) as { items: { id: string }[] };
    expect(body.items.map((t) => t.id)).toContain(tipId);
  });

  it('refuses an id token (it has aud but no scope), as the staff routes require the Tipline scope: 401', async () => {
    const id = await stack.issuer.mint({ user: 'bob', tokenUse: 'id' });

    const res = await list(`Bearer ${id}`);

    expect(decodeJwt(id)).toMatchObject({ token_use: 'id', aud: stack.issuer.clientId });
    expect(decodeJwt(id)).not.toHaveProperty('scope');
    await expectUnauthorized(res);
  });

  it('refuses a request without a token: 401', async () => {
    await expectUnauthorized(await list());
  });

  it('refuses malformed tokens: 401', async () => {
    await expectUnauthorized(await list('Bearer not-a-jwt'));
    await expectUnauthorized(await list('Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln'));
    await expectUnauthorized(await list('Basic YWxpY2U6c2VjcmV0'));
  });

  it('refuses an expired token: 401', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 7200;
    const expired = await stack.issuer.mint({ user: 'alice', issuedAt, expiresInSeconds: 3600 });

    await expectUnauthorized(await list(`Bearer ${expired}`));
  });

  it('refuses a token from another issuer or for another client: 401', async () => {
    const otherIssuer = await stack.issuer.mint({
      user: 'alice',
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/other',
    });
    const otherClient = await stack.issuer.mint({ user: 'alice', clientId: 'some-other-app' });
    // With the scope, so that only its audience is wrong.
    const otherClientId = await stack.issuer.mint({
      user: 'alice',
      clientId: 'some-other-app',
      tokenUse: 'id',
      scope: STAFF_SCOPE,
    });
    const issuerWithSlash = await stack.issuer.mint({ user: 'alice', issuer: `${stack.issuer.issuer}/` });

    await expectUnauthorized(await list(`Bearer ${otherIssuer}`));
    await expectUnauthorized(await list(`Bearer ${otherClient}`));
    await expectUnauthorized(await list(`Bearer ${otherClientId}`));
    await expectUnauthorized(await list(`Bearer ${issuerWithSlash}`));
  });

  it('refuses a token signed with another key, even one claiming the issuer key id: 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({
      client_id: stack.issuer.clientId,
      username: 'mallory',
      'cognito:groups': ['staff'],
      token_use: 'access',
      scope: STAFF_SCOPE,
    })
      .setProtectedHeader({ alg: 'RS256', kid: stack.issuer.keys.kid })
      .setIssuer(stack.issuer.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    // Another issuer's own kept key (a second data dir) signing for this issuer's URL.
    const dir = mkdtempSync(join(tmpdir(), 'tipline-other-issuer-'));
    const otherKeys = await loadOrCreateKeys(dir);
    const foreign = await mintToken(
      otherKeys,
      { issuer: stack.issuer.issuer, clientId: stack.issuer.clientId },
      { user: 'mallory' },
    );
    rmSync(dir, { recursive: true, force: true });
    const unsigned = `${forged.split('.').slice(0, 2).join('.')}.`;

    await expectUnauthorized(await list(`Bearer ${forged}`));
    await expectUnauthorized(await list(`Bearer ${foreign}`));
    await expectUnauthorized(await list(`Bearer ${unsigned}`));
  });

  describe("verifies as API Gateway's HTTP API JWT authorizer documents, with the Tipline scope required", () => {
    /** Signed with the issuer's own key: a good access token unless a test overrides a part of it. */
    async function signed(
      overrides: Record<string, unknown> = {},
      header: Partial<JWTHeaderParameters> = { alg: 'RS256', kid: stack.issuer.keys.kid },
    ) {
      const now = Math.floor(Date.now() / 1000);
      const claims: JWTPayload = {
        sub: 'a6a1b2c3-0000-4000-8000-000000000001',
        iss: stack.issuer.issuer,
        client_id: stack.issuer.clientId,
        token_use: 'access',
        scope: STAFF_SCOPE,
        username: 'alice',
        'cognito:groups': ['staff'],
        iat: now,
        exp: now + 600,
        ...overrides,
      };
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      const alg = header.alg ?? 'RS256';
      const key = await importJWK(stack.issuer.keys.privateJwk, alg);
      return new SignJWT(claims).setProtectedHeader({ ...header, alg }).sign(key);
    }
    const now = () => Math.floor(Date.now() / 1000);

    it('accepts the good access token these tests start from, and one issued within the clock skew', async () => {
      const good = await signed();
      const skewed = await signed({ iat: now() + Math.floor(CLOCK_SKEW_SECONDS / 2) });

      expect((await list(`Bearer ${good}`)).status).toBe(200);
      expect((await list(`Bearer ${skewed}`)).status).toBe(200);
    });

    it('refuses a token without a kid, or whose kid is not in the JWKS, or not RS256: 401', async () => {
      const noKid = await signed({}, { alg: 'RS256' });
      const unknownKid = await signed({}, { alg: 'RS256', kid: 'not-in-the-jwks' });
      const rs512 = await signed({}, { alg: 'RS512', kid: stack.issuer.keys.kid });

      await expectUnauthorized(await list(`Bearer ${noKid}`));
      await expectUnauthorized(await list(`Bearer ${unknownKid}`));
      await expectUnauthorized(await list(`Bearer ${rs512}`));
    });

    it('refuses a token issued or valid only in the future, or without exp: 401', async () => {
      const futureIat = await signed({ iat: now() + 600, exp: now() + 1200 });
      const futureNbf = await signed({ nbf: now() + 600 });
      const noExp = await signed({ exp: undefined });

      await expectUnauthorized(await list(`Bearer ${futureIat}`));
      await expectUnauthorized(await list(`Bearer ${futureNbf}`));
      await expectUnauthorized(await list(`Bearer ${noExp}`));
    });

    it('checks aud when there is one, and client_id only when there is none: 401', async () => {
      const otherAud = await signed({ aud: 'some-other-app' });
      const otherAuds = await signed({ aud: ['some-other-app', 'yet-another'] });
      const noAudience = await signed({ client_id: undefined });
      // The converse: aud is what counts, whatever client_id says.
      const audOurs = await signed({ aud: stack.issuer.clientId, client_id: 'some-other-app' });

      await expectUnauthorized(await list(`Bearer ${otherAud}`));
      await expectUnauthorized(await list(`Bearer ${otherAuds}`));
      await expectUnauthorized(await list(`Bearer ${noAudience}`));
      expect((await list(`Bearer ${audOurs}`)).status).toBe(200);
    });

    it("refuses a token_use refresh token (Cognito's carry no scope): 401", async () => {
      const refresh = await signed({ token_use: 'refresh', scope: undefined, username: undefined });

      await expectUnauthorized(await list(`Bearer ${refresh}`));
    });

    it('requires the Tipline scope in scope or scp: 401 without it', async () => {
      const cognitoDefault = await signed({ scope: 'aws.cognito.signin.user.admin' });
      const lookalikes = await signed({ scope: `${STAFF_SCOPE}s ${STAFF_SCOPE}/x tipline staff` });
      const noScope = await signed({ scope: undefined });
      const among = await signed({ scope: `openid ${STAFF_SCOPE} email` });
      const scp = await signed({ scope: undefined, scp: [STAFF_SCOPE] });

      await expectUnauthorized(await list(`Bearer ${cognitoDefault}`));
      await expectUnauthorized(await list(`Bearer ${lookalikes}`));
      await expectUnauthorized(await list(`Bearer ${noScope}`));
      expect((await list(`Bearer ${among}`)).status).toBe(200);
      expect((await list(`Bearer ${scp}`)).status).toBe(200);
    });
  });

  it('refuses a valid token without the staff group: 403, on every staff route', async () => {
    const reader = await stack.issuer.mint({ user: 'carol', groups: ['readers'] });
    const none = await stack.issuer.mint({ user: 'dave', groups: [] });
    const auth = { authorization: `Bearer ${reader}` };

    const responses = await Promise.all([
      fetch(`${stack.apiUrl}/tips`, { headers: auth }),
      fetch(`${stack.apiUrl}/tips/${tipId}`, { headers: auth }),
      fetch(`${stack.apiUrl}/tips/export?format=csv`, { headers: auth }),
      fetch(`${stack.apiUrl}/tips/${tipId}`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json', 'if-match': '1' },
        body: JSON.stringify({ status: 'in-review' }),
      }),
      fetch(`${stack.apiUrl}/tips`, { headers: { authorization: `Bearer ${none}` } }),
    ]);

    for (const res of responses) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'forbidden' });
    }
  });

  it('hands the handler the claims where API Gateway puts them: the editor is named in history', async () => {
    const token = await stack.issuer.mint({ user: 'erin', groups: ['admin', 'staff'] });

    const res = await fetch(`${stack.apiUrl}/tips/${tipId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ note: 'checking with the Tallinn stringer' }),
    });

    expect(res.status).toBe(200);
    const tip = (await res.json()) as { history: { by: string; action: string; note?: string }[] };
    expect(tip.history.at(-1)).toMatchObject({
      by: 'erin',
      action: 'note',
      note: 'checking with the Tallinn stringer',
    });
  });

  it('leaves the public routes public', async () => {
    const health = await fetch(`${stack.apiUrl}/health`);
    expect(health.status).toBe(200);
  });
});
