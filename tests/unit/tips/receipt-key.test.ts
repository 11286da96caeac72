import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newReceiptCode } from '#core/tips/receipt-code';
import { makeReceiptKeys } from '#core/tips/receipt-key';

const SECRET = 'unit-receipt-hash-secret-0123456789abcdef';

describe('receipt keys: the only forms in which a receipt code is kept', () => {
  const keys = makeReceiptKeys(SECRET);

  it('hashes the normalised code with a key: not its bare SHA-256, and another secret gives another key', () => {
    const code = newReceiptCode();
    const key = keys.lookupKey(code);

    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(keys.lookupKey(code.toLowerCase().replace(/-/g, ' '))).toBe(key);
    expect(key).not.toBe(createHash('sha256').update(code).digest('hex'));
    expect(key).not.toContain(code);
    expect(makeReceiptKeys(`${SECRET}-other`).lookupKey(code)).not.toBe(key);
  });

  it('seals the code for one tip: it opens for that tip only, and a changed seal is refused', () => {
    const code = newReceiptCode();
    const sealed = keys.seal(code, 'TIP-1');

    expect(sealed).not.toContain(code);
    expect(keys.seal(code, 'TIP-1')).not.toBe(sealed);
    expect(keys.unseal(sealed, 'TIP-1')).toBe(code);
    expect(() => keys.unseal(sealed, 'TIP-2')).toThrow();
    expect(() => makeReceiptKeys(`${SECRET}-other`).unseal(sealed, 'TIP-1')).toThrow();
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => keys.unseal(raw.toString('base64url'), 'TIP-1')).toThrow();
  });
});
