import { randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type FunctionName, ROUTES, type RouteSpec, routeKey } from '#core/api/routes';
import { FILE_PATH_PREFIXES, FILE_RESPONSE_HEADERS } from '#core/uploads/file-response-headers';

export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2,
  context: { awsRequestId: string },
) => Promise<APIGatewayProxyStructuredResultV2>;

/** What the JWT authorizer would put on the event (claims, and scopes if the route requires some), or an HTTP refusal. */
export type Authorizer = (
  headers: Record<string, string>,
) => Promise<
  | { claims: Record<string, string | number | boolean | string[]>; scopes?: string[] | null }
  | { statusCode: number; body: unknown }
>;

export interface GatewayProps {
  handlers: Partial<Record<FunctionName, LambdaHttpHandler>>;
  authorizer?: Authorizer;
  routes?: RouteSpec[];
  /**
   * Endpoints that exist only on a laptop (never in ROUTES, so never in AWS), keyed
   * `METHOD /path`: the staff page's "Get a local token" button posts to one.
   */
  localRoutes?: Record<string, LocalRoute>;
  /**
   * The clean bucket on the local S3 server: the gateway serves `/clean/*` and `/originals/*`
   * from it as CloudFront does in AWS (infra/edge.ts serveAttachmentFiles): the presigned query
   * string goes on unchanged, and the answer gets nosniff, the sandbox CSP, no referrer, no-store.
   */
  files?: { s3Url: string; bucket: string };
  port?: number;
  host?: string;
}

/** What a local route sees of a request: its body, its headers and the port the gateway listens on. */
export interface LocalRequest {
  body: Buffer;
  headers: IncomingHttpHeaders;
  port: number;
}

export type LocalRoute = (request: LocalRequest) => Promise<{ statusCode: number; body: unknown }>;

export interface RunningGateway {
  port: number;
  url: string;
  server: Server;
  close(): Promise<void>;
}

// API Gateway's own payload limit; the intake function enforces its stricter 64 KiB.
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/i;

/** The body as text if it is valid UTF-8 (no U+FFFD for bad bytes, no BOM dropped), else undefined. */
function utf8Text(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return undefined;
  }
}

function matchRoute(routes: RouteSpec[], method: string, path: string) {
  let best: { route: RouteSpec; params: Record<string, string>; literal: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const want = route.path.split('/');
    const got = path.split('/');
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    let literal = 0;
    let ok = true;
    for (let i = 0; i < want.length && ok; i++) {
      const w = want[i] ?? '';
      const g = got[i] ?? '';
      if (w.startsWith('{') && w.endsWith('}')) {
        if (g === '') ok = false;
        else params[w.slice(1, -1)] = decodeURIComponent(g);
      } else if (w === g) literal++;
      else ok = false;
    }
    // As API Gateway: the most specific route wins (/tips/export over /tips/{id}).
    if (ok && (!best || literal > best.literal)) best = { route, params, literal };
  }
  return best;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > GATEWAY_MAX_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  statusCode: number,
  headers: Record<string, string>,
  body: string | Buffer,
) {
  res.writeHead(statusCode, headers);
  res.end(body);
}

/** The API Gateway v2 (payload 2.0) event a Lambda would get for this request. */
export function toEvent(
  req: IncomingMessage,
  body: Buffer,
  route: RouteSpec,
  params: Record<string, string>,
  requestId: string,
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (k === 'cookie') cookies.push(...String(v).split(/;\s*/));
    else headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const contentType = headers['content-type'] ?? '';
  // As API Gateway: a body goes as text only if it is text, and valid UTF-8 text at that; any
  // other is base64 with isBase64Encoded, and the function's parser refuses what it cannot decode.
  const text = body.length === 0 ? '' : TEXT_TYPES.test(contentType) ? utf8Text(body) : undefined;
  const isText = text !== undefined;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: req.headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: text ?? body.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}

// What the proxy does not pass on either way: hop-by-hop headers, and the viewer's Host (the S3
// server's own is the one signed).
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

const isFilePath = (path: string) => FILE_PATH_PREFIXES.some((p) => path.startsWith(`/${p}`));

/** One file request, on to the S3 server's bucket by path, and its answer back with the file headers. */
function proxyFile(req: IncomingMessage, res: ServerResponse, files: { s3Url: string; bucket: string }) {
  // The path as the route check read it (dot segments resolved), in the bucket, with its query.
  const asked = new URL(req.url ?? '/', 'http://local');
  const target = new URL(`/${files.bucket}${asked.pathname}${asked.search}`, files.s3Url);
  // The bucket is private in AWS; s3rver serves anyone. Without a presigned query there is nothing
  // to pass on (s3rver then checks its expiry and key id, though not the signature itself).
  if (!target.searchParams.has('X-Amz-Signature') || !target.searchParams.has('X-Amz-Credential')) {
    send(
      res,
      403,
      { 'content-type': 'application/json', ...FILE_RESPONSE_HEADERS },
      '{"message":"Access Denied"}',
    );
    return;
  }
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([k, v]) => v !== undefined && !HOP_BY_HOP.has(k)),
  );
  const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(answer.headers)) {
      if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
    }
    res.writeHead(answer.statusCode ?? 502, { ...out, ...FILE_RESPONSE_HEADERS });
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) send(res, 502, { 'content-type': 'application/json' }, '{"message":"Bad Gateway"}');
    else res.destroy();
  });
  upstream.end();
}

export async function startGateway({
  handlers,
  authorizer,
  routes = ROUTES,
  localRoutes = {},
  files,
  port = 3000,
  host = '127.0.0.1',
}: GatewayProps): Promise<RunningGateway> {
  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      if (files && isFilePath(path) && (req.method === 'GET' || req.method === 'HEAD')) {
        proxyFile(req, res, files);
        return;
      }
      const local = localRoutes[`${req.method} ${path}`];
      if (local) {
        const body = await readBody(req);
        const result = await local({
          body: body === 'too-large' ? Buffer.alloc(0) : body,
          headers: req.headers,
          port: (server.address() as AddressInfo).port,
        });
        send(
          res,
          result.statusCode,
          { 'content-type': 'application/json', 'cache-control': 'no-store' },
          JSON.stringify(result.body),
        );
        return;
      }
      const match = matchRoute(routes, req.method ?? 'GET', path);
      const handler = match && handlers[match.route.target];
      if (!match || !handler) {
        send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
        return;
      }
      const body = await readBody(req);
      if (body === 'too-large') {
        send(
          res,
          413,
          { 'content-type': 'application/json' },
          JSON.stringify({ message: 'Request Entity Too Large' }),
        );
        return;
      }
      const event = toEvent(req, body, match.route, match.params, requestId);
      if (match.route.auth === 'staff') {
        if (!authorizer) throw new Error('staff route without an authorizer');
        const verdict = await authorizer(event.headers as Record<string, string>);
        if ('statusCode' in verdict) {
          send(res, verdict.statusCode, { 'content-type': 'application/json' }, JSON.stringify(verdict.body));
          return;
        }
        (event.requestContext as unknown as Record<string, unknown>).authorizer = {
          jwt: { claims: verdict.claims, scopes: verdict.scopes ?? null },
        };
      }
      const result = await handler(event, { awsRequestId: requestId });
      const headers: Record<string, string> = { 'apigw-requestid': requestId };
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
      const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
      send(res, result.statusCode ?? 200, headers, payload);
    } catch (err) {
      // As API Gateway when the integration fails: the Lambda's error never reaches the client.
      console.error(
        JSON.stringify({
          level: 'ERROR',
          message: 'integration failed',
          requestId,
          error: err instanceof Error ? err.name : 'unknown',
        }),
      );
      if (!res.headersSent)
        send(
          res,
          500,
          { 'content-type': 'application/json' },
          JSON.stringify({ message: 'Internal Server Error' }),
        );
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://${host}:${actual}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
