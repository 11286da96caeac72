import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { makeTiplineApp } from '../../infra/tipline-app';
import { TEST_CONTEXT } from './template-helpers';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const outdir = mkdtempSync(join(tmpdir(), 'tipline-cfnlint-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cfn-lint on the synthesized template', () => {
  // The template as `npm run synth` writes it (bundling skipped: it changes asset hashes only),
  // linted with the project's .cfnlintrc.yaml, as .ci/run does: no error and no warning.
  test('finds nothing, with every rule on', async () => {
    const { app } = makeTiplineApp({ bundle: false, nag: false, outdir, context: TEST_CONTEXT });
    const template = join(app.synth().directory, 'Tipline.template.json');
    const result = await run('cfn-lint', ['--', template], { cwd: ROOT }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (err: { code?: number | string; stdout?: string }) => ({ code: err.code, stdout: err.stdout ?? '' }),
    );
    expect(
      result.code === 'ENOENT' ? 'cfn-lint is not installed (pip install cfn-lint)' : result.stdout,
    ).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
