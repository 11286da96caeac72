import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import type { LocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';
import { startTestStack } from '../../support/test-stack';

/** A tip's JSON with `bytes` where the message says MARK: bytes no JSON.stringify would write. */
function tipWithBytes(bytes: number[]): Buffer {
  const [before, after] = JSON.stringify(validTip({ message: 'Ferries stopped at MARK this morning' })).split(
    'MARK',
  );
  return Buffer.concat([Buffer.from(before ?? ''), Buffer.from(bytes), Buffer.from(after ?? '')]);
}

describe('the local gateway passes bodies to the function as API Gateway does', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('gateway-body', { retryDelayMs: 20 });
  });
  afterAll(async () => stack?.stop());

  const postTip = (body: Buffer | string) =>
    fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('a JSON body that is not valid UTF-8 reaches the function base64-encoded and is refused: 400 malformed_body', async () => {
    const invalid = [
      [0xff, 0xfe], // never in UTF-8
      [0xc3], // a two-byte sequence cut short
      [0xc0, 0xaf], // an overlong "/"
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate
    ];

    const responses = await Promise.all(invalid.map((bytes) => postTip(tipWithBytes(bytes))));

    for (const res of responses) {
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'malformed_body' });
    }
  });

  it('valid UTF-8 (Cyrillic, emoji) still reaches the function as text: 201, stored as sent', async () => {
    const message = 'Паромы между Таллином и Хельсинки остановлены 🚢⛴️ сегодня утром';

    const res = await postTip(Buffer.from(JSON.stringify(validTip({ message })), 'utf8'));

    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const { doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const { Item } = await doc.send(new GetCommand({ TableName: stack.env.TIPS_TABLE, Key: { id } }));
    expect(Item).toMatchObject({ message });
  });
});
