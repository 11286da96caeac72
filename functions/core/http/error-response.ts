import {
  ConversationFullError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  InvalidTransitionError,
  MalformedBodyError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  RateLimitedError,
  StoreUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  VersionConflictError,
} from './errors';
import { type HttpResponse, json } from './responses';

/**
 * The one place an error becomes HTTP. Expected errors show their message; anything else
 * is a bug: a generic 500 that names the request id and never the error itself.
 */
export function errorResponse(err: unknown, requestId: string): HttpResponse {
  if (err instanceof ValidationError) {
    return json(400, { error: 'validation_failed', message: err.message, issues: err.issues });
  }
  if (err instanceof MalformedBodyError) return json(400, { error: 'malformed_body', message: err.message });
  if (err instanceof PayloadTooLargeError) {
    return json(413, { error: 'payload_too_large', message: err.message, limitBytes: err.limitBytes });
  }
  if (err instanceof UnsupportedMediaTypeError) {
    return json(415, { error: 'unsupported_media_type', message: err.message });
  }
  if (err instanceof IdempotencyInProgressError) {
    return json(
      409,
      { error: 'in_progress', message: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof IdempotencyKeyReusedError) {
    return json(422, { error: 'idempotency_key_reused', message: err.message });
  }
  if (err instanceof RateLimitedError) {
    return json(
      429,
      { error: 'rate_limited', message: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof StoreUnavailableError) {
    return json(
      503,
      { error: 'unavailable', message: err.message },
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof NotFoundError) return json(404, { error: 'not_found', message: 'no such resource' });
  if (err instanceof UnauthorizedError) {
    return json(401, { error: 'unauthorized', message: err.message }, { 'www-authenticate': 'Bearer' });
  }
  if (err instanceof ForbiddenError) return json(403, { error: 'forbidden', message: err.message });
  if (err instanceof InvalidCursorError) return json(400, { error: 'invalid_cursor', message: err.message });
  if (err instanceof VersionConflictError) {
    return json(
      409,
      { error: 'version_conflict', message: err.message, currentVersion: err.currentVersion },
      { etag: `"${err.currentVersion}"` },
    );
  }
  if (err instanceof InvalidTransitionError) {
    return json(409, {
      error: 'invalid_transition',
      message: err.message,
      from: err.from,
      to: err.to,
      allowed: err.allowed,
      currentVersion: err.currentVersion,
    });
  }
  if (err instanceof PreconditionRequiredError) {
    return json(428, { error: 'precondition_required', message: err.message });
  }
  if (err instanceof ConversationFullError)
    return json(409, { error: 'conversation_full', message: err.message });
  return json(500, { error: 'internal', message: 'something went wrong on our side', requestId });
}
