import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyType } from '#core/attachments/classify-type';
import { sniffType } from '#core/attachments/sniff-type';

const dir = mkdtempSync(join(tmpdir(), 'tipline-sniff-'));

/** A real file made by ffmpeg, saved under a name that lies about what it is. */
function ffmpegFile(name: string, args: string[]): Buffer {
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, path]);
  return readFileSync(path);
}

const text = (s: string) => new TextEncoder().encode(s);

describe('sniffType reads the bytes, not the name', () => {
  it('knows a JPEG, a PNG, a WebP and an MP4 made by ffmpeg, and sorts them for cleaning', async () => {
    const still = ['-f', 'lavfi', '-i', 'testsrc=size=32x24', '-frames:v', '1'];
    const jpeg = await sniffType(ffmpegFile('a.jpg', still));
    const png = await sniffType(ffmpegFile('a.png', still));
    const webp = await sniffType(ffmpegFile('a.webp', still));
    const mp4 = await sniffType(
      ffmpegFile('a.mp4', ['-f', 'lavfi', '-i', 'testsrc=size=32x24:duration=0.2', '-pix_fmt', 'yuv420p']),
    );

    expect([jpeg.mime, png.mime, webp.mime, mp4.mime]).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
      'video/mp4',
    ]);
    expect([jpeg, png, webp].map(classifyType)).toEqual(['image', 'image', 'image']);
    expect(classifyType(mp4)).toBe('media');
  });

  it('calls an HTML page named photo.jpg HTML, and never renders it', async () => {
    const page = text(
      '\n\n  <!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>',
    );

    const type = await sniffType(page);

    expect(type).toEqual({ ext: 'html', mime: 'text/html' });
    expect(classifyType(type)).toBe('inert');
  });

  it('finds a script tag behind leading text, in UTF-16 with a BOM, and an SVG behind an XML prolog', async () => {
    const behindText = text(`${'x'.repeat(500)}<script src=//evil.example/x.js></script>`);
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from('<html><body>hi</body></html>', 'utf16le')]);
    const svg = text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

    expect((await sniffType(behindText)).mime).toBe('text/html');
    expect((await sniffType(utf16)).mime).toBe('text/html');
    expect(await sniffType(svg)).toEqual({ ext: 'svg', mime: 'image/svg+xml' });
    expect(classifyType(await sniffType(svg))).toBe('inert');
  });

  it('marks executables inert and archives, office files and unknown bytes not cleanable', async () => {
    const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(56).fill(0)]);
    const exe = new Uint8Array([0x4d, 0x5a, ...new Array(62).fill(0)]);
    const zipPath = join(dir, 'a.zip');
    execFileSync('python3', [
      '-c',
      `import zipfile; zipfile.ZipFile('${zipPath}','w').writestr('a.txt','hi')`,
    ]);

    expect(classifyType(await sniffType(elf))).toBe('inert');
    expect(classifyType(await sniffType(exe))).toBe('inert');
    expect(await sniffType(readFileSync(zipPath))).toEqual({ ext: 'zip', mime: 'application/zip' });
    expect(classifyType(await sniffType(readFileSync(zipPath)))).toBe('not-cleanable');
    expect(await sniffType(text('just some words a reader typed'))).toEqual({
      ext: 'bin',
      mime: 'application/octet-stream',
    });
    expect(classifyType(await sniffType(new Uint8Array([1, 2, 3])))).toBe('not-cleanable');
  });
});
