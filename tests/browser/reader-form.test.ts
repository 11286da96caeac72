import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack/stack';
import { emailsMentioning, eventually } from '../support/local-env';
import { seriousA11yViolations, startBrowserStack, stopBrowserStack } from './browser-support';

describe('the reader form in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('browser-form'));
  });
  afterAll(() => stopBrowserStack({ stack, browser }));

  async function withContext<T>(
    options: { javaScriptEnabled?: boolean; width?: number; bypassCSP?: boolean },
    run: (ctx: BrowserContext) => Promise<T>,
  ) {
    const ctx = await browser.newContext({
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      // Only the axe check bypasses the CSP, to inject axe's source as a script tag.
      bypassCSP: options.bypassCSP ?? false,
      viewport: { width: options.width ?? 1280, height: 900 },
    });
    try {
      return await run(ctx);
    } finally {
      await ctx.close();
    }
  }

  it('a reader sends a tip, sees the receipt, and the desk gets the email', async () => {
    await withContext({}, async (ctx) => {
      const page = await ctx.newPage();
      const unique = `Border crossing at Narva closed (${Date.now()})`;
      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('Topic').selectOption('europe');
      await page.getByLabel('Subject').fill('Narva');
      await page.getByLabel('What do you know?').fill(unique);
      await page.getByLabel('Email').fill('reader@example.org');
      await page.getByLabel(/I have read the privacy notice/).check();
      await page.getByRole('button', { name: 'Send' }).click();

      const receipt = (await page.locator('#receipt').textContent())?.trim() ?? '';
      expect(receipt).toMatch(/\S{6,}/);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(
        'reached the world desk',
      );
      await expect(page.getByText('What happens next').count()).resolves.toBe(1);

      const [email] = await eventually(async () => {
        const found = await emailsMentioning(unique);
        return found.length > 0 ? found : undefined;
      });
      // The receipt is shown to the reader, never mailed to the desk.
      expect(JSON.stringify(email)).not.toContain(receipt);
      expect(email?.body.text).toContain('reader@example.org');
    });
  });

  it('without JavaScript, the plain form post answers with the receipt page', async () => {
    await withContext({ javaScriptEnabled: false }, async (ctx) => {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('A question').check();
      await page.getByLabel('Topic').selectOption('russia-ukraine-war');
      // The label follows the choice only with JavaScript; the field is the same.
      await page.locator('#message').fill(`How many grain ships left Odesa this week? (${Date.now()})`);
      await page.getByLabel(/I have read the privacy notice/).check();
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Send' }).click(),
      ]);

      expect(response?.status()).toBe(201);
      expect(await page.title()).toBe('Thank you: your receipt');
      expect((await page.locator('#receipt').textContent())?.trim()).toMatch(/\S{6,}/);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('question');
    });
  });

  it('a reader who keeps the form open gets a fresh single-use token every 15 minutes', async () => {
    await withContext({}, async (ctx) => {
      const page = await ctx.newPage();
      await page.clock.install();
      await page.goto(`${stack.apiUrl}/`);
      const token = page.locator('input[name=formToken]');
      const first = await token.inputValue();

      const refetched = page.waitForResponse((r) => new URL(r.url()).pathname === '/' && r.status() === 200);
      await page.clock.fastForward('15:00');
      await refetched;
      // Used only once it is older than the minimum fill time (0 s here, plus a second).
      await page.clock.fastForward(1_500);

      await expect.poll(() => token.inputValue()).not.toBe(first);
      expect(await token.inputValue()).toMatch(/^v2\.[0-9a-z]+\.[\w-]{16}\.[\w-]{22}$/);
    });
  });

  it('a wrong email shows its error next to the field, before anything is sent', async () => {
    await withContext({}, async (ctx) => {
      const page = await ctx.newPage();
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(r.url());
      });
      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('Topic').selectOption('africa');
      await page
        .getByLabel('What do you know?')
        .fill('Fuel shortages in Kano since Monday, queues everywhere');
      await page.getByLabel('Email').fill('not-an-address');
      await page.getByLabel(/I have read the privacy notice/).check();
      await page.getByRole('button', { name: 'Send' }).click();

      const email = page.getByLabel('Email');
      await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
      const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
      expect(describedBy.split(' ')).toContain('email-error');
      expect(await page.locator('#email-error').textContent()).toMatch(/enter a valid email address/i);
      // Focus moves to the field to fix, and the page announces the problem.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
      await expect.poll(() => page.locator('#announce').textContent()).toContain('valid email');
      // The summary at the top links to the field as well.
      expect(await page.locator('#form-problem a[href="#email"]').textContent()).toMatch(/valid email/);
      expect(posts).toEqual([]);
    });
  });

  it('the server’s field errors land beside their fields too (no JavaScript)', async () => {
    await withContext({ javaScriptEnabled: false }, async (ctx) => {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('Topic').selectOption('africa');
      await page.locator('#message').fill('Fuel shortages in Kano since Monday, queues everywhere');
      await page.getByLabel('Email').fill('not-an-address');
      await page.getByLabel(/I have read the privacy notice/).check();
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Send' }).click(),
      ]);

      expect(response?.status()).toBe(400);
      expect(await page.locator('#email-error').textContent()).toMatch(/enter a valid email address/i);
      expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#form-problem a[href="#email"]').count()).toBe(1);
      // What the reader wrote is kept.
      expect(await page.locator('#message').inputValue()).toContain('Fuel shortages in Kano');
    });
  });

  it('the wording follows tip/question, the count is live, and anonymous hides and clears contact', async () => {
    await withContext({}, async (ctx) => {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('A question').check();
      await expect(page.locator('#message-label').textContent()).resolves.toBe(
        'What would you like us to find out?',
      );
      await page.getByLabel('A tip').check();
      await expect(page.locator('#message-label').textContent()).resolves.toBe('What do you know?');

      await page.locator('#message').fill('Twelve chars');
      expect(await page.locator('#message-count').textContent()).toContain('12 / 10,000');

      await page.getByLabel('Name').fill('Jānis Bērziņš');
      await page.getByLabel('Email').fill('janis@example.org');
      await page.getByLabel(/I want to stay anonymous/).check();
      expect(await page.locator('#contact-fields').isHidden()).toBe(true);
      await page.getByLabel(/I want to stay anonymous/).uncheck();
      expect(await page.getByLabel('Name').inputValue()).toBe('');
      expect(await page.getByLabel('Email').inputValue()).toBe('');
    });
  });

  it('retries with the same Idempotency-Key when the answer was lost, and gets the first receipt back', async () => {
    await withContext({}, async (ctx) => {
      const page = await ctx.newPage();
      const keys: string[] = [];
      let lostReceipt: string | undefined;
      await page.route('**/tips', async (route) => {
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (lostReceipt === undefined) {
          // The server stores the tip, but its answer never reaches the reader.
          const answer = await route.fetch();
          lostReceipt = ((await answer.json()) as { receipt: string }).receipt;
          await route.abort('connectionreset');
        } else {
          await route.continue();
        }
      });
      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('Topic').selectOption('europe');
      await page.getByLabel('What do you know?').fill(`Trains from Riga cancelled (${Date.now()})`);
      await page.getByLabel(/I have read the privacy notice/).check();
      await page.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => page.locator('#form-problem').textContent()).toContain('could not reach');

      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('#receipt').waitFor();
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(keys[1]).toBe(keys[0]);
      // Stored once: the retry is answered with the receipt of the first, lost answer.
      expect(await page.locator('#receipt').textContent()).toBe(lostReceipt);

      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('Topic').selectOption('europe');
      await page.getByLabel('What do you know?').fill(`Another message entirely (${Date.now()})`);
      await page.getByLabel(/I have read the privacy notice/).check();
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('#receipt').waitFor();
      expect(keys).toHaveLength(3);
      expect(keys[2]).not.toBe(keys[0]);
    });
  });

  it('is used from the keyboard in reading order; the honeypot is never reached', async () => {
    await withContext({}, async (ctx) => {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/`);
      const order: string[] = [];
      for (let i = 0; i < 13; i++) {
        await page.keyboard.press('Tab');
        order.push(
          await page.evaluate(() => document.activeElement?.id || document.activeElement?.className || ''),
        );
      }
      expect(order).toEqual([
        'skip',
        'kind-tip',
        'topic',
        'subject',
        'message',
        'sourceUrl',
        'files-input',
        'anonymous',
        'name',
        'email',
        'phone',
        'consent',
        'send',
      ]);
    });
  });

  it('the follow-up page without JavaScript never puts a typed receipt code in the address', async () => {
    await withContext({ javaScriptEnabled: false }, async (ctx) => {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/follow-up`);
      await page.getByLabel('Receipt code').fill('7KQ4-M9XD-2HPA');

      await Promise.all([
        page.waitForEvent('framenavigated'),
        page.getByLabel('Receipt code').press('Enter'),
      ]);

      // A form without a method would GET /follow-up?code=…: the reader's credential in the
      // address bar, the history and every synced device.
      expect(page.url()).not.toMatch(/7KQ4|M9XD|2HPA/i);
    });
  });

  it('works at 360 px wide without sideways scrolling, and loads under 50 KB', async () => {
    await withContext({ width: 360 }, async (ctx) => {
      const page = await ctx.newPage();
      let bytes = 0;
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('response', async (r) => {
        bytes += (await r.body().catch(() => Buffer.alloc(0))).length;
      });
      await page.goto(`${stack.apiUrl}/`, { waitUntil: 'networkidle' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
      expect(send?.width).toBeGreaterThan(250);
      expect(bytes).toBeGreaterThan(5_000);
      expect(bytes).toBeLessThan(50 * 1024);
      // Nothing on the page breaks its own CSP (a violation is logged as a console error).
      expect(consoleErrors).toEqual([]);
    });
  });

  it('serves the script and stylesheet with their types, long caching and the page with its CSP', async () => {
    const res = await fetch(`${stack.apiUrl}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const html = await res.text();
    const script = /<script src="([^"]+)"/.exec(html)?.[1] ?? '';
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(html).not.toMatch(/<script>|<script [^s]|\son[a-z]+=/);
    const [js, style] = await Promise.all([
      fetch(`${stack.apiUrl}${script}`),
      fetch(`${stack.apiUrl}${css}`),
    ]);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${stack.apiUrl}/assets/nope.js`)).status).toBe(404);
  });

  it('has no serious or critical accessibility violations (axe-core), on the form, its errors and the receipt', async () => {
    await withContext({ bypassCSP: true }, async (ctx) => {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/`);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('#message-error').waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByLabel('Topic').selectOption('americas');
      await page.getByLabel('What do you know?').fill(`Flooding in Porto Alegre again (${Date.now()})`);
      await page.getByLabel(/I have read the privacy notice/).check();
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('#receipt').waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  });
});
