import { describe, expect, it } from 'vitest';
import {
  newReceiptCode,
  normaliseReceiptCode,
  RECEIPT_ALPHABET,
  RECEIPT_BITS,
  RECEIPT_PATTERN,
} from '#core/tips/receipt-code';

const LOOK_ALIKES = ['0', 'O', '1', 'I', 'L'];

describe('receipt codes', () => {
  const codes = Array.from({ length: 2_000 }, () => newReceiptCode());

  it('are three groups of four symbols joined by dashes', () => {
    for (const code of codes) {
      expect(code).toMatch(RECEIPT_PATTERN);
      expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    }
  });

  it('never use a look-alike character (0/O, 1/I/L)', () => {
    for (const c of LOOK_ALIKES) expect(RECEIPT_ALPHABET).not.toContain(c);
    const used = new Set(codes.join('').replace(/-/g, ''));
    for (const c of LOOK_ALIKES) expect(used.has(c)).toBe(false);
  });

  it('draw on the whole alphabet, and do not repeat', () => {
    const used = new Set(codes.join('').replace(/-/g, ''));
    // 24,000 symbols drawn from 31: every one shows up unless the generator is skewed.
    expect([...used].sort().join('')).toBe([...RECEIPT_ALPHABET].sort().join(''));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('carry enough entropy that guessing one is hopeless (> 55 bits)', () => {
    expect(RECEIPT_BITS).toBeGreaterThan(55);
  });

  it.each([
    ['lower case', 'abcd-efgh-jkmn', 'ABCD-EFGH-JKMN'],
    ['no dashes', 'ABCDEFGHJKMN', 'ABCD-EFGH-JKMN'],
    ['spaces instead of dashes', 'abcd efgh jkmn', 'ABCD-EFGH-JKMN'],
    ['surrounding whitespace', '  ABCD-EFGH-JKMN\n', 'ABCD-EFGH-JKMN'],
    ['already normal', 'ABCD-EFGH-JKMN', 'ABCD-EFGH-JKMN'],
  ])('normalise what a reader types back: %s', (_, typed, expected) => {
    expect(normaliseReceiptCode(typed)).toBe(expected);
    expect(normaliseReceiptCode(typed)).toMatch(RECEIPT_PATTERN);
  });

  it('normalise every generated code to itself', () => {
    for (const code of codes.slice(0, 100)) {
      expect(normaliseReceiptCode(code)).toBe(code);
      expect(normaliseReceiptCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    }
  });

  it.each([
    ['too short', 'ABCD-EFGH'],
    ['too long', 'ABCD-EFGH-JKMN-P'],
    ['with a look-alike', 'ABCD-EFGH-JKM0'],
  ])('do not turn a wrong code into a valid one: %s', (_, typed) => {
    expect(normaliseReceiptCode(typed)).not.toMatch(RECEIPT_PATTERN);
  });
});
