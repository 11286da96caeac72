import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskAlertEmail } from '#core/alerts/desk-alert-email';
import type { LocalStack } from '../../../local/stack/stack';
import { tipRecord } from '../../support/alert-fixtures';
import { emailsMentioning, eventually, validTip } from '../../support/local-env';
import { startTestStack } from '../../support/test-stack';

describe('a desk alert shows a link’s real host, marked as the reader’s', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startTestStack('alert-link', { retryDelayMs: 20 });
  });
  afterAll(async () => stack?.stop());

  it('through the local stack: the alert in the SES mailbox names the punycode host', async () => {
    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validTip({ sourceUrl: 'https://аpple.com/login' })),
    });
    const { id } = (await res.json()) as { id: string };

    const [email] = await eventually(async () => {
      const found = await emailsMentioning(id, stack.sesUrl);
      return found.length > 0 ? found : undefined;
    });

    expect(email?.body.text).toContain(
      'https://xn--pple-43d.com/login (host xn--pple-43d.com, supplied by the reader)',
    );
    expect(email?.body.html).toContain('(host xn--pple-43d.com, supplied by the reader)');
  });

  it('for a link stored before normalisation too: the text as stored, the real host beside it', () => {
    const email = deskAlertEmail(tipRecord({ sourceUrl: 'https://аpple.com/login' }));
    expect(email.text).toContain('https://аpple.com/login (host xn--pple-43d.com, supplied by the reader)');
  });
});
