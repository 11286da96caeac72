import { describe, expect, it } from 'vitest';
import type { SubmitTip } from '#core/intake/submit-tip';
import type { RequestUpload } from '#core/uploads/request-upload';
import { uploadLimits } from '#core/uploads/upload-limits';
import { makeIntakeHandler } from '../../../functions/intake/make-intake-handler';
import { httpEvent } from '../../support/events';
import { capturingLogger } from '../../support/quiet-logger';

const lambdaContext = { awsRequestId: 'lambda-req-1' };
const unused = (() => {
  throw new Error('not called by a page');
}) as unknown as SubmitTip & RequestUpload;

function pagesWith(uploadOrigin: () => Promise<string>) {
  const { logger, lines } = capturingLogger();
  const handler = makeIntakeHandler({
    submitTip: unused,
    storeHealth: async () => ({ ok: true }),
    logger,
    requestUpload: unused,
    uploadLimits: uploadLimits(),
    uploadOrigin,
  });
  const get = (path: string) => handler(httpEvent({ method: 'GET', path }), lambdaContext as never);
  return { get, lines };
}

describe("the pages' file picker and its CSP (intake)", () => {
  it('carries the limits and lets the page post to the uploads origin', async () => {
    const { get, lines } = pagesWith(async () => 'https://uploads-bucket.s3.eu-west-1.amazonaws.com');

    const form = await get('/');
    const followUp = await get('/follow-up');
    lines();

    for (const res of [form, followUp]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('id="files-input"');
      expect(res.headers?.['content-security-policy']).toContain(
        "connect-src 'self' https://uploads-bucket.s3.eu-west-1.amazonaws.com;",
      );
    }
  });

  it('without the uploads origin (no credentials to sign with), serves the pages for text, not a 500', async () => {
    const { get, lines } = pagesWith(async () => {
      throw Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' });
    });

    const form = await get('/');
    const logged = lines();

    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain('id="files-input"');
    expect(form.body).toContain('id="message"');
    expect(form.headers?.['content-security-policy']).not.toContain('connect-src');
    expect(
      logged.some((l) => l.includes('upload origin unavailable') && l.includes('CredentialsProviderError')),
    ).toBe(true);
  });
});
