import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack/stack';
import { sourceJpeg, sourcePdf, sourcePng } from '../support/attachment-files';
import { startTestStack } from '../support/test-stack';
import { launchChromium, seriousA11yViolations } from './browser-support';

/** Small, so an over-limit file is cheap to make; the page learns it from the stack's config. */
const MAX_FILE_BYTES = 512 * 1024;
/** The reader's own file names: each says where or who, and none may leave the page. */
const NAMES = {
  jpeg: 'IMG_20261114_Kherson.jpg',
  png: 'Kovalenko-balcony.png',
  pdf: 'Ivanova-draft.pdf',
} as const;

type SentForm = (
  | { name: string; value: string }
  | { name: string; file: string; type: string; size: number }
)[];

interface StoredTip {
  attachments?: { id: string; sizeBytes: number; cleaning: { status: string } }[];
}

describe('the reader form with files, in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let files: { jpeg: Buffer; png: Buffer; pdf: Buffer };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack('browser-files', { retryDelayMs: 20, env: { MAX_FILE_BYTES: String(MAX_FILE_BYTES) } }),
      launchChromium(),
    ]);
    files = { jpeg: sourceJpeg(), png: sourcePng(), pdf: await sourcePdf() };
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function withPage<T>(run: (page: Page, ctx: BrowserContext) => Promise<T>, bypassCSP = false) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP });
    try {
      return await run(await ctx.newPage(), ctx);
    } finally {
      await ctx.close();
    }
  }

  /** Every request the page makes, with its body, so a test can look for what must not leave. */
  function recordRequests(page: Page): { request: Request; body: Buffer | null }[] {
    const seen: { request: Request; body: Buffer | null }[] = [];
    page.on('request', (request) => seen.push({ request, body: request.postDataBuffer() }));
    return seen;
  }

  const isS3Post = (r: Request) => r.method() === 'POST' && r.url().startsWith(stack.s3Url);
  const isGrant = (r: Request) => r.method() === 'POST' && new URL(r.url()).pathname === '/uploads';

  async function fillTip(page: Page, text: string) {
    await page.getByLabel('Topic').selectOption('europe');
    await page.getByLabel('What do you know?').fill(text);
    await page.getByLabel(/I have read the privacy notice/).check();
  }

  const item = (page: Page, name: string) => page.locator('#files-list li', { hasText: name });
  const uploaded = (page: Page, name: string) =>
    expect
      .poll(() => item(page, name).locator('.file-status').textContent(), { timeout: 15_000 })
      .toBe('Uploaded');

  async function storedTip(receipt: string): Promise<StoredTip> {
    const token = await stack.issuer.mint({ user: 'alice' });
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const found = await fetch(`${stack.apiUrl}/tips?receipt=${encodeURIComponent(receipt)}`, auth);
    const { items } = (await found.json()) as { items: { id: string }[] };
    const res = await fetch(`${stack.apiUrl}/tips/${items[0]?.id}`, auth);
    return (await res.json()) as StoredTip;
  }

  /** The object keys of the grants the page was given, in order (POST /uploads answers). */
  function keysGranted(page: Page): string[] {
    const keys: string[] = [];
    page.on('response', async (res) => {
      if (isGrant(res.request()) && res.status() === 201) {
        keys.push(((await res.json()) as { fields: { key: string } }).fields.key);
      }
    });
    return keys;
  }

  /**
   * What the page hands the browser for each upload: the FormData's entries, a file part as its
   * name and type (the multipart filename and Content-Type the browser sends). Chromium gives
   * Playwright no body for a request that carries a Blob, so this is read in the page.
   */
  async function recordUploadForms(page: Page): Promise<() => Promise<SentForm[]>> {
    await page.addInitScript(() => {
      const sent: unknown[] = [];
      (window as unknown as { __sentForms: unknown[] }).__sentForms = sent;
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (body) {
        if (body instanceof FormData) {
          sent.push(
            [...body.entries()].map(([name, value]) =>
              typeof value === 'string'
                ? { name, value }
                : { name, file: value.name, type: value.type, size: value.size },
            ),
          );
        }
        return send.call(this, body);
      };
    });
    return () => page.evaluate(() => (window as unknown as { __sentForms: SentForm[] }).__sentForms);
  }

  /** Every text the page's live region announced, in order. */
  async function recordAnnouncements(page: Page): Promise<() => Promise<string[]>> {
    await page.addInitScript(() => {
      const said: string[] = [];
      (window as unknown as { __said: string[] }).__said = said;
      document.addEventListener('DOMContentLoaded', () => {
        const live = document.getElementById('announce');
        if (!live) return;
        new MutationObserver(() => {
          if (live.textContent) said.push(live.textContent);
        }).observe(live, { childList: true, characterData: true, subtree: true });
      });
    });
    return () => page.evaluate(() => (window as unknown as { __said: string[] }).__said);
  }

  it('a reader attaches two photos and a PDF, sees progress, removes one and adds it again, sends, gets a receipt', async () => {
    await withPage(async (page) => {
      const seen = recordRequests(page);
      const granted = keysGranted(page);
      const uploadForms = await recordUploadForms(page);
      await page.goto(`${stack.apiUrl}/`);
      await fillTip(page, `Shelling near the Antonivskyi bridge, photos attached (${Date.now()})`);
      await expect(
        page.getByText('Photos and documents can reveal where and by whom they were made').count(),
      ).resolves.toBe(1);
      expect(await page.locator('#files-limits').textContent()).toBe(
        'Up to 10 files, each at most 512 KB, 250 MB together.',
      );

      await page.getByLabel('Add files').setInputFiles([
        { name: NAMES.jpeg, mimeType: 'image/jpeg', buffer: files.jpeg },
        { name: NAMES.png, mimeType: 'image/png', buffer: files.png },
        { name: NAMES.pdf, mimeType: 'application/pdf', buffer: files.pdf },
      ]);
      for (const name of Object.values(NAMES)) await uploaded(page, name);
      // Each file has its own progress bar, named by the file, full once uploaded.
      const bar = page.getByRole('progressbar', { name: NAMES.jpeg });
      expect(await bar.getAttribute('value')).toBe('100');
      expect(await page.getByRole('progressbar').count()).toBe(3);
      expect(await item(page, NAMES.pdf).locator('.file-size').textContent()).toMatch(/\d+(\.\d)? KB|bytes/);

      await page.getByRole('button', { name: `Remove ${NAMES.png}` }).click();
      expect(await page.locator('#files-list li').count()).toBe(2);
      await expect.poll(() => page.locator('#announce').textContent()).toBe(`Removed ${NAMES.png}.`);
      await page
        .getByLabel('Add files')
        .setInputFiles([{ name: NAMES.png, mimeType: 'image/png', buffer: files.png }]);
      await uploaded(page, NAMES.png);

      await page.getByRole('button', { name: 'Send' }).click();
      const receipt = (await page.locator('#receipt').textContent())?.trim() ?? '';
      expect(receipt).toMatch(/\S{6,}/);

      // Four uploads were posted (the removed one too); the tip names the three still listed, in order.
      // The grants are asked for at once, so their order is not the files': each posted form pairs
      // a key with a size (the two PNG uploads share one; the later is the re-added file).
      expect(granted).toHaveLength(4);
      expect(seen.filter((s) => isS3Post(s.request))).toHaveLength(4);
      const posted = (await uploadForms()).map((form) => ({
        key: (form.find((f) => f.name === 'key') as { value: string }).value,
        size: (form.at(-1) as { size: number }).size,
      }));
      expect(new Set(posted.map((p) => p.key))).toEqual(new Set(granted));
      const keyOf = (size: number) => posted.filter((p) => p.size === size).at(-1)?.key;
      const tip = await storedTip(receipt);
      expect(tip.attachments?.map((a) => `uploads/${a.id}`)).toEqual([
        keyOf(files.jpeg.length),
        keyOf(files.pdf.length),
        keyOf(files.png.length),
      ]);
      expect(tip.attachments?.map((a) => a.sizeBytes)).toEqual([
        files.jpeg.length,
        files.pdf.length,
        files.png.length,
      ]);
      expect(tip.attachments?.every((a) => a.cleaning.status === 'pending')).toBe(true);

      // The tip and the upload requests carry one nonce; no request carries a file's name.
      const tipPost = seen.find(
        (s) => s.request.method() === 'POST' && new URL(s.request.url()).pathname === '/tips',
      );
      const sent = JSON.parse(tipPost?.body?.toString() ?? '{}') as {
        submission: string;
        attachments: string[];
      };
      expect(sent.attachments).toHaveLength(3);
      const nonces = seen
        .filter((s) => isGrant(s.request))
        .map((s) => JSON.parse(s.body?.toString() ?? '{}').submission);
      expect(new Set(nonces)).toEqual(new Set([sent.submission]));
      for (const { request, body } of seen) {
        const text = `${request.url()} ${JSON.stringify(request.headers())} ${body?.toString('latin1') ?? ''}`;
        for (const name of [...Object.values(NAMES), 'Kherson', 'Kovalenko', 'Ivanova'])
          expect(text).not.toContain(name);
      }
      // S3 gets the signed fields, then the bytes as "file", named "file" with a neutral type:
      // nothing of the reader's name for it.
      const forms = await uploadForms();
      expect(forms).toHaveLength(4);
      for (const form of forms) {
        expect(form.at(-1)).toEqual({
          name: 'file',
          file: 'file',
          type: 'application/octet-stream',
          size: expect.any(Number),
        });
        expect(form.slice(0, -1).every((f) => 'value' in f)).toBe(true);
        for (const name of ['Kherson', 'Kovalenko', 'Ivanova'])
          expect(JSON.stringify(form)).not.toContain(name);
      }
      expect(forms.map((f) => (f.at(-1) as { size: number }).size).sort()).toEqual(
        [files.jpeg.length, files.png.length, files.pdf.length, files.png.length].sort(),
      );
      expect(new Set([files.jpeg.length, files.png.length, files.pdf.length]).size).toBe(3);
    });
  });

  it('on a slow line the progress bar moves with the upload, and the status says how far', async () => {
    await withPage(async (page, ctx) => {
      await page.goto(`${stack.apiUrl}/`);
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __progress: string[] }).__progress = seen;
        new MutationObserver(() => {
          const bar = document.querySelector('#files-list progress') as HTMLProgressElement | null;
          if (bar) seen.push(String(bar.value));
        }).observe(document.getElementById('files-list') as HTMLElement, {
          subtree: true,
          attributes: true,
          childList: true,
          characterData: true,
        });
      });
      // About 2 s for 300 KB: the page gets upload progress events along the way.
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 20,
        downloadThroughput: -1,
        uploadThroughput: 150 * 1024,
      });

      await page
        .getByLabel('Add files')
        .setInputFiles([
          { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(300 * 1024, 7) },
        ]);
      await expect
        .poll(() => item(page, 'scan.pdf').locator('.file-status').textContent())
        .toMatch(/^Uploading… [1-9]\d?%$/);
      await uploaded(page, 'scan.pdf');

      const values = (
        await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress)
      ).map(Number);
      expect(values.some((v) => v > 0 && v < 100)).toBe(true);
      expect(values.at(-1)).toBe(100);
    });
  });

  it('an 11th file is refused in the page, with the reason said and announced', async () => {
    await withPage(async (page) => {
      const said = await recordAnnouncements(page);
      await page.goto(`${stack.apiUrl}/`);
      const eleven = Array.from({ length: 11 }, (_, i) => ({
        name: `note-${i + 1}.txt`,
        mimeType: 'text/plain',
        buffer: Buffer.from(`note ${i + 1}`),
      }));

      await page.getByLabel('Add files').setInputFiles(eleven);

      expect(await page.locator('#files-list li').count()).toBe(10);
      expect(await page.locator('#files-error').textContent()).toBe(
        'note-11.txt: Only 10 files can be sent together.',
      );
      expect(await page.getByLabel('Add files').getAttribute('aria-invalid')).toBe('true');
      expect(
        ((await page.getByLabel('Add files').getAttribute('aria-describedby')) ?? '').split(' '),
      ).toContain('files-error');
      await expect
        .poll(said)
        .toContain('10 files added: uploading. note-11.txt: Only 10 files can be sent together.');
    });
  });

  it('a file that would take the tip over its total is refused, and the others stay', async () => {
    await withPage(async (page) => {
      await page.goto(`${stack.apiUrl}/`);
      // The page's total, as config would set it lower (the stack's is 250 MB): the page checks what it says.
      await page.locator('#files').evaluate((el) => {
        (el as HTMLElement).dataset.maxTotalBytes = String(300 * 1024);
      });
      const part = (name: string) => ({
        name,
        mimeType: 'application/pdf',
        buffer: Buffer.alloc(200 * 1024, 3),
      });

      await page.getByLabel('Add files').setInputFiles([part('one.pdf'), part('two.pdf')]);

      expect(await page.locator('#files-list li').count()).toBe(1);
      expect(await page.locator('#files-error').textContent()).toBe(
        'two.pdf: All files together must be at most 300 KB: this one would go over.',
      );
      await uploaded(page, 'one.pdf');
    });
  });

  it('a file over the limit is refused before any upload; one S3 refuses by its policy is reported as too large', async () => {
    await withPage(async (page) => {
      const seen = recordRequests(page);
      await page.goto(`${stack.apiUrl}/`);
      const big = { name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(MAX_FILE_BYTES + 1, 1) };

      await page.getByLabel('Add files').setInputFiles([big]);

      expect(await page.locator('#files-error').textContent()).toBe(
        'video.mp4: This file is larger than 512 KB.',
      );
      expect(await page.locator('#files-list li').count()).toBe(0);
      expect(seen.filter((s) => isGrant(s.request) || isS3Post(s.request))).toEqual([]);

      // A page whose limit is out of date lets it through: the local S3, as S3, refuses it (400
      // EntityTooLarge) and the page says why, in the same words, and does not retry it.
      await page.locator('#files').evaluate((el) => {
        (el as HTMLElement).dataset.maxFileBytes = String(10 * 1024 * 1024);
      });
      await page.getByLabel('Add files').setInputFiles([big]);
      await expect
        .poll(() => item(page, 'video.mp4').locator('.file-status').textContent())
        .toBe('Not sent: this file is larger than 512 KB. Remove it.');
      expect(seen.filter((s) => isS3Post(s.request))).toHaveLength(1);
      await fillTip(page, `A video of the convoy, too large (${Date.now()})`);
      await page.getByRole('button', { name: 'Send' }).click();
      await expect
        .poll(() => page.locator('#form-problem').textContent())
        .toContain('A file was not uploaded');
    });
  });

  it('a lost connection during one upload retries that file only, and the tip is sent with both', async () => {
    await withPage(async (page) => {
      const seen = recordRequests(page);
      const granted = keysGranted(page);
      const uploadForms = await recordUploadForms(page);
      let aborted = 0;
      await page.route(`${stack.s3Url}/**`, async (route) => {
        if (route.request().method() === 'POST' && aborted === 0) {
          aborted += 1;
          await route.abort('connectionreset');
        } else await route.continue();
      });
      await page.goto(`${stack.apiUrl}/`);
      await fillTip(page, `Two photos of the queue at the border (${Date.now()})`);
      await page
        .getByLabel('Add files')
        .setInputFiles([{ name: NAMES.jpeg, mimeType: 'image/jpeg', buffer: files.jpeg }]);
      await expect
        .poll(() => item(page, NAMES.jpeg).locator('.file-status').textContent())
        .toContain('Trying again');
      await page
        .getByLabel('Add files')
        .setInputFiles([{ name: NAMES.pdf, mimeType: 'application/pdf', buffer: files.pdf }]);

      await uploaded(page, NAMES.jpeg);
      await uploaded(page, NAMES.pdf);

      // Three S3 posts: the lost one, its retry with the same grant, the other file once.
      const keyOf = (form: SentForm) => (form.find((f) => f.name === 'key') as { value: string }).value;
      const posted = (await uploadForms()).map(keyOf);
      expect(aborted).toBe(1);
      expect(granted).toHaveLength(2);
      expect(seen.filter((s) => isGrant(s.request))).toHaveLength(2);
      expect(posted.filter((k) => k === granted[0])).toHaveLength(2);
      expect(posted.filter((k) => k === granted[1])).toHaveLength(1);
      await page.getByRole('button', { name: 'Send' }).click();
      const receipt = (await page.locator('#receipt').textContent())?.trim() ?? '';
      expect((await storedTip(receipt)).attachments).toHaveLength(2);
    });
  });

  it('an upload that keeps failing offers a Retry button, which sends it', async () => {
    await withPage(async (page) => {
      await page.clock.install();
      let failing = true;
      await page.route(`${stack.s3Url}/**`, async (route) => {
        if (route.request().method() === 'POST' && failing) await route.abort('connectionreset');
        else await route.continue();
      });
      await page.goto(`${stack.apiUrl}/`);
      await page
        .getByLabel('Add files')
        .setInputFiles([{ name: NAMES.pdf, mimeType: 'application/pdf', buffer: files.pdf }]);
      for (const wait of [1_000, 2_000, 4_000]) {
        await expect
          .poll(() => item(page, NAMES.pdf).locator('.file-status').textContent())
          .toContain('Trying again');
        await page.clock.fastForward(wait);
      }
      await expect
        .poll(() => item(page, NAMES.pdf).locator('.file-status').textContent())
        .toContain('Not sent yet: retry it, or remove it.');
      await expect.poll(() => page.locator('#announce').textContent()).toContain('could not be uploaded');

      failing = false;
      await page.getByRole('button', { name: `Retry ${NAMES.pdf}` }).click();
      await uploaded(page, NAMES.pdf);
    });
  });

  it('the picker has no serious accessibility problem, with files listed and one refused', async () => {
    await withPage(async (page) => {
      await page.goto(`${stack.apiUrl}/`);
      await page.getByLabel('Add files').setInputFiles([
        { name: NAMES.jpeg, mimeType: 'image/jpeg', buffer: files.jpeg },
        { name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_FILE_BYTES + 1) },
      ]);
      await uploaded(page, NAMES.jpeg);

      expect(await seriousA11yViolations(page)).toEqual([]);
    }, true);
  });

  it('a reader adds a file later from the follow-up page, through the same uploads', async () => {
    await withPage(async (page) => {
      await page.goto(`${stack.apiUrl}/`);
      await fillTip(page, `The photo comes later, from a safer place (${Date.now()})`);
      await page.getByRole('button', { name: 'Send' }).click();
      const receipt = (await page.locator('#receipt').textContent())?.trim() ?? '';

      await page.goto(`${stack.apiUrl}/follow-up`);
      await page.getByLabel('Receipt code').fill(receipt);
      await page.getByRole('button', { name: 'Check' }).click();
      await page
        .getByLabel('Add files')
        .setInputFiles([{ name: NAMES.jpeg, mimeType: 'image/jpeg', buffer: files.jpeg }]);
      await uploaded(page, NAMES.jpeg);
      await page.getByRole('button', { name: 'Add to my message' }).click();

      await expect.poll(() => page.locator('#more-done').textContent()).toContain('Added');
      expect(await page.locator('#files-list li').count()).toBe(0);
      const tip = await storedTip(receipt);
      expect(tip.attachments?.map((a) => a.sizeBytes)).toEqual([files.jpeg.length]);
    });
  });

  it('without JavaScript: no picker, and the page says plainly how to send files', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await ctx.newPage();
      await page.goto(`${stack.apiUrl}/`);

      expect(await page.locator('#files-input').isVisible()).toBe(false);
      expect(await page.locator('#files-without-js').textContent()).toContain(
        'To send files, turn on JavaScript',
      );
      expect(await page.locator('#files-without-js').textContent()).toContain('follow-up page');
      expect(await page.locator('#files-input').getAttribute('name')).toBeNull();
    } finally {
      await ctx.close();
    }
  });
});
