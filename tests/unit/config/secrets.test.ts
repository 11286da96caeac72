import { describe, expect, it } from 'vitest';
import { ENV, SECRET_ENV } from '#core/config/env-names';
import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { receiptsConfigSchema } from '#core/config/receipts-config';
import { loadConfigWithSecrets, type SecretReader } from '#core/config/secrets';
import { staffConfigSchema } from '#core/config/staff-config';

const CURSOR_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CursorSecret-AbCdEf';
const CLIENT_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ClientHashSecret-GhIjKl';
const VALUE = 'v'.repeat(40);
/** The staff function's plain settings besides its secrets. */
const STAFF_ENV = { TIPS_TABLE: 'tips', CLEAN_BUCKET: 'tipline-clean' };

/** A reader that records what it was asked for and answers from a table: no AWS in unit tests. */
function readerOf(values: Record<string, string>): SecretReader & { asked: string[] } {
  const asked: string[] = [];
  const read = async (arn: string) => {
    asked.push(arn);
    const value = values[arn];
    if (value === undefined)
      throw Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' });
    return value;
  };
  return Object.assign(read, { asked });
}

describe('secrets: the value locally, the ARN in AWS, exactly one', () => {
  it('every secret has an `_ARN` twin that env-names.ts lists', () => {
    for (const [name, arnName] of Object.entries(SECRET_ENV)) {
      expect(Object.values(ENV)).toContain(name);
      expect(arnName).toBe(`${name}_ARN`);
      expect(Object.values(ENV)).toContain(arnName);
    }
  });

  it('reads each secret named by its ARN once and validates the value like any other', async () => {
    const read = readerOf({ [CURSOR_ARN]: VALUE });
    const config = await loadConfigWithSecrets(
      staffConfigSchema,
      { ...STAFF_ENV, CURSOR_SECRET_ARN: CURSOR_ARN, RECEIPT_HASH_SECRET: VALUE },
      read,
    );
    expect(config.CURSOR_SECRET).toBe(VALUE);
    expect(read.asked).toEqual([CURSOR_ARN]);
  });

  it('uses a value given directly (npm start, tests) without reading anything', async () => {
    const read = readerOf({});
    const config = await loadConfigWithSecrets(
      staffConfigSchema,
      { ...STAFF_ENV, CURSOR_SECRET: VALUE, RECEIPT_HASH_SECRET: VALUE },
      read,
    );
    expect(config.CURSOR_SECRET).toBe(VALUE);
    expect(read.asked).toEqual([]);
  });

  it('refuses a secret given both ways, naming both variables, before reading anything', async () => {
    const read = readerOf({ [CLIENT_ARN]: VALUE });
    const env = {
      TIPS_TABLE: 'tips',
      GUARD_TABLE: 'guard',
      CLIENT_HASH_SECRET: VALUE,
      CLIENT_HASH_SECRET_ARN: CLIENT_ARN,
    };
    await expect(loadConfigWithSecrets(receiptsConfigSchema, env, read)).rejects.toThrow(
      /CLIENT_HASH_SECRET: set either CLIENT_HASH_SECRET \(the value, locally\) or CLIENT_HASH_SECRET_ARN \(in AWS\), not both/,
    );
    expect(read.asked).toEqual([]);
    // The synchronous loader (npm start, the local stack) refuses it the same way.
    expect(() => loadConfig(receiptsConfigSchema, env)).toThrow(/not both/);
  });

  it('fails the cold start naming the _ARN variable and the error, never a value, when a secret cannot be read', async () => {
    const read = readerOf({});
    const failure = loadConfigWithSecrets(
      intakeConfigSchema,
      { TIPS_TABLE: 'tips', GUARD_TABLE: 'guard', CLIENT_HASH_SECRET_ARN: CLIENT_ARN },
      read,
    );
    await expect(failure).rejects.toThrow(
      'invalid configuration: CLIENT_HASH_SECRET_ARN: the secret could not be read (ResourceNotFoundException)',
    );
  });

  it('names the value variable when the secret read is too short to be a key', async () => {
    const read = readerOf({ [CURSOR_ARN]: 'short' });
    await expect(
      loadConfigWithSecrets(
        staffConfigSchema,
        { ...STAFF_ENV, CURSOR_SECRET_ARN: CURSOR_ARN, RECEIPT_HASH_SECRET: VALUE },
        read,
      ),
    ).rejects.toThrow(/CURSOR_SECRET: must be a random secret of at least 32 characters/);
  });

  it('names the value variable when neither is set', async () => {
    await expect(
      loadConfigWithSecrets(staffConfigSchema, { TIPS_TABLE: 'tips' }, readerOf({})),
    ).rejects.toThrow(/CURSOR_SECRET: /);
  });

  it('refuses an _ARN that is not an ARN', async () => {
    await expect(
      loadConfigWithSecrets(
        staffConfigSchema,
        { TIPS_TABLE: 'tips', CURSOR_SECRET_ARN: 'CursorSecret' },
        readerOf({}),
      ),
    ).rejects.toThrow(/CURSOR_SECRET_ARN: /);
  });
});
