import * as z from 'zod';
import { ExportTooLargeError, ValidationError } from '#core/http/errors';
import type { TipRecord } from '#core/tips/tip-record';
import { fieldIssues } from '#core/tips/tip-schema';
import { type ListFilters, type ListTips, listFilterShape } from './list-tips';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export reads the list index in pages of the largest list size. */
const EXPORT_PAGE = 100;

export const exportQuerySchema = z
  .strictObject({
    ...listFilterShape,
    format: z.enum(EXPORT_FORMATS, { error: 'format must be csv or jsonl' }).default('csv'),
  })
  .refine((v) => v.from === undefined || v.to === undefined || v.from < v.to, {
    message: 'from must be before to',
    path: ['from'],
  });

export type ExportQuery = z.infer<typeof exportQuerySchema>;

export function parseExportQuery(params: Record<string, string | undefined> | undefined): ExportQuery {
  const parsed = exportQuerySchema.safeParse(params ?? {});
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
  return parsed.data;
}

export const CSV_COLUMNS = [
  'id',
  'createdAt',
  'kind',
  'topic',
  'status',
  'subject',
  'message',
  'name',
  'email',
  'phone',
  'anonymous',
  'sourceUrl',
  'assignee',
  'tags',
  'quarantineReason',
  'version',
  'attachments',
] as const;

/**
 * A formula character (= + - @, and tab or CR, which some spreadsheets skip before reading a
 * formula) at the start of the cell or right after anything a spreadsheet may split on: `;`
 * (the list separator of many locales), `,`, tab, or a line break. A file opened with another
 * delimiter than the one it was written with turns `Shipping news;=1+1;` into a cell `=1+1`.
 * Quotes may stand between: split on `;`, the escaped `;""=1` reads as an empty quoted `""`
 * followed by `=1`, which a spreadsheet runs as well. So may spaces (any Unicode space): a
 * reader that trims them (LibreOffice's "Trim spaces", many import tools) turns `; =1+1` into `=1+1`.
 */
const FORMULA_AFTER_SPLIT = /(?<=(?:^|[;,\t\r\n])[\p{Zs}"]*)[=+\-@\t\r]/gu;

/**
 * A cell a spreadsheet will not run, whichever delimiter it splits on: every formula
 * character at a possible cell start gets a leading apostrophe (OWASP's advice for CSV
 * injection), and every cell is quoted (RFC 4180). The JSONL export keeps the exact text.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '""';
  const text = (Array.isArray(value) ? value.join(';') : String(value)).replace(FORMULA_AFTER_SPLIT, "'$&");
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * The attachments cell: each file as `id type size-in-bytes`, separated by `;` like tags. The
 * JSONL export carries the whole records (cleaning report and scan status too).
 */
export function attachmentsCell(attachments: TipRecord['attachments']): string[] {
  // An erased file has no type or size left: `id erased 0`.
  return (attachments ?? []).map((a) =>
    a.cleaning.status === 'erased' ? `${a.id} erased 0` : `${a.id} ${a.mime} ${a.sizeBytes}`,
  );
}

export function csvLine(tip: TipRecord): string {
  const record = tip as unknown as Record<string, unknown>;
  return csvRow(CSV_COLUMNS.map((c) => (c === 'attachments' ? attachmentsCell(tip.attachments) : record[c])));
}

export function jsonLine(tip: TipRecord): string {
  return `${JSON.stringify(tip)}\n`;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/**
 * The export as chunks, one per page of the list index: each page is one Query, so memory and
 * each step's cost stay flat however much is exported; the caller writes chunks as they come.
 */
export async function* exportChunks(
  listTips: ListTips,
  { format, ...filters }: ExportQuery,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow(CSV_COLUMNS);
  let cursor: string | undefined;
  do {
    const page = await listTips({
      ...(filters as ListFilters),
      limit: EXPORT_PAGE,
      ...(cursor ? { cursor } : {}),
    });
    if (page.items.length > 0) yield page.items.map(format === 'csv' ? csvLine : jsonLine).join('');
    cursor = page.nextCursor;
  } while (cursor);
}

/** A buffered Lambda response carries at most 6 MB; past this the export asks for narrower filters. */
export const MAX_EXPORT_BYTES = 5 * 1024 * 1024;

/**
 * The whole export as one body, as a buffered Lambda response must send it: over
 * MAX_EXPORT_BYTES it stops reading and asks for narrower filters instead.
 */
export async function collectExport(
  listTips: ListTips,
  query: ExportQuery,
  maxBytes: number = MAX_EXPORT_BYTES,
): Promise<{ body: string; lines: number; bytes: number }> {
  const chunks: string[] = [];
  let bytes = 0;
  let lines = 0;
  for await (const chunk of exportChunks(listTips, query)) {
    bytes += Buffer.byteLength(chunk, 'utf8');
    if (bytes > maxBytes) throw new ExportTooLargeError(maxBytes);
    lines += chunk.split('\n').length - 1;
    chunks.push(chunk);
  }
  return { body: chunks.join(''), lines, bytes };
}
