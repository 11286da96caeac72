import { createHmac } from 'node:crypto';

/**
 * Derives a purpose-bound key from the one configured secret, so the client key, the form
 * token and the message fingerprint never share a key (a leaked value of one is no oracle
 * for another).
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`tipline:${purpose}`).digest();
}

/** Expands an IPv6 address to its eight groups, or undefined when it is not one. */
function ipv6Groups(ip: string): string[] | undefined {
  if (!ip.includes(':')) return undefined;
  const [head = '', tail, ...rest] = ip.toLowerCase().split('::');
  if (rest.length > 0) return undefined;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  return [...left, ...Array.from({ length: missing }, () => '0'), ...right].map((g) => g.padStart(4, '0'));
}

/**
 * One client as the rate limit sees it: an IPv4 address, or an IPv6 /64 (one household or
 * phone gets a whole /64, so rotating within it must not buy a fresh limit).
 */
export function clientNetwork(sourceIp: string): string {
  const ip = sourceIp.trim().replace(/^::ffff:/i, '');
  const groups = ipv6Groups(ip);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip;
}

/**
 * The client key: HMAC-SHA256 of the source network with a secret from config. This is the
 * only form in which a reader's IP is stored or logged: without the secret it cannot be
 * reversed or matched against a list of addresses.
 */
export function makeClientKeyer(secret: string): (sourceIp: string) => string {
  const key = deriveKey(secret, 'client-key');
  return (sourceIp) =>
    createHmac('sha256', key).update(clientNetwork(sourceIp)).digest('base64url').slice(0, 32);
}

export type ClientKeyer = ReturnType<typeof makeClientKeyer>;
