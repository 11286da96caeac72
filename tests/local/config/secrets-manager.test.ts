import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigWithSecrets } from '#core/config/secrets';
import { staffConfigSchema } from '#core/config/staff-config';
import { makeSecretReader } from '#core/platform/secret-reader';

/*
 * The AWS path of the secrets: the real SDK client and Powertools' SecretsProvider, talking to a
 * stand-in for Secrets Manager's GetSecretValue. No Secrets Manager emulator runs on these
 * machines (LocalStack and moto need Docker or PyPI), so this small endpoint is the one fake:
 * it speaks the service's JSON protocol (`X-Amz-Target: secretsmanager.GetSecretValue`), answers
 * SecretString for known ARNs and ResourceNotFoundException for others, and records each call.
 */
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:CursorSecret-AbCdEf';
const VALUE = 'cursor-secret-from-secrets-manager-0123456789';
// Staff also finds tips by a reader's receipt code: it reads the receipt-hash secret too.
const RECEIPT_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ReceiptHashSecret-GhIjKl';
const RECEIPT_VALUE = 'receipt-secret-from-secrets-manager-0123456789';
const SECRETS: Record<string, string> = { [ARN]: VALUE, [RECEIPT_ARN]: RECEIPT_VALUE };

interface Call {
  target: string | undefined;
  signed: boolean;
  body: { SecretId?: string };
}

let server: Server;
let endpoint: string;
const calls: Call[] = [];

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
};

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    calls.push({
      target: req.headers['x-amz-target'] as string | undefined,
      signed: String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '),
      body,
    });
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    const value = body.SecretId === undefined ? undefined : SECRETS[body.SecretId];
    if (value !== undefined) {
      res.end(JSON.stringify({ ARN: body.SecretId, Name: 'secret', SecretString: value, VersionId: 'v1' }));
    } else {
      res.statusCode = 400;
      res.end(
        JSON.stringify({
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        }),
      );
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('secrets from Secrets Manager (SDK + Powertools against a GetSecretValue stand-in)', () => {
  it('reads the secret by its ARN with one signed GetSecretValue', async () => {
    calls.length = 0;
    const read = makeSecretReader({ region: 'us-east-1', endpoint });

    const config = await loadConfigWithSecrets(
      staffConfigSchema,
      {
        TIPS_TABLE: 'tips',
        CLEAN_BUCKET: 'clean',
        CURSOR_SECRET_ARN: ARN,
        RECEIPT_HASH_SECRET_ARN: RECEIPT_ARN,
      },
      read,
    );

    expect(config.CURSOR_SECRET).toBe(VALUE);
    expect(config.RECEIPT_HASH_SECRET).toBe(RECEIPT_VALUE);
    expect([...calls].sort((a, b) => String(a.body.SecretId).localeCompare(String(b.body.SecretId)))).toEqual(
      [
        { target: 'secretsmanager.GetSecretValue', signed: true, body: { SecretId: ARN } },
        { target: 'secretsmanager.GetSecretValue', signed: true, body: { SecretId: RECEIPT_ARN } },
      ],
    );
  });

  it("maps the service's error to a cold-start failure naming the variable", async () => {
    const read = makeSecretReader({ region: 'us-east-1', endpoint });
    await expect(
      loadConfigWithSecrets(
        staffConfigSchema,
        { TIPS_TABLE: 'tips', CURSOR_SECRET_ARN: `${ARN}-gone`, RECEIPT_HASH_SECRET_ARN: RECEIPT_ARN },
        read,
      ),
    ).rejects.toThrow('CURSOR_SECRET_ARN: the secret could not be read (ResourceNotFoundException)');
  });

  it("the staff handler module reads its secret once at load, and serves with it for the container's life", async () => {
    calls.length = 0;
    // What Lambda gives the function in AWS: the ARN only, region and credentials; the SDK's
    // service endpoint variable points it at the stand-in.
    Object.assign(process.env, {
      TIPS_TABLE: 'tips',
      CLEAN_BUCKET: 'clean',
      CURSOR_SECRET_ARN: ARN,
      RECEIPT_HASH_SECRET_ARN: RECEIPT_ARN,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    });
    const { handler } = await import('../../../functions/staff/handler');
    expect(typeof handler).toBe('function');
    // An unauthenticated request is answered by the handler itself: no store, no second read.
    const res = await handler(
      {
        rawPath: '/tips',
        requestContext: { http: { method: 'GET' }, requestId: 'r1' },
        headers: {},
      } as never,
      {} as never,
    );
    await handler(
      {
        rawPath: '/tips',
        requestContext: { http: { method: 'GET' }, requestId: 'r2' },
        headers: {},
      } as never,
      {} as never,
    );
    expect((res as { statusCode: number }).statusCode).toBe(401);
    expect(calls.map((c) => c.body.SecretId).sort()).toEqual([ARN, RECEIPT_ARN]);
  });
});
