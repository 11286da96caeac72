import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#core/http/errors';
import { makeCursorCodec } from '#core/staff/cursor';

const codec = makeCursorCodec('unit-test-cursor-secret-0123456789abcdef');
const key = { id: '01KDVKAJS0JCPVCBP08PMQX13Q', gsi_status: 'new' };

describe('list cursors', () => {
  it('round-trips a start key within its scope', () => {
    const cursor = codec.encode(key, 'by-status|new');

    expect(codec.decode(cursor, 'by-status|new')).toEqual(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('refuses a cursor used with other filters', () => {
    const cursor = codec.encode(key, 'by-status|new');

    expect(() => codec.decode(cursor, 'by-status|dismissed')).toThrow(InvalidCursorError);
  });

  it('refuses a cursor signed with another key', () => {
    const other = makeCursorCodec('another-secret-entirely-0123456789abcdef');

    expect(() => codec.decode(other.encode(key, 's'), 's')).toThrow(InvalidCursorError);
  });

  it('refuses a too-short secret at construction', () => {
    expect(() => makeCursorCodec('short')).toThrow(/at least 32/);
  });

  it('refuses any single-character change to a cursor', () => {
    const cursor = codec.encode(key, 's');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=';
    fc.assert(
      fc.property(fc.nat(cursor.length - 1), fc.constantFrom(...alphabet), (at, c) => {
        fc.pre(cursor[at] !== c);
        const changed = `${cursor.slice(0, at)}${c}${cursor.slice(at + 1)}`;
        expect(() => codec.decode(changed, 's')).toThrow(InvalidCursorError);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(() => codec.decode(text, 's')).toThrow(InvalidCursorError);
      }),
      { numRuns: 300 },
    );
  });
});
