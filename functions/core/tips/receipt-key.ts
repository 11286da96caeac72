import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from '#core/guards/client-key';
import { normaliseReceiptCode } from './receipt-code';

/**
 * The receipt code is the reader's only credential (it reads the desk's replies and posts as
 * the reader), so it is never stored. What is stored is its keyed hash: HMAC-SHA256 of the
 * normalised code with a key derived from RECEIPT_HASH_SECRET. A bare SHA-256 would not do:
 * 59.4 bits is within reach of an offline search by anyone holding a copy of the table (a
 * backup, an export of the index), while the keyed hash is useless without the secret.
 */
export interface ReceiptKeys {
  /** The lookup key of a code as a reader typed it (case, spaces and dashes do not matter). */
  lookupKey(code: string): string;
  /** The code sealed for the idempotency record (AES-256-GCM, bound to the tip id). */
  seal(code: string, tipId: string): string;
  /** The code back from `seal`; throws when the sealed value or the tip id was changed. */
  unseal(sealed: string, tipId: string): string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function makeReceiptKeys(secret: string): ReceiptKeys {
  const hashKey = deriveKey(secret, 'receipt-key');
  const sealKey = deriveKey(secret, 'receipt-seal');
  return {
    lookupKey: (code) => createHmac('sha256', hashKey).update(normaliseReceiptCode(code)).digest('hex'),
    seal(code, tipId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      cipher.setAAD(Buffer.from(tipId));
      const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    unseal(sealed, tipId) {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', sealKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(tipId));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
