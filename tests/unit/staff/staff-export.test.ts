import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#core/http/errors';
import { csvCell, csvRow } from '#core/staff/export-tips';
import { idBounds, parseListQuery } from '#core/staff/list-tips';

describe('CSV cells', () => {
  it('neutralises what a spreadsheet would evaluate at the start of a cell', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe(`"'+1"`);
    expect(csvCell('-1')).toBe(`"'-1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('\t=1')).toBe(`"'\t'=1"`);
    expect(csvCell('\r=1')).toBe(`"'\r'=1"`);
  });

  it('and after every separator a spreadsheet might split the cell on', () => {
    expect(csvCell('Shipping news;=1+1;')).toBe(`"Shipping news;'=1+1;"`);
    expect(csvCell('a,+1')).toBe(`"a,'+1"`);
    expect(csvCell('a\t@SUM(A1)')).toBe(`"a\t'@SUM(A1)"`);
    expect(csvCell('first line\n-2 and\r\n=3')).toBe(`"first line\n'-2 and\r\n'=3"`);
    expect(csvCell(';;=1')).toBe(`";;'=1"`);
    expect(csvCell('"quoted";"=cmd"')).toBe(`"""quoted"";""'=cmd"""`);
    expect(csvCell(['ok', '=tag'])).toBe(`"ok;'=tag"`);
  });

  it('quotes every cell and leaves other text alone', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('2 - 1 = 1 @ noon')).toBe('"2 - 1 = 1 @ noon"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('one\ntwo')).toBe('"one\ntwo"');
    expect(csvCell('Rinkēvičs, Рига 🙂')).toBe('"Rinkēvičs, Рига 🙂"');
    expect(csvCell(undefined)).toBe('""');
    expect(csvCell(['a', 'b'])).toBe('"a;b"');
    expect(csvRow(['x', 2, false])).toBe('"x","2","false"\r\n');
  });
});

describe('list query', () => {
  it('turns a time range into ULID bounds: from inclusive, to exclusive', () => {
    const from = Date.parse('2026-11-01T00:00:00Z');
    const to = Date.parse('2026-11-02T00:00:00Z');
    const { idFrom = '', idTo = '' } = idBounds(from, to);

    expect(decodeTime(idFrom)).toBe(from);
    expect(decodeTime(idTo)).toBe(to - 1);
    expect(idFrom.endsWith('0'.repeat(16))).toBe(true);
    expect(idTo.endsWith('Z'.repeat(16))).toBe(true);
  });

  it('defaults the limit to 25 and caps it at 100', () => {
    expect(parseListQuery(undefined).limit).toBe(25);
    expect(parseListQuery({ limit: '100' }).limit).toBe(100);
    expect(() => parseListQuery({ limit: '101' })).toThrow(ValidationError);
    expect(() => parseListQuery({ from: '2026-11-02', to: '2026-11-01' })).toThrow(ValidationError);
  });
});

describe('time range parameters', () => {
  it('reads dates and date-times without a zone as UTC, whatever the server zone', () => {
    expect(parseListQuery({ from: '2026-11-25' }).from).toBe(Date.parse('2026-11-25T00:00:00Z'));
    expect(parseListQuery({ from: '2026-11-25T14:30' }).from).toBe(Date.parse('2026-11-25T14:30:00Z'));
    expect(parseListQuery({ from: '2026-11-25 14:30:05.250' }).from).toBe(
      Date.parse('2026-11-25T14:30:05.250Z'),
    );
    expect(parseListQuery({ to: '2026-11-25T14:30:00+02:00' }).to).toBe(Date.parse('2026-11-25T12:30:00Z'));
  });

  it('refuses what is not an ISO 8601 date', () => {
    for (const bad of ['yesterday', '25/11/2026', '2026-13-45', '2026-11-25T25:00', '1732540000']) {
      expect(() => parseListQuery({ from: bad }), bad).toThrow(ValidationError);
    }
  });
});
