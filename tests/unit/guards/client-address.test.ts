import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  makeClientAddress,
  ORIGIN_VERIFY_HEADER,
  VIEWER_ADDRESS_HEADER,
  viewerIp,
} from '#core/guards/client-address';
import { httpEvent } from '../../support/events';

const ORIGIN_SECRET = 'origin-verify-unit-secret-0123456789abcdef';
const EDGE_IP = '130.176.1.10'; // what API Gateway sees behind CloudFront: an edge server

function eventFrom(sourceIp: string, headers: Record<string, string> = {}) {
  const event = httpEvent({ headers });
  event.requestContext.http.sourceIp = sourceIp;
  return event;
}

describe('viewerIp reads CloudFront-Viewer-Address', () => {
  it('takes the address before the port, IPv4 and IPv6 (unbracketed, as CloudFront writes it)', () => {
    expect(viewerIp('198.51.100.7:46532')).toBe('198.51.100.7');
    expect(viewerIp('2406:2d40:728d:fa10::c4a:42838')).toBe('2406:2d40:728d:fa10::c4a');
    expect(viewerIp('[2001:db8::1]:443')).toBe('2001:db8::1');
  });

  it('refuses what is not an address and a port', () => {
    for (const bad of [
      undefined,
      '',
      '198.51.100.7',
      'evil:443',
      '198.51.100.7:port',
      ':443',
      '1.2.3.4:443, 5.6.7.8:1',
    ]) {
      expect(viewerIp(bad), String(bad)).toBeUndefined();
    }
  });

  it('round-trips any IPv4 address with any port', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 65535 }), (ip, port) => {
        expect(viewerIp(`${ip}:${port}`)).toBe(ip);
      }),
    );
  });
});

describe('makeClientAddress: which address the per-client limits key on', () => {
  const behindEdge = makeClientAddress({ originSecret: ORIGIN_SECRET });

  it('through CloudFront (the origin secret present): the viewer address', () => {
    const event = eventFrom(EDGE_IP, {
      [ORIGIN_VERIFY_HEADER]: ORIGIN_SECRET,
      [VIEWER_ADDRESS_HEADER]: '198.51.100.7:50123',
    });
    expect(behindEdge(event)).toBe('198.51.100.7');
  });

  it('straight to execute-api with a forged viewer address and no secret: the real source address', () => {
    const event = eventFrom('203.0.113.9', { [VIEWER_ADDRESS_HEADER]: '198.51.100.7:50123' });
    expect(behindEdge(event)).toBe('203.0.113.9');
  });

  it('with a wrong secret (any guess, any length): the real source address', () => {
    fc.assert(
      fc.property(fc.string(), (guess) => {
        fc.pre(guess !== ORIGIN_SECRET);
        const event = eventFrom('203.0.113.9', {
          [ORIGIN_VERIFY_HEADER]: guess,
          [VIEWER_ADDRESS_HEADER]: `198.51.100.${guess.length % 250}:1`,
        });
        expect(behindEdge(event)).toBe('203.0.113.9');
      }),
    );
  });

  it('header names in any case, as API Gateway passes them lowercased and a test might not', () => {
    const event = eventFrom(EDGE_IP, {
      'X-Tipline-Origin-Verify': ORIGIN_SECRET,
      'CloudFront-Viewer-Address': '198.51.100.8:1',
    });
    expect(behindEdge(event)).toBe('198.51.100.8');
  });

  it('through CloudFront with no usable viewer address: the edge address, never a client claim', () => {
    const event = eventFrom(EDGE_IP, {
      [ORIGIN_VERIFY_HEADER]: ORIGIN_SECRET,
      [VIEWER_ADDRESS_HEADER]: 'not-an-address',
    });
    expect(behindEdge(event)).toBe(EDGE_IP);
  });

  it('without an origin secret configured (locally, or no edge): never reads the viewer header', () => {
    const direct = makeClientAddress();
    const event = eventFrom('203.0.113.9', {
      [ORIGIN_VERIFY_HEADER]: '',
      [VIEWER_ADDRESS_HEADER]: '198.51.100.7:50123',
    });
    expect(direct(event)).toBe('203.0.113.9');
    expect(makeClientAddress({ originSecret: '' })(event)).toBe('203.0.113.9');
  });
});
