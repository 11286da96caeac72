import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { header } from '#core/http/request';

/**
 * The header CloudFront adds to every request it sends to the API (a custom origin header,
 * infra/edge.ts), carrying ORIGIN_VERIFY_SECRET. CloudFront overwrites a viewer's header of the
 * same name, so only a request that came through the distribution carries the right value.
 */
export const ORIGIN_VERIFY_HEADER = 'x-tipline-origin-verify';

/** `<ip>:<port>` of the viewer, set by CloudFront (origin request policy); a viewer cannot set it. */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/** The IP of a `CloudFront-Viewer-Address` value (`198.51.100.7:443`, `2001:db8::1:443`), or undefined. */
export function viewerIp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const colon = value.lastIndexOf(':');
  if (colon < 1 || !/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
  const ip = value.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return isIP(ip) ? ip : undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface ClientAddressOptions {
  /**
   * ORIGIN_VERIFY_SECRET. Unset (locally, or a stack without the edge), the viewer-address
   * header is never read: every request is keyed on the address API Gateway saw.
   */
  originSecret?: string | undefined;
}

/**
 * The address the per-client limits key on. Behind CloudFront, API Gateway's `sourceIp` is a
 * CloudFront edge server shared by thousands of readers, so the viewer's own address is taken
 * from `CloudFront-Viewer-Address` — but only when the request proves it came through the
 * distribution (the origin secret). The execute-api endpoint stays reachable directly, and a
 * client calling it could send any `CloudFront-Viewer-Address` it likes: without the secret it
 * is ignored and the client is keyed on its real address.
 */
export function makeClientAddress({ originSecret }: ClientAddressOptions = {}) {
  const expected = originSecret ? digest(originSecret) : undefined;
  const viaEdge = (event: APIGatewayProxyEventV2): boolean => {
    const given = header(event, ORIGIN_VERIFY_HEADER);
    // Compared as digests: equal length, constant time, whatever the client sent.
    return expected !== undefined && given !== undefined && timingSafeEqual(digest(given), expected);
  };
  return (event: APIGatewayProxyEventV2): string => {
    const sourceIp = event.requestContext?.http?.sourceIp ?? 'unknown';
    if (!viaEdge(event)) return sourceIp;
    // Through the edge without a usable viewer address is a misconfigured policy: the edge's
    // own address is still a real one (all its viewers share one limit), never a client's claim.
    return viewerIp(header(event, VIEWER_ADDRESS_HEADER)) ?? sourceIp;
  };
}

export type ClientAddress = ReturnType<typeof makeClientAddress>;
