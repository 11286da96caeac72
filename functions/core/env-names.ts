/**
 * The environment variables the functions read. infra/ imports these names too,
 * so the stack and the code cannot drift apart.
 */
export const ENV = {
  TIPS_TABLE: 'TIPS_TABLE',
  DESK_ADDRESS: 'DESK_ADDRESS',
  SENDER_ADDRESS: 'SENDER_ADDRESS',
  /** Set only locally: the AWS SDK's endpoints for dynalite and the SES emulator. */
  DYNAMODB_ENDPOINT: 'DYNAMODB_ENDPOINT',
  SES_ENDPOINT: 'SES_ENDPOINT',
  AWS_REGION: 'AWS_REGION',
  /**
   * Intake (serves the staff page): the Cognito hosted UI's authorize URL, implicit flow with
   * redirect_uri = <api>/staff. Unset (locally), the page asks for a pasted token instead.
   */
  STAFF_SIGN_IN_URL: 'STAFF_SIGN_IN_URL',
  /**
   * Staff function only: the HMAC key that signs list cursors (at least 32 random characters).
   * Locally a fixed dev key; in AWS a generated secret. Rotating it only invalidates open cursors.
   */
  CURSOR_SECRET: 'CURSOR_SECRET',
  /**
   * Notifier: which desk gets which tip, JSON `{"default": [addr], "rules": [{"topic"?, "kind"?, "to": [addr]}]}`
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
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
