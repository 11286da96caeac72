import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
};

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Pages carry no inline script or style (both are served from /assets): reader text can never run
 * or restyle the page even if escaping failed. `connectSrc` adds origins the page's script may
 * fetch from besides its own (the staff page: the sign-in token endpoint). `files` (the staff
 * page) says where attachment files come from: the site's own origin (CloudFront's `/clean/*`,
 * the local gateway's), for `<img>` and `<video>` only; no plugin and no frame ever.
 */
export function pageCsp(connectSrc: string[] = [], { files = false }: { files?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ...(files ? ["media-src 'self'", "object-src 'none'", "frame-src 'none'"] : []),
    ...(connectSrc.length > 0 ? [`connect-src 'self' ${connectSrc.join(' ')}`] : []),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function html(
  statusCode: number,
  page: string,
  headers: Record<string, string> = {},
  { connectSrc = [], files = false }: { connectSrc?: string[]; files?: boolean } = {},
): HttpResponse {
  return {
    statusCode,
    headers: {
      ...BASE_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': pageCsp(connectSrc, { files }),
      ...headers,
    },
    body: page,
  };
}
