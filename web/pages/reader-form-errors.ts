import { errorHeaders } from '#core/http/error-response';
import { type ErrorCode, HttpError, ValidationError } from '#core/http/errors';
import { type HttpResponse, html } from '#core/http/responses';
import type { FileLimits } from '../shared/reader-copy';
import { readerFormPage } from './reader-form';

/**
 * What the reader form says, by error code, for the errors a reader can wait out or do nothing
 * about but try again. A code without a sentence gets its JSON answer, as a script would (a bug
 * or a staff-only error has nothing a reader could act on).
 */
export const READER_FORM_PROBLEMS: Partial<Record<ErrorCode, string>> = {
  unavailable: 'We could not save your message just now. Nothing was lost: please send it again in a minute.',
  rate_limited: 'Too many messages were sent from your connection. Please try again later.',
  in_progress:
    'We are still saving the message you sent a moment ago. Send it again in a few seconds: it will not be stored twice.',
  receipt_unavailable:
    'We already received this message and stored it, but we can no longer show its receipt code. Nothing was lost. To follow up on it, send a new message.',
  // A browser gets a page even when the body could not be read (never raw JSON).
  payload_too_large: 'Your message is too long to send. Please shorten it and send it again.',
  malformed_body: 'Your browser sent the form in a way we could not read.',
};

/**
 * The reader form again after a plain form post (no JavaScript) failed: each field's problem
 * beside it, or the problem above the form. Status and headers (Retry-After...) are the error's
 * own, as in its JSON answer. Undefined: answer with JSON.
 */
export function readerFormErrorPage(
  err: unknown,
  values: Record<string, unknown>,
  fileLimits?: FileLimits,
  page: { connectSrc?: string[] } = {},
): HttpResponse | undefined {
  if (!(err instanceof HttpError)) return undefined;
  const problem = READER_FORM_PROBLEMS[err.code];
  if (!(err instanceof ValidationError) && problem === undefined) return undefined;
  const state = err instanceof ValidationError ? { values, issues: err.issues } : { values, problem };
  return html(err.status, readerFormPage({ ...state, fileLimits }), errorHeaders(err), page);
}
