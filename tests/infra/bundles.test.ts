import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type * as CleanAttachment from '#core/attachments/clean-attachment';
import { FUNCTION_ENTRIES, lambdaBundleOptions } from '../../bench/bundle-options';
import { CLEANER_NODE_MODULES } from '../../infra/attachment-cleaner';
import { findsSourceStrings, sourceHeic } from '../support/attachment-files';

/** Each Lambda bundled as infra ships it, with esbuild's record of every file that went in. */
async function bundle(entry: string): Promise<{ inputs: string[]; text: string }> {
  const result = await build({ ...lambdaBundleOptions, entryPoints: [entry], write: false, outdir: 'out' });
  const code = result.outputFiles.find((f) => f.path.endsWith('.js'));
  return { inputs: Object.keys((result.metafile as Metafile).inputs), text: code?.text ?? '' };
}

describe.each(Object.entries(FUNCTION_ENTRIES))('the %s bundle', (name, entry) => {
  it('holds no local-only code, browser code, build tool, test or bench', async () => {
    const { inputs, text } = await bundle(entry);

    expect(inputs).toContain(entry);
    expect(inputs.filter((i) => /^(local|web\/client|web\/build|tests|bench)\//.test(i))).toEqual([]);
    // Only the intake serves pages (until they move to static hosting).
    if (name !== 'intake') expect(inputs.filter((i) => i.startsWith('web/'))).toEqual([]);
    // The local token form and the file dead-letter queue are the local stack's alone.
    // (Booleans, so a failure does not print a megabyte of minified bundle.)
    expect(text.includes('Get a local token'), 'the local token form is in the bundle').toBe(false);
    expect(text.includes('.redrive-'), 'the file dead-letter queue is in the bundle').toBe(false);
  });
});

describe('the cleaner function, bundled as infra ships it (sharp and libheif-js in node_modules beside it)', () => {
  it('holds no local-only, browser or test code, nor sharp or libheif, and loads with its environment', async () => {
    mkdirSync(join('node_modules', '.cache'), { recursive: true });
    const outdir = mkdtempSync(join('node_modules', '.cache', 'cleaner-bundle-'));
    const result = await build({
      ...lambdaBundleOptions,
      entryPoints: ['functions/cleaner/handler.ts'],
      external: CLEANER_NODE_MODULES,
      outdir,
    });
    const inputs = Object.keys((result.metafile as Metafile).inputs);
    expect(inputs.filter((i) => /^(local|web|tests|bench)\//.test(i))).toEqual([]);
    expect(inputs.filter((i) => /node_modules\/(sharp|libheif-js)\//.test(i))).toEqual([]);
    expect(inputs).toContain('functions/core/uploads/clean-upload.ts');

    const env = {
      TIPS_TABLE: 'tips',
      GUARD_TABLE: 'guard',
      UPLOADS_BUCKET: 'uploads-bucket',
      CLEAN_BUCKET: 'clean-bucket',
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const loaded = (await import(pathToFileURL(resolve(outdir, 'handler.js')).href).finally(() => {
      process.env = saved;
      rmSync(outdir, { recursive: true });
    })) as { handler: unknown };
    expect(typeof loaded.handler).toBe('function');
  });
});

describe('the attachment cleaner, bundled as a Lambda would ship it', () => {
  it('bundles file-type, pdf-lib and mp4box for Node 22 as ESM, keeps sharp and the HEIC decoder outside, and runs', async () => {
    // sharp is native: a function ships it in node_modules (built for linux-arm64), not in the bundle.
    // libheif-js goes there too: libheif's Emscripten loader reads `__dirname`, which an ESM bundle
    // lacks, and libheif (LGPL-3.0) stays a library apart. The bundle is written inside the
    // repository so that these imports resolve.
    mkdirSync(join('node_modules', '.cache'), { recursive: true });
    const outdir = mkdtempSync(join('node_modules', '.cache', 'attachments-bundle-'));
    const result = await build({
      ...lambdaBundleOptions,
      entryPoints: ['functions/core/attachments/clean-attachment.ts'],
      external: ['sharp', 'libheif-js'],
      outdir,
    });
    const inputs = Object.keys((result.metafile as Metafile).inputs);
    expect(inputs.some((i) => i.includes('node_modules/file-type/'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/pdf-lib/'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/mp4box/'))).toBe(true);
    expect(inputs.filter((i) => /node_modules\/(sharp|libheif-js)\//.test(i))).toEqual([]);

    const bundled = (await import(
      pathToFileURL(resolve(outdir, 'clean-attachment.js')).href
    )) as typeof CleanAttachment;
    const html = await bundled.cleanAttachment(new TextEncoder().encode('<html><script>x()</script></html>'));
    const pdf = await bundled.cleanAttachment(await (await PDFDocument.create()).save());
    const photo = await bundled.cleanAttachment(
      await sharp({ create: { width: 8, height: 6, channels: 3, background: 'red' } })
        .jpeg()
        .toBuffer(),
    );
    const iphone = await bundled.cleanAttachment(sourceHeic());
    rmSync(outdir, { recursive: true });

    expect(html.status).toBe('inert');
    expect(pdf).toMatchObject({ status: 'cleaned', kind: 'pdf' });
    expect(photo).toMatchObject({ status: 'cleaned', kind: 'image', type: { mime: 'image/jpeg' } });
    expect(iphone).toMatchObject({ status: 'cleaned', kind: 'image', type: { mime: 'image/jpeg' } });
    expect(iphone.status === 'cleaned' && findsSourceStrings(iphone.bytes)).toEqual([]);
  });
});

describe('the S3 SDK in the intake bundle (issue 12: 634 → 881 KB with /uploads)', () => {
  it('holds one copy of @aws-sdk/client-s3 (s3-presigned-post shares the project’s, by an npm override)', async () => {
    const result = await build({
      ...lambdaBundleOptions,
      entryPoints: [FUNCTION_ENTRIES.intake],
      write: false,
      outdir: 'out',
    });
    const inputs = Object.keys((result.metafile as Metafile).inputs);
    const copies = new Set(
      inputs
        .map((i) => /^(.*node_modules\/@aws-sdk\/client-s3)\//.exec(i)?.[1])
        .filter((c) => c !== undefined),
    );
    expect([...copies]).toEqual(['node_modules/@aws-sdk/client-s3']);
  });

  it('loads client-s3 and the POST signer only when a request needs them, never at cold start', async () => {
    // Built with code splitting, each dynamic import becomes a chunk of its own: what is left in the
    // entry chunk, after tree shaking, is what a cold start evaluates. CDK ships one file, where
    // the same code is in the bundle but evaluated only when the import() runs.
    const result = await build({
      ...lambdaBundleOptions,
      entryPoints: [FUNCTION_ENTRIES.intake],
      splitting: true,
      write: false,
      outdir: 'out',
    });
    const outputs = Object.values((result.metafile as Metafile).outputs);
    const entry = outputs.find((o) => o.entryPoint === FUNCTION_ENTRIES.intake);
    const used = (o: (typeof outputs)[number] | undefined) =>
      Object.entries(o?.inputs ?? {})
        .filter(([, i]) => i.bytesInOutput > 0)
        .map(([path]) => path);
    const s3 = (files: string[]) =>
      files.filter((f) => /node_modules\/@aws-sdk\/(client-s3|s3-presigned-post)\//.test(f));

    expect(s3(used(entry))).toEqual([]);
    expect(used(entry).some((f) => f.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
    // The S3 SDK is there, in the lazily loaded part: HeadObject for a tip's files, the POST signer.
    const lazy = outputs.filter((o) => o !== entry).flatMap(used);
    expect(lazy.some((f) => f.includes('client-s3/dist-es/commands/HeadObjectCommand.js'))).toBe(true);
    expect(lazy.some((f) => f.includes('node_modules/@aws-sdk/s3-presigned-post/'))).toBe(true);
  });
});
