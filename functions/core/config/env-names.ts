/**
 * The environment variables the functions read. infra/ imports these names too,
 * so the stack and the code cannot drift apart.
 */
export const ENV = {
  TIPS_TABLE: 'TIPS_TABLE',
  /**
   * Notifier (alerts) and receipts (the notice that a reader added a message, which carries no
   * reader text; receipts sends none when these are unset, and then needs no ses:SendEmail).
   */
  DESK_ADDRESS: 'DESK_ADDRESS',
  SENDER_ADDRESS: 'SENDER_ADDRESS',
  /** Set only locally: the AWS SDK's endpoints for dynalite and the SES emulator. */
  DYNAMODB_ENDPOINT: 'DYNAMODB_ENDPOINT',
  SES_ENDPOINT: 'SES_ENDPOINT',
  /** Set only locally: the AWS SDK's endpoint for the local S3 server (s3rver), addressed by path. */
  S3_ENDPOINT: 'S3_ENDPOINT',
  /**
   * Attachments (issue 12): the bucket readers' files are posted to (presigned POST, keys under
   * `uploads/`, expired after a day), and the bucket of the cleaned copies staff download.
   */
  UPLOADS_BUCKET: 'UPLOADS_BUCKET',
  CLEAN_BUCKET: 'CLEAN_BUCKET',
  /** Staff: how many minutes a presigned download URL of an attachment works (default 5, at most 60). */
  DOWNLOAD_URL_MINUTES: 'DOWNLOAD_URL_MINUTES',
  /**
   * Staff: the site's base URL (CloudFront's in AWS, the local gateway's locally) that serves
   * `clean/*` and `originals/*` from the clean bucket with nosniff and a sandbox CSP: download URLs
   * are signed for S3 and handed out on this origin. Unset: plain S3 presigned URLs.
   */
  FILE_BASE_URL: 'FILE_BASE_URL',
  /**
   * Staff: `guardduty` (the stack's value: a file is handed out only once GuardDuty tagged it
   * NO_THREATS_FOUND) or `none` (the default, and always locally: the inbox says "not scanned").
   */
  MALWARE_SCAN: 'MALWARE_SCAN',
  /**
   * Cleaner: `true` keeps each original as received under `originals/` in the clean bucket (for a
   * logged "download original"); default `false`: the original is gone once cleaned.
   */
  KEEP_ORIGINALS: 'KEEP_ORIGINALS',
  /** Intake (POST /uploads): the largest file a presigned POST lets S3 take, in bytes (default 100 MB). */
  MAX_FILE_BYTES: 'MAX_FILE_BYTES',
  /** Intake: upload requests per client per RATE_LIMIT_WINDOW_SECONDS (default 60), apart from submits. */
  UPLOAD_RATE_LIMIT_MAX: 'UPLOAD_RATE_LIMIT_MAX',
  AWS_REGION: 'AWS_REGION',
  /**
   * Intake (serves the staff page): the Cognito hosted UI's authorize URL for the authorization
   * code grant (client_id, redirect_uri = <api>/staff, scope); the page adds the PKCE challenge and
   * state. Unset (locally), the page asks for a pasted token instead.
   */
  STAFF_SIGN_IN_URL: 'STAFF_SIGN_IN_URL',
  /** Intake (the staff page): the Cognito token endpoint where the page trades the code and its PKCE verifier for a token. */
  STAFF_TOKEN_URL: 'STAFF_TOKEN_URL',
  /**
   * Staff function only: the HMAC key that signs list cursors (at least 32 random characters).
   * Locally a fixed dev key; in AWS a generated secret. Rotating it only invalidates open cursors.
   */
  CURSOR_SECRET: 'CURSOR_SECRET',
  /** In AWS instead of CURSOR_SECRET: the ARN of the Secrets Manager secret that holds it. */
  CURSOR_SECRET_ARN: 'CURSOR_SECRET_ARN',
  /**
   * Notifier and receipts: which desk gets which tip, JSON `{"default": [addr], "rules": [{"topic"?, "kind"?, "to": [addr]}]}`
   * (first matching rule wins). Unset: everything goes to DESK_ADDRESS.
   */
  DESK_ROUTING: 'DESK_ROUTING',
  /** Notifier: JSON `{"<desk address>": "<armored OpenPGP public key>"}`; those desks get PGP/MIME alerts. */
  DESK_PGP_KEYS: 'DESK_PGP_KEYS',
  /**
   * Every function that writes tips: JSON `{"default": days, "byStatus": {"dismissed": 30, ...}}`.
   * Unset: dismissed 30 days, quarantined 7, everything else 365.
   */
  RETENTION_POLICY: 'RETENTION_POLICY',
  /** Intake: Powertools idempotency table (key `id` S, TTL attribute `expiration`). */
  IDEMPOTENCY_TABLE: 'IDEMPOTENCY_TABLE',
  /**
   * Intake, notifier and receipts: counters of the abuse defences (key `pk` S, TTL attribute `expiresAt`):
   * per-client rate logs, message fingerprints, used form-token nonces, flood-breaker windows and
   * digests, alert failures.
   */
  GUARD_TABLE: 'GUARD_TABLE',
  /**
   * Intake and receipts: HMAC key (at least 32 random characters) for the client key (a hash of the source IP,
   * so no raw IP is stored or logged), the form tokens and message fingerprints.
   */
  CLIENT_HASH_SECRET: 'CLIENT_HASH_SECRET',
  /** In AWS instead of CLIENT_HASH_SECRET: the ARN of the Secrets Manager secret that holds it. */
  CLIENT_HASH_SECRET_ARN: 'CLIENT_HASH_SECRET_ARN',
  /**
   * Intake, staff and receipts: HMAC key (at least 32 random characters) of the receipt code. Only
   * the keyed hash is stored (the lookup key), and intake seals the code with a key derived from it
   * for an idempotent replay. Rotating it makes every stored receipt code unfindable.
   */
  RECEIPT_HASH_SECRET: 'RECEIPT_HASH_SECRET',
  /** In AWS instead of RECEIPT_HASH_SECRET: the ARN of the Secrets Manager secret that holds it. */
  RECEIPT_HASH_SECRET_ARN: 'RECEIPT_HASH_SECRET_ARN',
  /**
   * Intake + receipts: the value CloudFront sends in `x-tipline-origin-verify` (infra/edge.ts).
   * Only a request carrying it is keyed on its `CloudFront-Viewer-Address`; unset (locally), never.
   */
  ORIGIN_VERIFY_SECRET: 'ORIGIN_VERIFY_SECRET',
  /** In AWS instead of ORIGIN_VERIFY_SECRET: the ARN of the Secrets Manager secret that holds it. */
  ORIGIN_VERIFY_SECRET_ARN: 'ORIGIN_VERIFY_SECRET_ARN',
  /** Intake: submissions per client per window (default 30) and the window (default 600 s). */
  RATE_LIMIT_MAX: 'RATE_LIMIT_MAX',
  RATE_LIMIT_WINDOW_SECONDS: 'RATE_LIMIT_WINDOW_SECONDS',
  /** Intake: a form posted sooner than this after it was served is quarantined `too-fast` (default 3). */
  MIN_FILL_SECONDS: 'MIN_FILL_SECONDS',
  /** Intake: the same message again within this window is quarantined `duplicate` (default 86400). */
  DUPLICATE_WINDOW_SECONDS: 'DUPLICATE_WINDOW_SECONDS',
  /** Intake: a retried submit within this window gets the first answer (default 600). */
  IDEMPOTENCY_WINDOW_SECONDS: 'IDEMPOTENCY_WINDOW_SECONDS',
  /**
   * Notifier and receipts: more than FLOOD_MAX_ALERTS emails (alerts and reader-message notices, default 60)
   * in FLOOD_WINDOW_SECONDS (default 300) → one digest per desk. infra refuses a value one client could
   * reach alone (alerts/flood-budget.ts).
   * The digest of a closed window goes out on the next invocation: infra invokes the notifier every
   * minute with `{}` (an EventBridge schedule; no `Records` = a tick), so it goes out when no tip follows.
   */
  FLOOD_MAX_ALERTS: 'FLOOD_MAX_ALERTS',
  FLOOD_WINDOW_SECONDS: 'FLOOD_WINDOW_SECONDS',
  /**
   * Notifier: the staff inbox's address (e.g. https://inbox.example/staff); each flood digest links
   * every tip it lists to `<url>#/tips/<id>`. Unset: digests name the tips without links.
   */
  STAFF_INBOX_URL: 'STAFF_INBOX_URL',
  /** Notifier: attempts per alert before its tip id is dead-lettered; = stream retryAttempts + 1 (default 4). */
  ALERT_MAX_ATTEMPTS: 'ALERT_MAX_ATTEMPTS',
  /**
   * Notifier (AWS): the SQS queue URL failed alerts are dead-lettered to, as `{tipId, reason, failedAt}`
   * (the notifier needs sqs:SendMessage on it; `npm run redrive` Receive/DeleteMessage).
   */
  ALERT_DLQ_URL: 'ALERT_DLQ_URL',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/**
 * The variables that hold a secret, each with the variable naming its Secrets Manager secret.
 * Locally (npm start, tests) the value itself is set; in AWS only the ARN, and the function reads
 * the value once at cold start (functions/core/config/secrets.ts). Setting both is refused.
 * A new secret is one line here (and its `_ARN` name in ENV); infra/secrets.ts creates it.
 */
export const SECRET_ENV = {
  [ENV.CLIENT_HASH_SECRET]: ENV.CLIENT_HASH_SECRET_ARN,
  [ENV.CURSOR_SECRET]: ENV.CURSOR_SECRET_ARN,
  [ENV.ORIGIN_VERIFY_SECRET]: ENV.ORIGIN_VERIFY_SECRET_ARN,
  [ENV.RECEIPT_HASH_SECRET]: ENV.RECEIPT_HASH_SECRET_ARN,
} as const;

export type SecretEnvName = keyof typeof SECRET_ENV;
