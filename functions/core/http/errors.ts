import type { FieldIssue } from '#core/tips/tip-schema';

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

/** The same idempotency key is being processed right now (a double click, a hasty retry). */
export class IdempotencyInProgressError extends Error {
  override name = 'IdempotencyInProgressError';
  readonly retryAfterSeconds = 1;
  constructor() {
    super('the same submission is being processed right now; retry in a second for its result');
  }
}

/** An `Idempotency-Key` reused for a different body: replaying the first answer would be a lie. */
export class IdempotencyKeyReusedError extends Error {
  override name = 'IdempotencyKeyReusedError';
  constructor() {
    super('this Idempotency-Key was already used for a different submission; use a new key');
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

/** No valid staff identity reached the handler (the authorizer normally stops this first). */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

/** A valid identity without the right to this route (not in the staff group). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/** A list cursor that was forged, altered, or used with other filters than it was issued for. */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor() {
    super('the cursor is not valid for this list; start again without it');
  }
}

/** The editor saw an older version of the tip than the one stored (optimistic concurrency). */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
  constructor(
    readonly currentVersion: number,
    readonly expectedVersion: number,
  ) {
    super(`the tip changed since version ${expectedVersion}; it is now at version ${currentVersion}`);
  }
}

/** A status change the triage workflow does not allow from the tip's current status. */
export class InvalidTransitionError extends Error {
  override name = 'InvalidTransitionError';
  constructor(
    readonly from: string,
    readonly to: string,
    readonly allowed: readonly string[],
    readonly currentVersion: number,
  ) {
    super(
      `a tip cannot go from ${from} to ${to}; from ${from} it can go to ${allowed.length ? allowed.join(', ') : 'nothing'}`,
    );
  }
}

/** A write that must say which version it saw (If-Match) did not. */
export class PreconditionRequiredError extends Error {
  override name = 'PreconditionRequiredError';
}

/** A tip's history is full: its follow-up takes no more reader messages (items are capped at 400 KB). */
export class ConversationFullError extends Error {
  override name = 'ConversationFullError';
  constructor() {
    super('this tip has as many messages as it can hold; the desk has them all');
  }
}
