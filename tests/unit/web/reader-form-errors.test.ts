import { describe, expect, it } from 'vitest';
import {
  ExportTooLargeError,
  IdempotencyInProgressError,
  MailerError,
  MalformedBodyError,
  PayloadTooLargeError,
  RateLimitedError,
  StoreUnavailableError,
  ValidationError,
  VersionConflictError,
} from '#core/http/errors';
import { READER_FORM_PROBLEMS, readerFormErrorPage } from '../../../web/pages/reader-form-errors';

describe('the reader form’s error pages (a form post without JavaScript)', () => {
  it('shows the form again with each issue beside its field and the reader’s values kept', () => {
    const err = new ValidationError([{ path: 'email', message: 'enter a valid email address' }]);

    const res = readerFormErrorPage(err, { email: 'not-an-address', message: 'Ferries stopped' });

    expect(res?.statusCode).toBe(400);
    expect(res?.headers['content-type']).toBe('text/html; charset=utf-8');
    // Shown as a sentence beside the field.
    expect(res?.body).toContain('Enter a valid email address');
    expect(res?.body).toContain('not-an-address');
  });

  it.each([
    ['rate limited', new RateLimitedError(30), 429, { 'retry-after': '30' }],
    ['store down', new StoreUnavailableError(7), 503, { 'retry-after': '7' }],
    ['in progress', new IdempotencyInProgressError(), 409, { 'retry-after': '1' }],
    ['too large', new PayloadTooLargeError(65_536), 413, {}],
    ['malformed', new MalformedBodyError('not UTF-8'), 400, {}],
  ])('%s: the status and headers of the error, the sentence of its code', (_, err, status, headers) => {
    const res = readerFormErrorPage(err, {});

    expect(res?.statusCode).toBe(status);
    expect(res?.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', ...headers });
    expect(res?.body).toContain(READER_FORM_PROBLEMS[err.code]);
  });

  it.each([
    ['a staff-only error', new VersionConflictError(2, 1)],
    ['an error with no sentence for readers', new ExportTooLargeError(1)],
    ['an internal error', new MailerError('SES refused', true)],
    ['a bug', new TypeError('x is undefined')],
  ])('leaves %s to the JSON answer', (_, err) => {
    expect(readerFormErrorPage(err, {})).toBeUndefined();
  });
});
