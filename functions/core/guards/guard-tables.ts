/**
 * The two tables of the reliability and abuse defences, as infra/ must declare them and
 * local/stack/tables.ts creates them. Both are on-demand, string partition key only, with TTL.
 */
export const IDEMPOTENCY_TABLE_KEY = {
  /** Powertools' default: `id` = `<prefix>#<sha256 of the key>`. */
  partitionKey: 'id',
  /** Epoch seconds; Powertools also checks it itself, so a late TTL deletion is harmless. */
  ttlAttribute: 'expiration',
} as const;

export const GUARD_TABLE_KEY = {
  /** `rate#<client>` (a sliding log), `fp#<fingerprint>`, `form#<nonce>` (a used form token), `flood#<window>`, `digest#<window>`, `alert-failures#<tipId>`. */
  partitionKey: 'pk',
  /** Epoch seconds; every check also compares it itself, so a late TTL deletion is harmless. */
  ttlAttribute: 'expiresAt',
} as const;
