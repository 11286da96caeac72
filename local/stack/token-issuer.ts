import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { STAFF_GROUP, STAFF_SCOPE } from '#core/staff/staff-claims';
import type { Authorizer } from './gateway';
import { makeOAuthEndpoints } from './oauth-endpoints';

/**
 * The local stand-in for Cognito: an RS256 key pair created once under the data dir, a JWKS
 * served over HTTP like a user pool's, and tokens shaped like Cognito's access and id tokens.
 * The gateway's authorizer verifies them the way API Gateway's HTTP API JWT authorizer verifies
 * Cognito's (see makeJwtAuthorizer), with the Tipline scope required as on every staff route.
 */
export const LOCAL_CLIENT_ID = 'tipline-local-staff-client';
export const DEFAULT_ISSUER_PORT = 8010;
const ALG = 'RS256';

/**
 * How far the authorizer lets clocks disagree: `iat` and `nbf` may be this far in the future,
 * `exp` this far in the past. Issuer and gateway share a machine locally; a few seconds is plenty.
 */
export const CLOCK_SKEW_SECONDS = 30;

export interface IssuerKeys {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface IssuerSettings {
  issuer: string;
  clientId: string;
}

const KEY_FILE = 'signing-key.json';
const SETTINGS_FILE = 'issuer.json';

/** The issuer's key pair, made on first use and kept (mode 0600): tokens survive a restart. */
export async function loadOrCreateKeys(dir: string): Promise<IssuerKeys> {
  const file = join(dir, KEY_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as IssuerKeys;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const keys: IssuerKeys = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: ALG, use: 'sig' },
  };
  // wx: two processes racing to create keys must not overwrite each other's.
  try {
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return JSON.parse(readFileSync(file, 'utf8')) as IssuerKeys;
    throw err;
  }
  return keys;
}

/** Where the running stack serves its issuer (written at start), so `npm run token` signs for it. */
export function readIssuerSettings(dir: string): IssuerSettings | undefined {
  const file = join(dir, SETTINGS_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as IssuerSettings) : undefined;
}

export function writeIssuerSettings(dir: string, settings: IssuerSettings): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
}

export interface MintOptions {
  user: string;
  /** Cognito groups; the staff API needs `staff`. */
  groups?: string[];
  /**
   * `access` (client_id and the Tipline scope, no aud: what the staff page and CLI send) or `id`
   * (aud = client id, no scope: the staff routes refuse it, as in AWS).
   */
  tokenUse?: 'access' | 'id';
  expiresInSeconds?: number;
  /** Seconds since the epoch the token is issued at (tests make expired tokens with it). */
  issuedAt?: number;
  /** Overrides for tests: another issuer or client id than this issuer's own. */
  issuer?: string;
  clientId?: string;
  /** Override for tests: the `scope` claim (access tokens: STAFF_SCOPE; id tokens: none). */
  scope?: string;
}

/** A token shaped like the one Cognito issues for this user. */
export async function mintToken(
  keys: IssuerKeys,
  settings: IssuerSettings,
  options: MintOptions,
): Promise<string> {
  const {
    user,
    groups = [STAFF_GROUP],
    tokenUse = 'access',
    expiresInSeconds = 3600,
    issuedAt = Math.floor(Date.now() / 1000),
    issuer = settings.issuer,
    clientId = settings.clientId,
    scope = tokenUse === 'access' ? STAFF_SCOPE : undefined,
  } = options;
  const sub = randomUUID();
  const common: JWTPayload = {
    sub,
    ...(groups.length ? { 'cognito:groups': groups } : {}),
    token_use: tokenUse,
    auth_time: issuedAt,
    event_id: randomUUID(),
    origin_jti: randomUUID(),
    ...(scope !== undefined ? { scope } : {}),
  };
  const claims: JWTPayload =
    tokenUse === 'access'
      ? { ...common, client_id: clientId, username: user }
      : { ...common, aud: clientId, 'cognito:username': user };
  const key = await importJWK(keys.privateJwk, ALG);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, kid: keys.kid })
    .setIssuer(issuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + expiresInSeconds)
    .setJti(randomUUID())
    .sign(key);
}

/**
 * Claims as API Gateway hands them to the Lambda: every value a string, arrays written
 * "[a b]" (so `cognito:groups` arrives as "[staff admin]").
 */
export function gatewayClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  );
}

const UNAUTHORIZED = {
  statusCode: 401,
  body: { error: 'unauthorized', message: 'a valid staff token is required' },
} as const;

/** The scopes a token grants: Cognito's `scope` (space-separated) or another issuer's `scp`. */
function scopesOf(payload: JWTPayload): string[] {
  const granted: string[] = [];
  for (const claim of [payload.scope, payload.scp]) {
    if (typeof claim === 'string') granted.push(...claim.split(' ').filter(Boolean));
    else if (Array.isArray(claim)) granted.push(...claim.filter((s): s is string => typeof s === 'string'));
  }
  return granted;
}

/** `aud` must name an allowed audience; `client_id` is looked at only when there is no `aud`. */
function audienceMatches(payload: JWTPayload, audience: string[]): boolean {
  if (payload.aud !== undefined) return [payload.aud].flat().some((aud) => audience.includes(aud));
  return typeof payload.client_id === 'string' && audience.includes(payload.client_id);
}

/**
 * What API Gateway's HTTP API JWT authorizer does with the Authorization header ("Bearer " or
 * not): decode the token; check the algorithm (RS256) and the signature with the key of the
 * issuer's JWKS that the header's `kid` names (a token without a `kid` is refused, even when the
 * JWKS holds a single key); `iss` exactly the issuer; `aud` one of the audiences or, only if the
 * token has no `aud`, `client_id`; `exp` after now, `nbf` and `iat` not after now (within
 * CLOCK_SKEW_SECONDS); and, when the route requires scopes, `scope` or `scp` holding one of them.
 * Cognito's id tokens carry no scope, so staff routes (STAFF_SCOPE) take access tokens only.
 * Every refusal is the same 401. Group membership is the handler's job, not the authorizer's.
 */
export function makeJwtAuthorizer({
  issuer,
  audience,
  scopes,
  jwksUrl = `${issuer}/.well-known/jwks.json`,
}: {
  issuer: string;
  audience: string[];
  /** The route's authorization scopes; an empty list requires none. */
  scopes: string[];
  jwksUrl?: string;
}): Authorizer {
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  const verify = async (token: string): Promise<JWTPayload | undefined> => {
    const header = decodeProtectedHeader(token);
    if (header.alg !== ALG || typeof header.kid !== 'string' || header.kid === '') return undefined;
    const { payload } = await jwtVerify(token, jwks, {
      issuer,
      algorithms: [ALG],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
    // jose checks `iat` only against a maximum age; API Gateway also refuses one in the future.
    const now = Math.floor(Date.now() / 1000);
    if (payload.iat !== undefined && payload.iat > now + CLOCK_SKEW_SECONDS) return undefined;
    if (!audienceMatches(payload, audience)) return undefined;
    if (scopes.length > 0 && !scopesOf(payload).some((s) => scopes.includes(s))) return undefined;
    return payload;
  };
  return async (headers) => {
    const raw = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    const token = raw?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return UNAUTHORIZED;
    const payload = await verify(token).catch(() => undefined);
    if (!payload) return UNAUTHORIZED;
    // As API Gateway, the token's scopes go on the event next to the claims.
    return { claims: gatewayClaims(payload), scopes: scopes.length > 0 ? scopesOf(payload) : null };
  };
}

export interface RunningTokenIssuer extends IssuerSettings {
  url: string;
  keys: IssuerKeys;
  jwksUrl: string;
  authorizer: Authorizer;
  mint(options: MintOptions): Promise<string>;
  close(): Promise<void>;
}

/**
 * Serves the issuer's JWKS and OpenID discovery document, as a Cognito user pool does, and the
 * hosted UI's code-grant endpoints (local/stack/oauth-endpoints.ts).
 */
export async function startTokenIssuer({
  dir,
  port = 0,
  host = '127.0.0.1',
  clientId = LOCAL_CLIENT_ID,
}: {
  dir: string;
  port?: number;
  host?: string;
  clientId?: string;
}): Promise<RunningTokenIssuer> {
  const keys = await loadOrCreateKeys(dir);
  let issuer = '';
  let settings: IssuerSettings = { issuer, clientId };
  const oauth = makeOAuthEndpoints({ clientId, mint: (user) => mintToken(keys, settings, { user }) });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/oauth2/authorize') return oauth.authorize(url, res);
    if (req.method === 'POST' && path === '/oauth2/token') {
      oauth.token(req, res).catch(() => send(500, { error: 'server_error' }));
      return;
    }
    if (req.method !== 'GET') return send(405, { message: 'Method Not Allowed' });
    if (path === '/.well-known/jwks.json') return send(200, { keys: [keys.publicJwk] });
    if (path === '/.well-known/openid-configuration') {
      return send(200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: [ALG],
        subject_types_supported: ['public'],
        authorization_endpoint: `${issuer}/oauth2/authorize`,
        token_endpoint: `${issuer}/oauth2/token`,
        // As the staff app client in AWS: the code grant with PKCE, no implicit grant.
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  issuer = `http://${host}:${actual}`;
  settings = { issuer, clientId };
  writeIssuerSettings(dir, settings);
  const jwksUrl = `${issuer}/.well-known/jwks.json`;
  return {
    ...settings,
    url: issuer,
    keys,
    jwksUrl,
    authorizer: makeJwtAuthorizer({ issuer, audience: [clientId], scopes: [STAFF_SCOPE], jwksUrl }),
    mint: (options) => mintToken(keys, settings, options),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The local issuer's directory under the data dir (`npm start` and this script agree on it). */
export function issuerDir(dataDir = process.env.DATA_DIR || '.data'): string {
  return join(dataDir, 'issuer');
}

/**
 * A token from the local issuer, signed with its kept key for the issuer URL the running stack
 * recorded (or the default one, if the stack has not run yet): what `npm run token` prints.
 */
export async function mintLocalToken(options: MintOptions, dataDir?: string): Promise<string> {
  const dir = issuerDir(dataDir);
  const keys = await loadOrCreateKeys(dir);
  const port = process.env.ISSUER_PORT || String(DEFAULT_ISSUER_PORT);
  const settings: IssuerSettings = readIssuerSettings(dir) ?? {
    issuer: `http://127.0.0.1:${port}`,
    clientId: LOCAL_CLIENT_ID,
  };
  return mintToken(keys, settings, options);
}
