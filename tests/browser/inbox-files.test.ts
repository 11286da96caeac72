import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { tipRecordSchema } from '#core/tips/tip-record';
import { cleanKey, originalKey } from '#core/uploads/storage-layout';
import type { LocalStack } from '../../local/stack/stack';
import { sourceMp4 } from '../support/attachment-files';
import { attachmentRecord } from '../support/attachment-fixtures';
import { cleanBucketOf, HTML_AS_JPEG, SCRIPTED_SVG, tinyJpeg } from '../support/attachment-objects';
import { batchWriteTips, seedTip } from '../support/staff-seed';
import { startBrowserStack, stopBrowserStack } from './browser-support';

type Pwned = { __pwned?: number };

/*
 * The inbox's files in Chromium, against the local stack's S3 server (objects put there as the
 * cleaner would leave them): a cleaned photo is shown inline, a download is a history entry, and
 * an SVG with a script or an HTML page typed as an image never runs, however it is reached.
 */
describe('attachment files in the inbox (Chromium)', () => {
  let stack: LocalStack;
  let browser: Browser;
  const tip = seedTip({
    createdAt: new Date(),
    topic: 'middle-east',
    subject: 'Files from the port',
    attachments: [
      attachmentRecord({ id: 'bf-photo', width: 8, height: 6, sizeBytes: 700 }),
      attachmentRecord({
        id: 'bf-svg',
        mime: 'image/svg+xml',
        kind: 'other',
        sizeBytes: SCRIPTED_SVG.length,
        cleaning: { status: 'refused-inert', removed: [], reason: 'an SVG can carry script' },
      }),
      // A record that lies (a writer's bug): HTML bytes said to be a cleaned JPEG.
      attachmentRecord({ id: 'bf-html-jpg', sizeBytes: HTML_AS_JPEG.length }),
      attachmentRecord({
        id: 'bf-video',
        mime: 'video/mp4',
        kind: 'video',
        width: 64,
        height: 48,
        durationSeconds: 0.5,
      }),
    ],
  });

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('browser-files'));
    const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    await batchWriteTips(dynamo.doc, stack.env.TIPS_TABLE as string, [tip]).finally(() =>
      dynamo.client.destroy(),
    );
    const bucket = cleanBucketOf(stack);
    await bucket.put(cleanKey('bf-photo'), await tinyJpeg(8, 6), 'image/jpeg');
    // KEEP_ORIGINALS kept this one's original.
    await bucket.put(originalKey('bf-photo'), await tinyJpeg(8, 6), 'image/jpeg');
    // Stored with the types a careless writer would give them: the served type must not follow.
    await bucket.put(cleanKey('bf-svg'), SCRIPTED_SVG, 'image/svg+xml');
    await bucket.put(cleanKey('bf-html-jpg'), HTML_AS_JPEG, 'text/html');
    await bucket.put(cleanKey('bf-video'), sourceMp4(), 'video/mp4');
    bucket.close();
  });
  afterAll(() => stopBrowserStack({ stack, browser }));

  /** A page that counts every dialog it is shown (and dismisses it). */
  async function watchedPage() {
    const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    ctx.on('page', (p) =>
      p.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      }),
    );
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return { ctx, page, dialogs };
  }

  async function openTip(page: Page) {
    await page.goto(`${stack.apiUrl}/staff`);
    await page.getByLabel('Paste a staff token').fill(await stack.issuer.mint({ user: 'dana' }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#inbox').waitFor();
    await page.evaluate((hash) => {
      location.hash = hash;
    }, `#/tips/${tip.id}`);
    await expect.poll(() => page.locator('#tip-title').textContent()).toContain(tip.id);
  }

  const item = (page: Page, n: number) => page.locator('#tip-attachments > li').nth(n);
  const pwned = (page: Page) => page.evaluate(() => (window as unknown as Pwned).__pwned);

  it('shows the cleaned photo inline (decoded, from the file origin), its report, and inlines nothing else', async () => {
    const { ctx, page } = await watchedPage();
    try {
      await openTip(page);
      const photo = item(page, 0).locator('img');
      await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(8);
      expect(new URL((await photo.getAttribute('src')) ?? '').pathname).toBe('/clean/bf-photo');
      const text = (await item(page, 0).textContent())?.replace(/\s+/g, ' ');
      expect(text).toContain('Photo · image/jpeg · 700 bytes · 8 × 6 px');
      expect(text).toContain('Metadata removed: GPS position, camera serial number');
      expect(text).toContain('Not scanned for malware');
      expect(await item(page, 1).textContent()).toContain('kept only as a download');
      // The SVG is never inlined; the lying record's <img> fails to decode and is replaced by words.
      expect(await item(page, 1).locator('img, video, iframe, object, embed').count()).toBe(0);
      await expect.poll(() => item(page, 2).locator('img').count()).toBe(0);
      await expect.poll(() => item(page, 2).textContent()).toContain('No preview of bf-html-jpg');
      expect(await page.locator('#tip iframe, #tip object, #tip embed').count()).toBe(0);
      // The cleaned video plays in a <video> with controls (its metadata loads from the file origin).
      const video = item(page, 3).locator('video');
      await expect
        .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(1);
      expect(await video.evaluate((v: HTMLVideoElement) => [v.controls, v.videoWidth])).toEqual([true, 64]);
      expect(new URL((await video.getAttribute('src')) ?? '').pathname).toBe('/clean/bf-video');
    } finally {
      await ctx.close();
    }
  });

  it("a Download click saves the file under its id and adds the download to the tip's history", async () => {
    const { ctx, page } = await watchedPage();
    try {
      await openTip(page);
      const saved = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download file bf-photo' }).click();
      const download = await saved;

      expect(download.suggestedFilename()).toBe('bf-photo.jpg');
      await expect
        .poll(() => page.locator('#tip-history').textContent())
        .toContain('download of file bf-photo by dana');
      const res = await fetch(`${stack.apiUrl}/tips/${tip.id}`, {
        headers: { authorization: `Bearer ${await stack.issuer.mint({ user: 'dana' })}` },
      });
      const stored = tipRecordSchema.parse(await res.json());
      expect(stored.history.at(-1)).toMatchObject({ action: 'download', by: 'dana', attachment: 'bf-photo' });
    } finally {
      await ctx.close();
    }
  });

  it('Download original: refused in words where none was kept; where one was, saved apart and recorded apart', async () => {
    const { ctx, page } = await watchedPage();
    try {
      await openTip(page);
      await page.getByRole('button', { name: 'Download original of file bf-html-jpg' }).click();
      await expect.poll(() => page.locator('#status-line').textContent()).toContain('no original is kept');

      const saved = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download original of file bf-photo' }).click();
      expect((await saved).suggestedFilename()).toBe('bf-photo-original.bin');
      await expect
        .poll(() => page.locator('#tip-history').textContent())
        .toContain('download-original of file bf-photo by dana');
    } finally {
      await ctx.close();
    }
  });

  it('the SVG with a script downloads as an inert .bin; it never runs, not even from a URL altered to show it inline', async () => {
    const { ctx, page, dialogs } = await watchedPage();
    try {
      await openTip(page);
      const granted = page.waitForResponse((r) => r.url().includes('/attachments/bf-svg/download'));
      const saved = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download file bf-svg' }).click();
      const url = new URL(((await (await granted).json()) as { url: string }).url);
      expect((await saved).suggestedFilename()).toBe('bf-svg.bin');

      // Locally the signature is not checked (s3rver), so the URL can be made to ask for the SVG
      // inline as image/svg+xml; in AWS that fails the signature. The sandbox CSP still holds.
      url.searchParams.set('response-content-type', 'image/svg+xml');
      url.searchParams.set('response-content-disposition', 'inline');
      const direct = await ctx.newPage();
      const answer = await direct.goto(url.href);
      expect(answer?.headers()['content-security-policy']).toBe("sandbox; default-src 'none'");
      expect(answer?.headers()['content-type']).toBe('image/svg+xml');
      await direct.waitForTimeout(200);

      expect(await pwned(direct)).toBeUndefined();
      expect(await pwned(page)).toBeUndefined();
      expect(dialogs).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('the same SVG served without those headers does run: the check above can see a script run', async () => {
    const { ctx, page, dialogs } = await watchedPage();
    try {
      await page.route('**/control.svg', (route) =>
        route.fulfill({ status: 200, contentType: 'image/svg+xml', body: SCRIPTED_SVG }),
      );
      await page.goto(`${stack.apiUrl}/control.svg`);
      await expect.poll(() => dialogs.length).toBeGreaterThan(0);
      expect(await pwned(page)).toBe(1);
    } finally {
      await ctx.close();
    }
  });

  it('an HTML page typed as an image never runs: not as the <img>, not opened directly', async () => {
    const { ctx, page, dialogs } = await watchedPage();
    try {
      await openTip(page);
      await expect.poll(() => item(page, 2).textContent()).toContain('No preview of bf-html-jpg');
      const granted = await page.evaluate(
        async ([tipId, token]) => {
          const res = await fetch(`/tips/${tipId}/attachments/bf-html-jpg/download`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ inline: true }),
          });
          return (await res.json()) as { url: string };
        },
        [tip.id, await stack.issuer.mint({ user: 'dana' })] as const,
      );
      const direct = await ctx.newPage();
      const answer = await direct.goto(granted.url);
      expect(answer?.headers()['content-type']).toBe('image/jpeg');
      expect(answer?.headers()['x-content-type-options']).toBe('nosniff');
      await direct.waitForTimeout(200);

      expect(await pwned(direct)).toBeUndefined();
      expect(await pwned(page)).toBeUndefined();
      expect(dialogs).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it("the staff page's CSP lets images and video come from its own origin only, and allows no frame or plugin", async () => {
    const res = await fetch(`${stack.apiUrl}/staff`);
    const csp = res.headers.get('content-security-policy') ?? '';

    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("media-src 'self'");
    expect(csp).toContain("frame-src 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});
