import { randomInt } from 'node:crypto';

/**
 * Receipt codes are read aloud and typed back by readers, so the alphabet leaves out
 * look-alikes (0/O, 1/I/L). 12 symbols of a 31-symbol alphabet carry 59.4 bits: at the
 * public rate limit, guessing any one stored code would take far longer than tips are kept.
 */
export const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const RECEIPT_SYMBOLS = 12;
export const RECEIPT_BITS = RECEIPT_SYMBOLS * Math.log2(RECEIPT_ALPHABET.length);
export const RECEIPT_PATTERN = new RegExp(
  `^[${RECEIPT_ALPHABET}]{4}-[${RECEIPT_ALPHABET}]{4}-[${RECEIPT_ALPHABET}]{4}$`,
);

export function newReceiptCode(): string {
  let code = '';
  for (let i = 0; i < RECEIPT_SYMBOLS; i++) {
    if (i > 0 && i % 4 === 0) code += '-';
    code += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  }
  return code;
}

/** Readers type codes in lower case, with spaces or without dashes: accept what they mean. */
export function normaliseReceiptCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
  if (compact.length !== RECEIPT_SYMBOLS) return compact;
  return `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}`;
}
