import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STAFF_SCOPE } from '#core/staff/staff-claims';

/** How long a code may wait to be traded (Cognito's are valid 5 minutes). */
const CODE_TTL_MS = 5 * 60_000;

/** Only the staff page of a stack on this machine may receive a code. */
const LOCAL_REDIRECT = /^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}\/staff$/;
const LOCAL_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/;

interface PendingCode {
  challenge: string;
  redirectUri: string;
  user: string;
  issuedAt: number;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * The local stand-in for the hosted UI's `/oauth2/authorize` and `/oauth2/token`, for the
 * authorization code grant with PKCE only, as the staff app client is configured in AWS. Stricter
 * than Cognito where it helps a test: a request without an S256 challenge is refused (Cognito
 * would accept it), so the staff page's PKCE is checked, not assumed. There is no login page: the
 * user is the `login_hint` (default alice), as any local token is anyone's on the laptop.
 */
export function makeOAuthEndpoints({
  clientId,
  mint,
}: {
  clientId: string;
  mint: (user: string) => Promise<string>;
}) {
  const pending = new Map<string, PendingCode>();

  function authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    // Never redirect to a place that is not a local staff page: answer here instead.
    if (!LOCAL_REDIRECT.test(redirectUri) || q.get('client_id') !== clientId) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 'invalid_request', error_description: 'unknown client or redirect_uri' }),
      );
      return;
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const challenge = q.get('code_challenge') ?? '';
    const scopes = (q.get('scope') ?? '').split(' ');
    if (q.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
    else if (q.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(challenge)) {
      back.searchParams.set('error', 'invalid_request');
    } else if (!scopes.includes(STAFF_SCOPE)) back.searchParams.set('error', 'invalid_scope');
    else {
      const code = randomUUID();
      const user = q.get('login_hint') || 'alice';
      pending.set(code, { challenge, redirectUri, user, issuedAt: Date.now() });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.href, 'cache-control': 'no-store' });
    res.end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    // The staff page calls this from another port (another origin), as it calls Cognito's.
    const cors: Record<string, string> =
      origin && LOCAL_ORIGIN.test(origin) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const code = form.get('code') ?? '';
    const entry = pending.get(code);
    // A code is good once, whatever happens next.
    pending.delete(code);
    const valid =
      form.get('grant_type') === 'authorization_code' &&
      entry !== undefined &&
      Date.now() - entry.issuedAt < CODE_TTL_MS &&
      form.get('client_id') === clientId &&
      form.get('redirect_uri') === entry.redirectUri &&
      s256(form.get('code_verifier') ?? '') === entry.challenge;
    if (!valid) return answer(400, { error: 'invalid_grant' });
    answer(200, { access_token: await mint(entry.user), token_type: 'Bearer', expires_in: 3600 });
  }

  return { authorize, token };
}

/**
 * The staff page's hosted sign-in pointed at the local issuer, shaped as infra/staff-auth.ts
 * builds Cognito's (STAFF_SIGN_IN_URL, STAFF_TOKEN_URL).
 */
export function localHostedSignIn(issuerUrl: string, clientId: string, apiUrl: string) {
  return {
    signInUrl: [
      `${issuerUrl}/oauth2/authorize?response_type=code`,
      `client_id=${clientId}`,
      `scope=openid+${encodeURIComponent(STAFF_SCOPE)}`,
      `redirect_uri=${apiUrl}/staff`,
    ].join('&'),
    tokenUrl: `${issuerUrl}/oauth2/token`,
  };
}
