import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attachment, erasedAttachment } from '#core/attachments/attachment-record';
import { makeDynamoClients } from '#core/platform/aws-clients';
import type { LocalStack } from '../../local/stack/stack';
import { attachmentRecord, typicalAttachments } from '../support/attachment-fixtures';
import { batchWriteTips, seedTip } from '../support/staff-seed';
import { seriousA11yViolations, startBrowserStack, stopBrowserStack } from './browser-support';

const XSS = '<img src=x onerror="window.__xss = true">';

describe('attachments on the inbox tip page in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  const withFiles = seedTip({
    createdAt: new Date(),
    topic: 'russia-ukraine-war',
    subject: 'Photos from the bridge',
    attachments: [
      ...typicalAttachments(),
      attachmentRecord({
        id: 'att-svg-1',
        mime: 'image/svg+xml',
        kind: 'other',
        sizeBytes: 812,
        cleaning: {
          status: 'refused-inert',
          removed: [],
          reason: 'it could run or render in a browser, so it is kept only as a download',
        },
      }),
      // As intake stores an upload the cleaner has not read yet: no type known.
      attachmentRecord({
        id: 'att-pending-1',
        mime: 'application/octet-stream',
        kind: 'other',
        sizeBytes: 700,
        cleaning: { status: 'pending', removed: [] },
      }),
      // Erased by an editor: only the id is left.
      erasedAttachment({
        id: 'att-erased-1',
        uploadedAt: '2026-11-14T09:30:00.000Z',
        scan: { status: 'not-scanned' },
      }),
    ],
  });
  // A record no schema let through (a bug in a writer, a hand-edited item): still only text.
  const hostile = seedTip({
    createdAt: new Date(Date.now() - 1000),
    topic: 'russia-ukraine-war',
    subject: 'Hostile record',
    attachments: [
      {
        ...attachmentRecord({ id: `x${XSS}` }),
        mime: XSS,
        kind: XSS,
        cleaning: { status: 'cleaned', removed: [XSS, 'GPS position'], notes: [XSS] },
      } as unknown as Attachment,
      {
        ...attachmentRecord({ id: 'att-hostile-2', mime: 'application/zip', kind: 'other' }),
        cleaning: { status: 'not-cleaned', removed: [], reason: XSS },
      },
    ],
  });
  const textOnly = seedTip({ createdAt: new Date(Date.now() - 2000), subject: 'No files' });

  beforeAll(async () => {
    ({ stack, browser } = await startBrowserStack('browser-attachments'));
    const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: stack.dynamoUrl });
    await batchWriteTips(dynamo.doc, stack.env.TIPS_TABLE as string, [withFiles, hostile, textOnly]).finally(
      () => dynamo.client.destroy(),
    );
  });
  afterAll(() => stopBrowserStack({ stack, browser }));

  /** Signed in, on the tip's page; `bypassCSP` proves that escaping alone keeps markup inert. */
  async function openTip(id: string) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${stack.apiUrl}/staff`);
    await page.getByLabel('Paste a staff token').fill(await stack.issuer.mint({ user: 'dana' }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#inbox').waitFor();
    await page.evaluate((hash) => {
      location.hash = hash;
    }, `#/tips/${id}`);
    await expect.poll(() => page.locator('#tip-title').textContent()).toContain(id);
    return { ctx, page };
  }

  it('lists each file with its type, size, dimensions or length, cleaning report, warning and scan status', async () => {
    const { ctx, page } = await openTip(withFiles.id);
    try {
      const items = page.locator('#tip-attachments > li');
      await expect.poll(() => items.count()).toBe(7);
      const text = (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' '));
      expect(text[0]).toContain('Photo · image/jpeg · 1.2 MB · 4032 × 3024 px');
      expect(text[0]).toContain('Metadata removed: GPS position, camera serial number');
      expect(text[2]).toContain('Video · video/mp4 · 48 MB · 1920 × 1080 px · 0:42');
      expect(text[3]).toContain('Not cleaned: Tipline cannot clean this type of file');
      expect(text[4]).toContain('Not opened, ever');
      expect(text[5]).toContain('File · 700 bytes');
      expect(text[5]).toContain('Being cleaned');
      expect(text[5]).not.toContain('application/octet-stream');
      expect(text[6]).toContain('File · erased');
      expect(text[6]).toContain('Erased: the file was deleted for good');
      expect(text[6]).not.toContain('application/octet-stream');
      // A file that is gone has no scan to speak of.
      for (const t of text.slice(0, 6)) expect(t).toContain('Not scanned for malware');
      // The warnings are marked as such; the cleaned reports are not.
      expect(await page.locator('#tip-attachments .warning').count()).toBe(2);
      // Only cleaned photos and videos get a preview; nothing is linked, framed or embedded.
      expect(
        await page.locator('#tip-files a, #tip-files iframe, #tip-files object, #tip-files embed').count(),
      ).toBe(0);
      expect(await page.locator('#tip-files figure').count()).toBe(3);
      for (const n of [3, 4, 5]) expect(await items.nth(n).locator('img, video, figure').count()).toBe(0);
      // Every file but the one being cleaned has its Download button; the 3 cleaned ones an original's too.
      expect(await page.locator('#tip-files button', { hasText: /^Download$/ }).count()).toBe(5);
      expect(await page.locator('#tip-files button', { hasText: 'Download original' }).count()).toBe(3);
      expect(await seriousA11yViolations(page)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('shows a hostile type string, id and report as text, and runs none of it', async () => {
    const { ctx, page } = await openTip(hostile.id);
    try {
      const items = page.locator('#tip-attachments > li');
      await expect.poll(() => items.count()).toBe(2);
      const text = await items.allTextContents();
      expect(text[0]).toContain(`Other file · ${XSS}`);
      expect(text[0]).toContain(`Metadata removed: ${XSS}, GPS position`);
      expect(text[1]).toContain(`Not cleaned: ${XSS}`);
      expect(await page.locator('#tip-files img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: boolean }).__xss)).toBeUndefined();
    } finally {
      await ctx.close();
    }
  });

  it("the list counts each tip's files by kind", async () => {
    const { ctx, page } = await openTip(textOnly.id);
    try {
      await page.getByRole('link', { name: '← Back to the list' }).click();
      await page.getByLabel('Topic').selectOption('russia-ukraine-war');
      await page.getByRole('button', { name: 'Filter' }).click();
      const items = page.locator('#tips > li');
      await expect.poll(() => items.count()).toBe(2);
      expect(await items.nth(0).textContent()).toContain(
        '7 attachments (2 photos, 1 video, 1 document, 1 other file, 1 being cleaned, 1 erased)',
      );
      expect(await items.nth(1).textContent()).toContain('2 attachments (2 other files)');
    } finally {
      await ctx.close();
    }
  });

  it('has no attachments section for a tip without files', async () => {
    const { ctx, page } = await openTip(textOnly.id);
    try {
      expect(await page.locator('#tip-files').isHidden()).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});
