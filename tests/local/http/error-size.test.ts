import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validationErrorBodySchema } from '#core/api/response-schemas';
import type { LocalStack } from '../../../local/stack/stack';
import { validTip } from '../../support/local-env';
import { startTestStack } from '../../support/test-stack';

describe('validation answers stay small whatever the body holds (through the local gateway)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('error-size', { retryDelayMs: 20 });
  });
  afterAll(async () => stack?.stop());

  const post = async (body: Record<string, unknown>) => {
    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      bytes: Buffer.byteLength(text),
      body: validationErrorBodySchema.parse(JSON.parse(text)),
    };
  };

  it('5,000 unknown fields: under 8 KB, the first 20 issues and the count of all', async () => {
    const body: Record<string, unknown> = validTip({ message: 'short' });
    for (let n = 0; n < 5_000; n++) body[`u${n}`] = 0; // ~50 KB, under the 64 KiB body limit

    const answer = await post(body);

    expect(answer.status).toBe(400);
    expect(answer.bytes).toBeLessThan(8 * 1024);
    expect(answer.body.issueCount).toBe(5_001);
    expect(answer.body.issues).toHaveLength(20);
    // The field rule comes first: the reader's real mistake is never cut off by junk fields.
    expect(answer.body.issues[0]).toEqual({ path: 'message', message: expect.stringMatching(/at least 10/) });
  });

  it('one unknown field with a 60,000-character name: under 8 KB', async () => {
    const answer = await post({ ...validTip(), ['x'.repeat(60_000)]: 1 });

    expect(answer.status).toBe(400);
    expect(answer.bytes).toBeLessThan(8 * 1024);
    expect(answer.body.issueCount).toBe(1);
  });
});
