import { CLEAN_PREFIX, ORIGINALS_PREFIX } from './storage-layout';

/**
 * The key prefixes the site serves from the clean bucket (CloudFront's behaviours in AWS,
 * infra/edge.ts; the local gateway's file routes): a signed GET of a clean copy or a kept
 * original, and nothing else of the bucket.
 */
export const FILE_PATH_PREFIXES = [CLEAN_PREFIX, ORIGINALS_PREFIX] as const;

/**
 * What every file answer carries, added by the site because a presigned S3 GET cannot: the
 * browser never sniffs a type other than the one signed (nosniff); a file that does open as a
 * document (an HTML page, an SVG) runs in an opaque origin with no script, no requests and no
 * access to the inbox (sandbox); no Referer leaks the signed URL; nothing is cached on the way.
 */
export const FILE_RESPONSE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;
