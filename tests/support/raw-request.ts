import { type IncomingHttpHeaders, type RequestOptions, request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One request through node:http, for what fetch will not do: send from a local address of the
 * test's choosing (`localAddress`: the gateway takes sourceIp from the connection), or with a
 * Host of its own (`setHost: false`). The whole answer is read before it resolves.
 */
export function rawRequest(url: URL, options: RequestOptions, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
