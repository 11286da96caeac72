import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import type { LocalStack } from '../../local/stack/stack';
import { validTip } from '../support/local-env';
import { batchWriteTips, seedTip } from '../support/staff-seed';
import { startBrowserStack, stopBrowserStack } from './browser-support';

describe('the inbox shows where a reader’s link really goes', () => {
  let stack: LocalStack;
  let browser: Browser;

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('browser-links'));
  });
  afterAll(() => stopBrowserStack({ stack, browser }));

  async function linkFactOf(id: string) {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/staff`);
      await page.getByLabel('Paste a staff token').fill(await stack.issuer.mint({ user: 'alice' }));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#inbox').waitFor();
      await page.goto(`${stack.apiUrl}/staff#/tips/${id}`);
      const link = page.locator('#tip-facts dd', { has: page.locator('a') });
      await link.waitFor();
      return { text: await link.textContent(), href: await link.locator('a').getAttribute('href') };
    } finally {
      await ctx.close();
    }
  }

  it('a look-alike host submitted today: stored and shown in punycode, marked as the reader’s', async () => {
    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validTip({ sourceUrl: 'https://аpple.com/login' })),
    });
    const { id } = (await res.json()) as { id: string };

    const fact = await linkFactOf(id);

    expect(fact.href).toBe('https://xn--pple-43d.com/login');
    expect(fact.text).toContain('(host xn--pple-43d.com, supplied by the reader)');
  });

  it('a link stored before normalisation: its text as stored, its real host beside it', async () => {
    const old = {
      ...seedTip({ createdAt: new Date('2026-11-20T10:00:00Z') }),
      sourceUrl: 'https://аpple.com/login',
    };
    const { doc } = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    await batchWriteTips(doc, stack.env.TIPS_TABLE as string, [old]);

    const fact = await linkFactOf(old.id);

    expect(fact.text).toContain('https://аpple.com/login');
    expect(fact.text).toContain('(host xn--pple-43d.com, supplied by the reader)');
  });
});
