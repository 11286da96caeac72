import { HttpError, InternalError } from './errors';
import { type HttpResponse, json } from './responses';

/** The error an answer is made from: itself if the API knows it, otherwise a 500 that names the request. */
export function asHttpError(err: unknown, requestId: string): HttpError {
  return err instanceof HttpError ? err : new InternalError(requestId, { cause: err });
}

/** The answer's header names as the other responses write them (lowercase, as HTTP/2 sends them). */
export function errorHeaders(err: HttpError): Record<string, string> {
  return Object.fromEntries(Object.entries(err.headerValues()).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * The one place an error becomes HTTP, read off the error itself (errors.ts). Expected errors
 * show their message; anything else is a bug: a generic 500 that names the request id and
 * never the error.
 */
export function errorResponse(err: unknown, requestId: string): HttpResponse {
  const error = asHttpError(err, requestId);
  return json(
    error.status,
    { error: error.code, message: error.publicMessage, ...error.details() },
    errorHeaders(error),
  );
}
