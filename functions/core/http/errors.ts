import type { FieldIssue } from '#core/tips/tip-schema';

/**
 * Every error the API can answer with, and the one registry of them. Errors are values until
 * the edge: each carries what its HTTP answer needs (status, code, headers, extra body fields)
 * and nothing more. `errorResponse`, the OpenAPI document and the reader form's error pages all
 * derive from these classes, so a new error is added here once and is answered, documented
 * and tested everywhere.
 */

/** Headers an error may add to its answer, as the OpenAPI document names them. */
export type ErrorHeader = 'Retry-After' | 'ETag' | 'WWW-Authenticate';

export abstract class HttpError extends Error {
  /** Static, so the registry and the document read them without making an error. */
  static readonly status: number;
  static readonly code: string;
  /** The headers every instance sets (the document marks them). */
  static readonly headers: readonly ErrorHeader[] = [];
  /** What the body says when the message is not exposed: fixed, so nothing internal leaks. */
  static readonly genericMessage: string = 'something went wrong on our side';

  private get kind(): typeof HttpError {
    return this.constructor as typeof HttpError;
  }

  get status(): number {
    return this.kind.status;
  }

  get code(): ErrorCode {
    return this.kind.code as ErrorCode;
  }

  /** As middy's http-errors: a client error shows its message, a server error a generic one. */
  get expose(): boolean {
    return this.status < 500;
  }

  /** The message the client reads. */
  get publicMessage(): string {
    return this.expose ? this.message : this.kind.genericMessage;
  }

  /** The values of the headers this error adds, by the names of `headers`. */
  headerValues(): Partial<Record<ErrorHeader, string>> {
    return {};
  }

  /** Body fields besides `error` and `message`. */
  details(): Record<string, unknown> {
    return {};
  }
}

/**
 * An error whose answer says when to try again: `Retry-After`, in seconds. The header list and
 * its value are kept together here, so a subclass cannot document the header and not send it.
 */
abstract class RetryLaterError extends HttpError {
  static override readonly headers: readonly ErrorHeader[] = ['Retry-After'];
  abstract readonly retryAfterSeconds: number;
  override headerValues() {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** An answer lists at most this many issues, and says how many there were in all. */
export const MAX_ISSUES_SHOWN = 20;
/** A path or message is cut to this many characters: an unknown field's name is the client's own text. */
export const MAX_ISSUE_TEXT = 200;

const cut = (text: string) =>
  text.length <= MAX_ISSUE_TEXT ? text : `${text.slice(0, MAX_ISSUE_TEXT - 1)}…`;

/**
 * A refused body, query or header. The answer's size is bounded whatever was sent: the first
 * MAX_ISSUES_SHOWN issues (field rules come before unknown fields), each cut to
 * MAX_ISSUE_TEXT characters, and `issueCount`. A body of 5,000 unknown fields would otherwise
 * be answered with ~290 KB naming each of them.
 */
export class ValidationError extends HttpError {
  static override readonly status = 400;
  static override readonly code = 'validation_failed';
  override name = 'ValidationError';
  readonly issues: FieldIssue[];
  readonly issueCount: number;
  constructor(issues: FieldIssue[]) {
    super('the submission has invalid fields');
    this.issueCount = issues.length;
    this.issues = issues
      .slice(0, MAX_ISSUES_SHOWN)
      .map((i) => ({ path: cut(i.path), message: cut(i.message) }));
  }
  override details() {
    return { issues: this.issues, issueCount: this.issueCount };
  }
}

export class MalformedBodyError extends HttpError {
  static override readonly status = 400;
  static override readonly code = 'malformed_body';
  override name = 'MalformedBodyError';
}

/** A list cursor that was forged, altered, or used with other filters than it was issued for. */
export class InvalidCursorError extends HttpError {
  static override readonly status = 400;
  static override readonly code = 'invalid_cursor';
  override name = 'InvalidCursorError';
  constructor() {
    super('the cursor is not valid for this list; start again without it');
  }
}

/** No valid staff identity reached the handler (the authorizer normally stops this first). */
export class UnauthorizedError extends HttpError {
  static override readonly status = 401;
  static override readonly code = 'unauthorized';
  static override readonly headers = ['WWW-Authenticate'] as const;
  override name = 'UnauthorizedError';
  override headerValues() {
    return { 'WWW-Authenticate': 'Bearer' };
  }
}

/** A valid identity without the right to this route (not in the staff group). */
export class ForbiddenError extends HttpError {
  static override readonly status = 403;
  static override readonly code = 'forbidden';
  override name = 'ForbiddenError';
}

/**
 * A tip, receipt or asset that is not there. The answer never says which or why: a wrong
 * receipt code and a missing one must read the same (the message stays for the cause chain).
 */
export class NotFoundError extends HttpError {
  static override readonly status = 404;
  static override readonly code = 'not_found';
  override name = 'NotFoundError';
  override get publicMessage() {
    return 'no such resource';
  }
}

/** A route key no handler serves (the gateway only sends known ones: a wiring bug, or a probe). */
export class RouteNotFoundError extends HttpError {
  static override readonly status = 404;
  static override readonly code = 'not_found';
  override name = 'RouteNotFoundError';
  constructor(routeKey: string) {
    super(`no route ${routeKey}`);
  }
}

/** The editor saw an older version of the tip than the one stored (optimistic concurrency). */
export class VersionConflictError extends HttpError {
  static override readonly status = 409;
  static override readonly code = 'version_conflict';
  static override readonly headers = ['ETag'] as const;
  override name = 'VersionConflictError';
  constructor(
    readonly currentVersion: number,
    readonly expectedVersion: number,
  ) {
    super(`the tip changed since version ${expectedVersion}; it is now at version ${currentVersion}`);
  }
  override headerValues() {
    return { ETag: `"${this.currentVersion}"` };
  }
  override details() {
    return { currentVersion: this.currentVersion };
  }
}

/** A status change the triage workflow does not allow from the tip's current status. */
export class InvalidTransitionError extends HttpError {
  static override readonly status = 409;
  static override readonly code = 'invalid_transition';
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
  override details() {
    return { from: this.from, to: this.to, allowed: this.allowed, currentVersion: this.currentVersion };
  }
}

/** The same idempotency key is being processed right now (a double click, a hasty retry). */
export class IdempotencyInProgressError extends RetryLaterError {
  static override readonly status = 409;
  static override readonly code = 'in_progress';
  override name = 'IdempotencyInProgressError';
  readonly retryAfterSeconds = 1;
  constructor() {
    super('the same submission is being processed right now; retry in a second for its result');
  }
}

/**
 * A retry of a submit that was stored, whose receipt code can no longer be shown: its
 * idempotency record holds the code sealed with RECEIPT_HASH_SECRET, and that secret changed
 * since (a rotation, or two containers that disagree during one). Replaying is impossible and
 * storing the tip again would make a second one, so the answer says it was received. The code is
 * never recoverable from the record (that is the point of sealing it).
 */
export class ReceiptUnavailableError extends HttpError {
  static override readonly status = 409;
  static override readonly code = 'receipt_unavailable';
  override name = 'ReceiptUnavailableError';
  constructor(options?: ErrorOptions) {
    super(
      'this submission was already received and stored, but its receipt code can no longer be shown; to follow up, send a new tip',
      options,
    );
  }
}

/** A tip's history is full: its follow-up takes no more reader messages (items are capped at 400 KB). */
export class ConversationFullError extends HttpError {
  static override readonly status = 409;
  static override readonly code = 'conversation_full';
  override name = 'ConversationFullError';
  constructor() {
    super('this tip has as many messages as it can hold; the desk has them all');
  }
}

/** A file the cleaner has not read yet: nothing about it is known, so nothing is handed out. */
export class AttachmentPendingError extends RetryLaterError {
  static override readonly status = 409;
  static override readonly code = 'attachment_pending';
  override name = 'AttachmentPendingError';
  readonly retryAfterSeconds = 30;
  constructor() {
    super('this file is still being cleaned; it can be downloaded once cleaning is done');
  }
}

/** "Download original" of a file whose original was not kept (KEEP_ORIGINALS off, or never cleaned). */
export class OriginalNotKeptError extends HttpError {
  static override readonly status = 409;
  static override readonly code = 'original_not_kept';
  override name = 'OriginalNotKeptError';
  constructor() {
    super('no original is kept of this file: only the copy shown can be downloaded');
  }
}

/** An inline view of a file that is never shown in the page (only cleaned photos and videos are). */
export class InlineNotAllowedError extends HttpError {
  static override readonly status = 409;
  static override readonly code = 'inline_not_allowed';
  override name = 'InlineNotAllowedError';
  constructor() {
    super('only cleaned photos and videos are shown in the page; download this file instead');
  }
}

/** The malware scan (GuardDuty) has not tagged the file yet: staff only get files it passed. */
export class ScanPendingError extends RetryLaterError {
  static override readonly status = 409;
  static override readonly code = 'scan_pending';
  override name = 'ScanPendingError';
  readonly retryAfterSeconds = 60;
  constructor() {
    super('this file has not been scanned for malware yet; try again in a minute');
  }
}

/** The scan ran but could not judge the file (unsupported, access denied, failed): not handed out. */
export class ScanFailedError extends HttpError {
  static override readonly status = 409;
  static override readonly code = 'scan_failed';
  override name = 'ScanFailedError';
  constructor(readonly scanStatus: string) {
    super(`the malware scan could not check this file (${scanStatus}); it is not handed out`);
  }
}

/** The malware scan found a threat in the file: it is never handed out. */
export class AttachmentInfectedError extends HttpError {
  static override readonly status = 403;
  static override readonly code = 'attachment_infected';
  override name = 'AttachmentInfectedError';
  constructor() {
    super('the malware scan found a threat in this file; it cannot be downloaded');
  }
}

/**
 * A tip reached its size budget (tips/item-size.ts): DynamoDB refuses an item over 400 KB, so
 * what would grow it further is refused here, with a way on for the reader.
 */
export class TipTooLargeError extends HttpError {
  static override readonly status = 413;
  static override readonly code = 'tip_too_large';
  override name = 'TipTooLargeError';
  constructor(readonly limitBytes: number) {
    super('this tip holds as much as it can; please send anything more as a new tip');
  }
  override details() {
    return { limitBytes: this.limitBytes };
  }
}

export class PayloadTooLargeError extends HttpError {
  static override readonly status = 413;
  static override readonly code = 'payload_too_large';
  override name = 'PayloadTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`the body is larger than ${limitBytes} bytes`);
  }
  override details() {
    return { limitBytes: this.limitBytes };
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  static override readonly status = 415;
  static override readonly code = 'unsupported_media_type';
  override name = 'UnsupportedMediaTypeError';
  constructor(readonly mediaType: string | undefined) {
    super('send application/json or application/x-www-form-urlencoded');
  }
}

/** An `Idempotency-Key` reused for a different body: replaying the first answer would be a lie. */
export class IdempotencyKeyReusedError extends HttpError {
  static override readonly status = 422;
  static override readonly code = 'idempotency_key_reused';
  override name = 'IdempotencyKeyReusedError';
  constructor() {
    super('this Idempotency-Key was already used for a different submission; use a new key');
  }
}

/** The export would not fit in one Lambda answer: the client narrows its filters. */
export class ExportTooLargeError extends HttpError {
  static override readonly status = 422;
  static override readonly code = 'export_too_large';
  override name = 'ExportTooLargeError';
  constructor(readonly limitBytes: number) {
    super(`the export is over ${limitBytes} bytes; narrow it with from/to or other filters`);
  }
  override details() {
    return { limitBytes: this.limitBytes };
  }
}

/** A write that must say which version it saw (If-Match) did not. */
export class PreconditionRequiredError extends HttpError {
  static override readonly status = 428;
  static override readonly code = 'precondition_required';
  override name = 'PreconditionRequiredError';
}

export class RateLimitedError extends RetryLaterError {
  static override readonly status = 429;
  static override readonly code = 'rate_limited';
  override name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super('too many submissions from this client; try again later');
  }
}

/**
 * Anything that is not an HttpError: a bug. Its answer names the request id (to find the logs)
 * and never the error itself.
 */
export class InternalError extends HttpError {
  static override readonly status = 500;
  static override readonly code = 'internal';
  override name = 'InternalError';
  constructor(
    readonly requestId: string,
    options?: ErrorOptions,
  ) {
    super('unexpected failure', options);
  }
  override details() {
    return { requestId: this.requestId };
  }
}

/** The store could not be written or read (throttled, down, timed out): retryable. */
export class StoreUnavailableError extends RetryLaterError {
  static override readonly status = 503;
  static override readonly code = 'unavailable';
  static override readonly genericMessage: string = 'the tip store is unavailable; try again shortly';
  override name = 'StoreUnavailableError';
  constructor(
    readonly retryAfterSeconds = 5,
    options?: ErrorOptions,
  ) {
    super('the tip store is unavailable', options);
  }
}

/** GET /health found the store not answering: the 503 says so with `ok: false`, as a monitor reads it. */
export class StoreUnhealthyError extends StoreUnavailableError {
  static override readonly genericMessage = 'the store does not answer';
  override name = 'StoreUnhealthyError';
  override details() {
    return { ok: false };
  }
}

/**
 * The registry: every error the API answers with. Whatever maps errors (the JSON answer, the
 * OpenAPI document, the reader form's pages) reads it; a class missing here fails the tests.
 */
export const HTTP_ERRORS = [
  ValidationError,
  MalformedBodyError,
  InvalidCursorError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  RouteNotFoundError,
  VersionConflictError,
  InvalidTransitionError,
  IdempotencyInProgressError,
  ReceiptUnavailableError,
  ConversationFullError,
  AttachmentPendingError,
  OriginalNotKeptError,
  InlineNotAllowedError,
  ScanPendingError,
  ScanFailedError,
  AttachmentInfectedError,
  TipTooLargeError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  IdempotencyKeyReusedError,
  ExportTooLargeError,
  PreconditionRequiredError,
  RateLimitedError,
  InternalError,
  StoreUnavailableError,
  StoreUnhealthyError,
] as const;

export type HttpErrorClass = (typeof HTTP_ERRORS)[number];
export type ErrorCode = HttpErrorClass['code'];

/** Every error code by its HTTP status (one status per code: the tests hold every class to it). */
export const ERROR_STATUS = Object.fromEntries(HTTP_ERRORS.map((e) => [e.code, e.status])) as Record<
  ErrorCode,
  number
>;

/** Every registered error code, in registry order. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** The mail service refused or failed a send: internal (the notifier retries), never an API answer. */
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
