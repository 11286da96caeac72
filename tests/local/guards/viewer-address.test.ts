import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '#core/guards/client-address';
import { RECEIPT_RATE } from '#core/receipts/receipt-guard';
import type { LocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';
import { silenceFunctions } from '../../support/quiet-logger';
import { rawRequest } from '../../support/raw-request';
import { startTestStack } from '../../support/test-stack';

const ORIGIN_SECRET = 'local-test-origin-verify-secret-0123456789';

/** A request from one local address (every 127/8 address reaches the gateway), with extra headers. */
function send(
  stack: LocalStack,
  from: string,
  { method, path, body }: { method: 'GET' | 'POST'; path: string; body?: string },
  headers: Record<string, string> = {},
): Promise<number> {
  const bodyHeaders: Record<string, string | number> = body
    ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
    : {};
  return rawRequest(
    new URL(path, stack.apiUrl),
    { method, localAddress: from, headers: { ...bodyHeaders, ...headers } },
    body,
  ).then((answer) => answer.status);
}

const postTip = (stack: LocalStack, from: string, headers: Record<string, string> = {}) =>
  send(stack, from, { method: 'POST', path: '/tips', body: JSON.stringify(validTip()) }, headers);

/** A receipt check with a code nobody has: 404 until the client's receipt limit answers 429. */
const checkReceipt = (stack: LocalStack, from: string, headers: Record<string, string> = {}) =>
  send(stack, from, { method: 'GET', path: '/receipts/AAAA-BBBB-CCCC' }, headers);

async function statuses(n: number, send: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await send(i));
  return out;
}

// The local gateway is the execute-api endpoint: it passes a client's headers through as they
// came, so a forged CloudFront-Viewer-Address reaches the function exactly as it would in AWS.
describe('the per-client limit keys on the viewer address only when the request came through CloudFront', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    silenceFunctions();
    stack = await startTestStack('viewer-address', {
      env: { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '600', ORIGIN_VERIFY_SECRET: ORIGIN_SECRET },
    });
  });
  afterAll(async () => stack?.stop());

  it('a client forging a new CloudFront-Viewer-Address on every request still meets its limit', async () => {
    const seen = await statuses(4, (i) =>
      postTip(stack, '127.0.41.1', { [VIEWER_ADDRESS_HEADER]: `198.51.100.${i + 1}:4000` }),
    );
    expect(seen).toEqual([201, 201, 429, 429]);
  });

  it('a wrong origin secret is the same as none', async () => {
    const seen = await statuses(3, (i) =>
      postTip(stack, '127.0.41.2', {
        [ORIGIN_VERIFY_HEADER]: `${ORIGIN_SECRET}x`,
        [VIEWER_ADDRESS_HEADER]: `198.51.100.${i + 20}:4000`,
      }),
    );
    expect(seen).toEqual([201, 201, 429]);
  });

  it('through the edge (the secret present), readers behind one edge address each get their own limit', async () => {
    const edge = '127.0.41.3';
    const viaEdge = (viewer: string) =>
      postTip(stack, edge, {
        [ORIGIN_VERIFY_HEADER]: ORIGIN_SECRET,
        [VIEWER_ADDRESS_HEADER]: `${viewer}:443`,
      });
    const first = await statuses(3, () => viaEdge('198.51.100.50'));
    const second = await statuses(2, () => viaEdge('2001:db8:50::7'));
    expect(first).toEqual([201, 201, 429]);
    expect(second).toEqual([201, 201]);
  });

  it(`receipts too: forged viewer addresses meet the one limit (${RECEIPT_RATE.limit} per window); through the edge each viewer has its own`, async () => {
    const forged = await statuses(RECEIPT_RATE.limit + 1, (i) =>
      checkReceipt(stack, '127.0.41.4', { [VIEWER_ADDRESS_HEADER]: `198.51.100.${i + 1}:4000` }),
    );
    expect(forged.slice(0, RECEIPT_RATE.limit).every((s) => s === 404)).toBe(true);
    expect(forged.at(-1)).toBe(429);

    const viaEdge = await statuses(RECEIPT_RATE.limit + 1, (i) =>
      checkReceipt(stack, '127.0.41.5', {
        [ORIGIN_VERIFY_HEADER]: ORIGIN_SECRET,
        [VIEWER_ADDRESS_HEADER]: `198.51.100.${i + 1}:4000`,
      }),
    );
    expect(viaEdge.every((s) => s === 404)).toBe(true);
  });
});
