import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../../local/stack/stack';
import { loadOrCreateKeys, mintToken } from '../../../local/stack/token-issuer';

describe('staff routes behind the local JWT authorizer (as API Gateway + Cognito)', () => {
  let stack: LocalStack;
  let tipId: string;

  beforeAll(async () => {
    stack = await startLocalStack({
      external: { dynamoUrl: inject('dynamoUrl'), sesUrl: inject('sesUrl') },
      tableName: `staff-auth-${Date.now()}`,
      retryDelayMs: 20,
    });
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

  it('accepts a staff access token and an id token', async () => {
    const access = await stack.issuer.mint({ user: 'alice' });
    const id = await stack.issuer.mint({ user: 'bob', tokenUse: 'id' });

    const a = await list(`Bearer ${access}`);
    const b = await list(`Bearer ${id}`);

    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const body = (await a.json()) as { items: { id: string }[] };
    expect(body.items.map((t) => t.id)).toContain(tipId);
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
    const otherClientId = await stack.issuer.mint({
      user: 'alice',
      clientId: 'some-other-app',
      tokenUse: 'id',
    });

    await expectUnauthorized(await list(`Bearer ${otherIssuer}`));
    await expectUnauthorized(await list(`Bearer ${otherClient}`));
    await expectUnauthorized(await list(`Bearer ${otherClientId}`));
  });

  it('refuses a token signed with another key, even one claiming the issuer key id: 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({
      client_id: stack.issuer.clientId,
      username: 'mallory',
      'cognito:groups': ['staff'],
      token_use: 'access',
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
