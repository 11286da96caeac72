import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ENTRIES, lambdaBundleOptions } from '../../bench/bundle-options';

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
