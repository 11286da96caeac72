import type { FieldIssue } from './tip-schema';

/** Errors are values until the edge: each carries what the HTTP mapping needs, nothing more. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(readonly issues: FieldIssue[]) {
    super('the submission has invalid fields');
  }
}

export class MalformedBodyError extends Error {
  override name = 'MalformedBodyError';
}

export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`the body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
  constructor(readonly mediaType: string | undefined) {
    super('send application/json or application/x-www-form-urlencoded');
  }
}

export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super('too many submissions from this client; try again later');
  }
}

/** The store could not be written or read (throttled, down, timed out): retryable. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(
    readonly retryAfterSeconds = 5,
    options?: ErrorOptions,
  ) {
    super('the tip store is unavailable; try again shortly', options);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The mail service refused or failed a send: the caller decides whether to retry. */
export class MailerError extends Error {
  override name = 'MailerError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
