import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import type { LocalStack } from '../../local/stack/stack';
import { validTip } from '../support/local-env';
import { batchWriteTips, tipsOverTime } from '../support/staff-seed';
import { startTestStack } from '../support/test-stack';
import { seriousA11yViolations, startBrowserStack, stopBrowserStack } from './browser-support';

const XSS = '<img src=x onerror="window.__xss = true">';

describe('the staff inbox in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  const word = `kestrel${Date.now()}`;
  let target: { id: string; receipt: string };

  async function submit(overrides: Record<string, unknown>): Promise<{ id: string; receipt: string }> {
    const res = await fetch(`${stack.apiUrl}/tips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validTip(overrides)),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; receipt: string };
  }

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('browser-inbox'));
    await submit({
      topic: 'europe',
      subject: 'Ferry strike',
      message: 'Ferries in Tallinn stopped this morning',
    });
    await submit({
      topic: 'middle-east',
      subject: 'Another one',
      message: 'Power cuts in Beirut every evening',
    });
    target = await submit({
      topic: 'middle-east',
      subject: 'Checkpoint rumours',
      message: `A ${word} says the Allenby crossing will close on Friday`,
    });
    await submit({
      topic: 'asia-pacific',
      subject: `Look ${XSS}`,
      message: `Script test ${XSS} ${word}-xss`,
    });
  });
  afterAll(() => stopBrowserStack({ stack, browser }));

  /** A browser context for one editor. `bypassCSP` lets a test prove escaping alone keeps markup inert. */
  async function editor(options: { bypassCSP?: boolean } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      bypassCSP: options.bypassCSP ?? false,
    });
    const page = await ctx.newPage();
    return { ctx, page };
  }

  async function signInWithPastedToken(page: Page, user: string) {
    await page.goto(`${stack.apiUrl}/staff`);
    await page.getByLabel('Paste a staff token').fill(await stack.issuer.mint({ user }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#inbox').waitFor();
  }

  async function openTargetByFilter(page: Page) {
    await page.getByLabel('Topic').selectOption('middle-east');
    await page.getByLabel('Text').fill(word);
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('#tips > li').count()).toBe(1);
    await page.getByRole('link', { name: 'Checkpoint rumours' }).click();
    await expect.poll(() => page.locator('#tip-title').textContent()).toContain(target.id);
    // The inbox never shows the reader's receipt code.
    expect(await page.locator('body').textContent()).not.toContain(target.receipt);
  }

  it('an editor finds the tip of a receipt code a reader reads out, whatever other filter is set', async () => {
    const { ctx, page } = await editor();
    try {
      await signInWithPastedToken(page, 'carol');
      await page.getByLabel('Topic').selectOption('europe');
      await page.getByLabel(/Receipt code/).fill(target.receipt.toLowerCase().replace(/-/g, ' '));
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => page.locator('#tips > li').count()).toBe(1);
      expect(await page.locator('#tips').textContent()).toContain('Checkpoint rumours');
      await page.getByLabel(/Receipt code/).fill('ZZZZ-ZZZZ-ZZZZ');
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => page.locator('#tips > li').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  it('an editor signs in, finds the tip by filter and moves it to in-review with a note; a stale save gets the conflict message', async () => {
    const alice = await editor();
    const bob = await editor();
    try {
      await signInWithPastedToken(alice.page, 'alice');
      expect(await alice.page.locator('#who').textContent()).toContain('alice');
      // Bob uses the local-only button instead of pasting.
      await bob.page.goto(`${stack.apiUrl}/staff`);
      await bob.page.getByLabel('User name').fill('bob');
      await bob.page.getByRole('button', { name: 'Get a local token' }).click();
      await bob.page.locator('#inbox').waitFor();

      await openTargetByFilter(alice.page);
      await openTargetByFilter(bob.page);

      await alice.page.locator('#triage').getByLabel('Status').selectOption('in-review');
      await alice.page.getByLabel('Note for the history').fill('Calling the border authority this afternoon');
      await alice.page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => alice.page.locator('#saved').textContent()).toContain('Saved');
      const facts = await alice.page.locator('#tip-facts').textContent();
      expect(facts).toContain('in-review');
      const history = await alice.page.locator('#tip-history').textContent();
      expect(history).toContain('Calling the border authority this afternoon');
      expect(history).toContain('alice');

      // Bob still has the version he opened: his save must not overwrite Alice's.
      await bob.page.getByLabel('Assignee').fill('bob');
      await bob.page.getByRole('button', { name: 'Save' }).click();
      const conflict = bob.page.locator('#conflict');
      await conflict.waitFor();
      expect(await conflict.textContent()).toContain('Someone else changed this tip while you had it open');
      expect(await conflict.textContent()).toContain('Your changes were not saved');
      await bob.page.getByRole('button', { name: 'Reload the tip' }).click();
      await expect.poll(() => bob.page.locator('#tip-facts').textContent()).toContain('in-review');
      expect(await bob.page.locator('#conflict').isHidden()).toBe(true);
    } finally {
      await alice.ctx.close();
      await bob.ctx.close();
    }
  });

  it('shows reader markup as text in the list and on the tip page, and no script runs', async () => {
    const { ctx, page } = await editor({ bypassCSP: true });
    try {
      await signInWithPastedToken(page, 'carol');
      await page.getByLabel('Text').fill(`${word}-xss`);
      await page.getByRole('button', { name: 'Filter' }).click();
      const item = page.locator('#tips > li');
      await expect.poll(() => item.count()).toBe(1);
      expect(await item.textContent()).toContain(XSS);
      expect(await page.locator('#tips img').count()).toBe(0);

      await item.getByRole('link').click();
      await expect.poll(() => page.locator('#tip-message').textContent()).toContain(XSS);
      expect(await page.locator('#tip-title').textContent()).toContain(XSS);
      expect(await page.locator('main img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: boolean }).__xss)).toBeUndefined();
    } finally {
      await ctx.close();
    }
  });

  it('counts the tips that arrived since the last visit', async () => {
    const { ctx, page } = await editor();
    try {
      await signInWithPastedToken(page, 'dana');
      await page.locator('#tips > li').first().waitFor();
      expect(await page.locator('#new-badge').isHidden()).toBe(true);
      await submit({ topic: 'africa', subject: 'Fresh one', message: 'Fuel queues in Kano since Monday' });
      await submit({
        topic: 'americas',
        subject: 'Fresh two',
        message: 'Flooding in Porto Alegre again today',
      });

      // A later visit: a new tab of the same browser profile (the sign-in lasts per tab).
      const later = await ctx.newPage();
      await signInWithPastedToken(later, 'dana');
      await expect.poll(() => later.locator('#new-badge').textContent()).toBe('2 new since your last visit');
      expect(await later.locator('#tips > li.is-new').count()).toBe(2);
    } finally {
      await ctx.close();
    }
  });

  it('refuses an expired token and one the gateway does not accept, with a message each time', async () => {
    const { ctx, page } = await editor();
    try {
      await page.goto(`${stack.apiUrl}/staff`);
      const expired = await stack.issuer.mint({
        user: 'erin',
        issuedAt: Math.floor(Date.now() / 1000) - 7200,
      });
      await page.getByLabel('Paste a staff token').fill(expired);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#status-line').textContent()).toContain('expired');
      expect(await page.locator('#inbox').isHidden()).toBe(true);

      const foreign = await stack.issuer.mint({ user: 'erin', issuer: 'https://elsewhere.example' });
      await page.getByLabel('Paste a staff token').fill(foreign);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#status-line').textContent()).toContain('not accepted');
      expect(await page.locator('#sign-in').isVisible()).toBe(true);
      expect(await page.locator('#inbox').isHidden()).toBe(true);
    } finally {
      await ctx.close();
    }
  });

  it('signs in through the hosted UI with the code grant and PKCE, leaving no code or token in the address', async () => {
    // A stack whose staff page signs in as in AWS, against the local issuer's /oauth2 endpoints.
    const hosted = await startTestStack('browser-hosted', { hostedSignIn: true });
    const { ctx, page } = await editor();
    try {
      const authorizeRequests: URL[] = [];
      const tokenRequests: string[] = [];
      page.on('request', (req) => {
        const url = new URL(req.url());
        if (url.pathname === '/oauth2/authorize') authorizeRequests.push(url);
        if (url.pathname === '/oauth2/token') tokenRequests.push(req.postData() ?? '');
      });
      await page.goto(`${hosted.apiUrl}/staff`);
      expect(await page.locator('#token-form').count()).toBe(0);
      await page.getByRole('link', { name: 'Sign in with your newsroom account' }).click();
      await page.locator('#inbox').waitFor();

      expect(await page.locator('#who').textContent()).toContain('alice');
      const [authorize] = authorizeRequests;
      expect(authorize?.searchParams.get('response_type')).toBe('code');
      expect(authorize?.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize?.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(authorize?.searchParams.get('state')).toMatch(/^[\w-]{22}$/);
      // The code was traded with a verifier whose S256 is the challenge (the issuer checks it).
      const trade = new URLSearchParams(tokenRequests[0] ?? '');
      expect(trade.get('grant_type')).toBe('authorization_code');
      expect(trade.get('code_verifier')).toMatch(/^[\w-]{43}$/);
      expect(page.url()).toBe(`${hosted.apiUrl}/staff`);
      // The token stays in this tab's sessionStorage, never in the address or a cookie.
      expect(await ctx.cookies()).toEqual([]);
    } finally {
      await ctx.close();
      await hosted.stop();
    }
  });

  it('takes no token from the address (no implicit grant) and refuses a code it did not ask for', async () => {
    const { ctx, page } = await editor();
    try {
      const token = await stack.issuer.mint({ user: 'gita' });
      await page.goto(`${stack.apiUrl}/staff#access_token=${token}&token_type=Bearer&expires_in=3600`);
      await page.locator('#sign-in').waitFor();
      expect(await page.locator('#inbox').isHidden()).toBe(true);

      await page.goto(`${stack.apiUrl}/staff?code=forged&state=forged`);
      await page.locator('#sign-in').waitFor();
      expect(await page.locator('#inbox').isHidden()).toBe(true);
      expect(page.url()).toBe(`${stack.apiUrl}/staff`);
    } finally {
      await ctx.close();
    }
  });

  it('a reply from the desk reaches the reader’s follow-up page, and what the reader adds reaches the tip', async () => {
    const tip = await submit({
      topic: 'americas',
      subject: 'Port strike',
      message: `Santos dockers walk out (${word})`,
    });
    const desk = await editor();
    const reader = await editor({ bypassCSP: true });
    try {
      await signInWithPastedToken(desk.page, 'hana');
      await desk.page.goto(`${stack.apiUrl}/staff#/tips/${tip.id}`);
      await expect.poll(() => desk.page.locator('#tip-title').textContent()).toContain(tip.id);
      await desk.page.getByLabel(/Reply to the reader/).fill('Thank you. Could you tell us which terminal?');
      await desk.page.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => desk.page.locator('#saved').textContent()).toContain('Saved');

      await reader.page.goto(`${stack.apiUrl}/follow-up`);
      // Readers type codes loosely: lower case, no dashes.
      await reader.page.getByLabel('Receipt code').fill(tip.receipt.toLowerCase().replace(/-/g, ''));
      await reader.page.getByRole('button', { name: 'Check' }).click();
      await expect.poll(() => reader.page.locator('#result-title').textContent()).toContain(tip.receipt);
      expect(await reader.page.locator('#replies').textContent()).toContain(
        'Could you tell us which terminal?',
      );
      expect(await seriousA11yViolations(reader.page)).toEqual([]);

      await reader.page
        .getByLabel('Anything you want to add to your message')
        .fill('Terminal 4, since 6 am.');
      await reader.page.getByRole('button', { name: 'Add to my message' }).click();
      await expect.poll(() => reader.page.locator('#more-done').textContent()).toContain('Added');
      expect(await reader.page.locator('#added').textContent()).toBe('1');

      await desk.page.reload();
      await expect
        .poll(() => desk.page.locator('#tip-history').textContent())
        .toContain('Terminal 4, since 6 am.');
    } finally {
      await desk.ctx.close();
      await reader.ctx.close();
    }
  });

  it('tells a reader plainly when a receipt code matches nothing', async () => {
    const { ctx, page } = await editor();
    try {
      await page.goto(`${stack.apiUrl}/follow-up`);
      await page.getByLabel('Receipt code').fill('2222-3333-4444');
      await page.getByRole('button', { name: 'Check' }).click();
      await expect
        .poll(() => page.locator('#code-error').textContent())
        .toContain('We found nothing with that code');
      expect(await page.getByLabel('Receipt code').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#result').isHidden()).toBe(true);
    } finally {
      await ctx.close();
    }
  });

  it('pages through a long list with "Load more"', async () => {
    const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    const seeded = tipsOverTime(25, new Date(), { topic: 'other', subject: 'Seeded' });
    await batchWriteTips(dynamo.doc, stack.env.TIPS_TABLE as string, seeded).finally(() =>
      dynamo.client.destroy(),
    );
    const { ctx, page } = await editor();
    try {
      await signInWithPastedToken(page, 'ivan');
      await page.getByLabel('Topic').selectOption('other');
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => page.locator('#tips > li').count()).toBe(20);
      await page.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => page.locator('#tips > li').count()).toBe(25);
      expect(await page.getByRole('button', { name: 'Load more' }).isHidden()).toBe(true);
      // Newest first, with no tip twice across the pages.
      const links = await page
        .locator('#tips > li a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(new Set(links).size).toBe(25);
    } finally {
      await ctx.close();
    }
  });

  it('has no serious or critical accessibility violations (axe-core) on sign-in, the list and a tip', async () => {
    const { ctx, page } = await editor({ bypassCSP: true });
    try {
      await page.goto(`${stack.apiUrl}/staff`);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await signInWithPastedToken(page, 'frank');
      await page.locator('#tips > li').first().waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.locator('#tips > li a').first().click();
      await page.locator('#tip-message').waitFor();
      await expect.poll(() => page.locator('#tip-message').textContent()).not.toBe('');
      expect(await seriousA11yViolations(page)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
