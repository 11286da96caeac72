import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { durationWords, sizeWords } from '#core/attachments/attachment-words';
import type { TipSummary } from '#core/staff/tip-summary';
import { terminalSafe, terminalSafeJson } from '#core/tips/text-safety';
import type { HistoryEntry, TipRecord } from '#core/tips/tip-record';
import { mintLocalToken } from '../stack/token-issuer';

/**
 * `npm run tips -- list|show|set|export|download`: the staff API from a terminal. Everything it prints
 * comes from readers at some remove, so it goes through terminalSafe (tables, tips, errors) or
 * terminalSafeJson (--json): no escape sequence, C0/C1 control or bidi control reaches the
 * terminal. An export is data and is written exactly, except to a terminal. Talks HTTP to a base
 * URL with a bearer token, like any client; locally both default (the local stack's URL and a
 * token minted from the local issuer), so `npm run tips -- list` just works next to `npm start`.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Where `--receipt -` reads the code from. */
  stdin?: NodeJS.ReadableStream;
}

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const USAGE = `usage: npm run tips -- <command> [options]

commands
  list   [filters] [--limit n] [--cursor c] [--all]   tips, newest first
  list   --receipt -                                  the tip of the receipt code a reader reads out,
                                                      read from stdin (so it stays out of shell history)
  list   --receipt CODE                               the same, the code on the command line
  show   <id>                                          one tip with its history
  set    <id> [--status s] [--assignee name | --unassign] [--tags a,b] [--note text] [--version n]
  export [filters] [--format csv|jsonl] [--out file]  every matching tip (stdout by default)
  download <id> <attachment-id> [--original] [--out file]
                                                      one attachment, recorded in the tip's history
                                                      (saved as <attachment-id>.<ext> by default)

filters  --status s --kind k --topic t --from 2026-11-01 --to 2026-11-25T12:00:00Z --q text
common   --json (machine output)  --url (default $TIPLINE_URL or http://127.0.0.1:3000)
         --token (default $TIPLINE_TOKEN, else one minted from the local issuer)  --user (for that token)

set without --version uses the version it reads first; give --version to keep what you saw.`;

const FILTERS = ['status', 'kind', 'topic', 'from', 'to', 'q'] as const;

const OPTIONS = {
  status: { type: 'string' },
  kind: { type: 'string' },
  topic: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  q: { type: 'string' },
  receipt: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  all: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  url: { type: 'string' },
  token: { type: 'string' },
  user: { type: 'string' },
  format: { type: 'string', default: 'csv' },
  out: { type: 'string' },
  assignee: { type: 'string' },
  unassign: { type: 'boolean', default: false },
  tags: { type: 'string' },
  note: { type: 'string' },
  version: { type: 'string' },
  original: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

interface Api {
  request(
    method: string,
    path: string,
    init?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
}

async function makeApi(values: Values, io: CliIo): Promise<Api> {
  const base = (values.url ?? io.env.TIPLINE_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const token =
    values.token ??
    io.env.TIPLINE_TOKEN ??
    (await mintLocalToken({ user: values.user ?? io.env.USER ?? 'cli-editor' }, io.env.DATA_DIR));
  return {
    async request(method, path, init = {}) {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...init.headers,
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
      } catch {
        throw new CliError(`cannot reach ${base} (is \`npm start\` running? --url sets another)`);
      }
      if (!res.ok) {
        const text = await res.text();
        let detail = text;
        try {
          const body = JSON.parse(text) as {
            error?: string;
            message?: string;
            issues?: { path: string; message: string }[];
          };
          detail = [body.error, body.message, ...(body.issues ?? []).map((i) => `${i.path}: ${i.message}`)]
            .filter(Boolean)
            .join(' — ');
        } catch {
          // Not JSON: show it as it came.
        }
        throw new CliError(`${method} ${path} → ${res.status} ${terminalSafe(detail)}`);
      }
      return res;
    },
  };
}

function filterParams(values: Values): URLSearchParams {
  const params = new URLSearchParams();
  for (const f of FILTERS) {
    const v = values[f];
    if (v !== undefined) params.set(f, v);
  }
  return params;
}

/** A value of one line on a terminal: nothing it holds can act on the terminal or break the line. */
const oneLine = (text: string) => terminalSafe(text).replace(/\s+/g, ' ').trim();

/** Cuts to `width` display columns (one per code point is close enough for a terminal table). */
function fitCell(text: string, width: number): string {
  const flat = oneLine(text);
  const chars = [...flat];
  return chars.length <= width
    ? flat.padEnd(width + flat.length - chars.length)
    : `${chars.slice(0, width - 1).join('')}…`;
}

export function formatTable(items: TipSummary[], columns = 160): string {
  if (items.length === 0) return 'no tips match\n';
  const fixed = [
    { head: 'ID', width: 26, get: (t: TipSummary) => t.id },
    { head: 'RECEIVED', width: 16, get: (t: TipSummary) => t.createdAt.slice(0, 16).replace('T', ' ') },
    { head: 'STATUS', width: 11, get: (t: TipSummary) => t.status },
    { head: 'KIND', width: 8, get: (t: TipSummary) => t.kind },
    { head: 'TOPIC', width: 18, get: (t: TipSummary) => t.topic },
    { head: 'ASSIGNEE', width: 10, get: (t: TipSummary) => t.assignee ?? '' },
  ];
  const used = fixed.reduce((n, c) => n + c.width + 2, 0);
  const rest = Math.max(20, columns - used);
  const cols = [
    ...fixed,
    { head: 'SUBJECT / MESSAGE', width: rest, get: (t: TipSummary) => t.subject ?? t.excerpt },
  ];
  const line = (cells: string[]) => `${cells.join('  ').trimEnd()}\n`;
  return (
    line(cols.map((c) => fitCell(c.head, c.width))) +
    items.map((t) => line(cols.map((c) => fitCell(c.get(t), c.width)))).join('')
  );
}

export function formatTip(tip: TipRecord): string {
  const rows: Array<[string, string | undefined]> = [
    ['id', tip.id],
    ['received', tip.createdAt],
    ['status', `${tip.status}${tip.quarantineReason ? ` (${tip.quarantineReason})` : ''}`],
    ['kind', tip.kind],
    ['topic', tip.topic],
    ['assignee', tip.assignee],
    ['tags', tip.tags?.join(', ')],
    ['version', String(tip.version)],
    ['subject', tip.subject],
    ['name', tip.anonymous ? '(anonymous)' : tip.name],
    ['email', tip.email],
    ['phone', tip.phone],
    ['source', tip.sourceUrl],
  ];
  const head = rows
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k.padEnd(9)} ${oneLine(v ?? '')}`)
    .join('\n');
  const history = tip.history.map((h: HistoryEntry) => {
    const what =
      h.action === 'note'
        ? `note: ${h.note ?? ''}`
        : `${h.action}${h.attachment !== undefined ? ` ${h.attachment}` : ''}${h.from !== undefined ? ` ${h.from}` : ''}${h.to !== undefined ? ` → ${h.to}` : ''}${h.reason ? ` (${h.reason})` : ''}`;
    return `  ${h.at.slice(0, 19).replace('T', ' ')}  ${oneLine(h.by).padEnd(12)} ${oneLine(what)}`;
  });
  const message = terminalSafe(tip.message).replace(/^/gm, '  ');
  const files = formatAttachments(tip.attachments);
  return `${head}\n\nmessage\n${message}\n${files}\nhistory\n${history.join('\n')}\n`;
}

/** One line per file, as the inbox lists them (no file name exists to show); '' without any. */
function formatAttachments(attachments: TipRecord['attachments']): string {
  if (!attachments?.length) return '';
  const lines = attachments.map((a) => {
    if (a.cleaning?.status === 'erased') return `  ${oneLine(a.id)}  erased: deleted for good`;
    const what = [a.kind, a.mime, sizeWords(a.sizeBytes)];
    if (a.width && a.height) what.push(`${a.width}x${a.height}`);
    if (a.durationSeconds !== undefined) what.push(durationWords(a.durationSeconds));
    const cleaning =
      a.cleaning?.status === 'cleaned'
        ? `metadata removed: ${a.cleaning.removed.join(', ') || 'none found'}`
        : a.cleaning?.status === 'refused-inert'
          ? 'NOT OPENED: could run or render in a browser'
          : `NOT CLEANED: ${a.cleaning?.reason ?? 'no reason recorded'}`;
    return `  ${[a.id, ...what, cleaning, a.scan?.status ?? 'not-scanned'].map(oneLine).join('  ')}`;
  });
  return `\nattachments\n${lines.join('\n')}\n`;
}

/**
 * The code a reader reads out is their only credential: typed on the command line it stays in
 * the shell's history and shows in the process list, so `-` reads it from stdin instead
 * (`read -rs CODE` and a pipe, or typed at the prompt of an interactive terminal).
 */
async function receiptCode(value: string, io: CliIo): Promise<string> {
  if (value !== '-') return value;
  if (!io.stdin) throw new CliError('--receipt -: no stdin to read the code from');
  let text = '';
  for await (const chunk of io.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const code = text.split('\n')[0]?.trim() ?? '';
  if (code === '') throw new CliError('--receipt -: no code on stdin');
  return code;
}

async function list(api: Api, values: Values, io: CliIo) {
  const params = filterParams(values);
  if (values.limit) params.set('limit', values.limit);
  if (values.receipt !== undefined) params.set('receipt', await receiptCode(values.receipt, io));
  let cursor = values.cursor ?? null;
  const all: TipSummary[] = [];
  do {
    if (cursor) params.set('cursor', cursor);
    const body = (await (await api.request('GET', `/tips?${params}`)).json()) as {
      items: TipSummary[];
      nextCursor: string | null;
    };
    all.push(...body.items);
    cursor = body.nextCursor;
    if (!values.all) {
      if (values.json) io.stdout.write(`${terminalSafeJson(body)}\n`);
      else {
        io.stdout.write(formatTable(body.items, io.stdout.columns ?? 160));
        if (cursor) io.stderr.write(`more: add --cursor ${oneLine(cursor)}  (or --all)\n`);
      }
      return;
    }
  } while (cursor);
  io.stdout.write(
    values.json ? `${terminalSafeJson({ items: all })}\n` : formatTable(all, io.stdout.columns ?? 160),
  );
}

async function show(api: Api, id: string, values: Values, io: CliIo) {
  const tip = (await (await api.request('GET', `/tips/${encodeURIComponent(id)}`)).json()) as TipRecord;
  io.stdout.write(values.json ? `${terminalSafeJson(tip)}\n` : formatTip(tip));
}

async function set(api: Api, id: string, values: Values, io: CliIo) {
  const patch: Record<string, unknown> = {};
  if (values.status !== undefined) patch.status = values.status;
  if (values.unassign) patch.assignee = null;
  else if (values.assignee !== undefined) patch.assignee = values.assignee;
  if (values.tags !== undefined)
    patch.tags = values.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  if (values.note !== undefined) patch.note = values.note;
  if (Object.keys(patch).length === 0)
    throw new CliError('set needs --status, --assignee, --unassign, --tags or --note', 2);
  let version = values.version;
  if (version === undefined) {
    const current = (await (await api.request('GET', `/tips/${encodeURIComponent(id)}`)).json()) as TipRecord;
    version = String(current.version);
  }
  const res = await api.request('PATCH', `/tips/${encodeURIComponent(id)}`, {
    body: patch,
    headers: { 'if-match': `"${version}"` },
  });
  const tip = (await res.json()) as TipRecord;
  io.stdout.write(values.json ? `${terminalSafeJson(tip)}\n` : formatTip(tip));
}

async function exportTips(api: Api, values: Values, io: CliIo) {
  const params = filterParams(values);
  params.set('format', values.format ?? 'csv');
  const res = await api.request('GET', `/tips/export?${params}`);
  const file = values.out ? createWriteStream(values.out) : undefined;
  const out: NodeJS.WritableStream = file ?? io.stdout;
  // Progress on stderr (never mixed into the data); redrawn in place on a terminal.
  const progress = values.out !== undefined || io.stderr.isTTY === true;
  let bytes = 0;
  let lines = 0;
  let lastShown = 0;
  const show = (final: boolean) => {
    const rows = Math.max(0, lines - (params.get('format') === 'csv' ? 1 : 0));
    const text = `exported ${rows} tips (${(bytes / 1024).toFixed(1)} KiB)`;
    io.stderr.write(io.stderr.isTTY ? `\r${text}${final ? '\n' : ''}` : final ? `${text}\n` : '');
  };
  if (!res.body) throw new CliError('the export came back empty');
  const decoder = new TextDecoder();
  // To a file or a pipe the export is data, written exactly; to a terminal it is text to read.
  const toTerminal = file === undefined && io.stdout.isTTY === true;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    const text = decoder.decode(chunk, { stream: true });
    lines += text.split('\n').length - 1;
    if (!out.write(toTerminal ? terminalSafe(text) : chunk))
      await new Promise<void>((r) => out.once('drain', () => r()));
    if (progress && Date.now() - lastShown > 200) {
      lastShown = Date.now();
      show(false);
    }
  }
  if (file) {
    file.end();
    await finished(file);
  }
  if (progress) show(true);
}

/**
 * Asks the API for a download URL (which records the download in the tip's history), then
 * fetches the file through it and saves it: to --out, or under the name the answer gives
 * (`<attachment-id>.<ext>`, never the reader's), in the current directory. Never to a terminal.
 */
async function download(api: Api, id: string, attachmentId: string, values: Values, io: CliIo) {
  const res = await api.request(
    'POST',
    `/tips/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}/download`,
    { body: values.original ? { original: true } : {} },
  );
  const grant = (await res.json()) as { url: string; expiresAt: string; version: number };
  let file: Response;
  try {
    file = await fetch(grant.url);
  } catch {
    throw new CliError(`cannot reach the file URL ${oneLine(new URL(grant.url).origin)}`);
  }
  if (!file.ok || !file.body) throw new CliError(`the file URL answered ${file.status}`);
  const named = /filename="([\w.-]+)"/.exec(file.headers.get('content-disposition') ?? '')?.[1];
  const target = values.out ?? named;
  if (!target) throw new CliError('the answer names no file: give --out');
  const out = createWriteStream(target, { flags: values.out ? 'w' : 'wx' });
  let bytes = 0;
  for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
  const copy = values.original ? 'original of ' : '';
  io.stderr.write(
    `saved the ${copy}${oneLine(attachmentId)} to ${oneLine(target)} (${sizeWords(bytes)}); recorded in the tip's history (version ${grant.version})\n`,
  );
}

export async function runTipsCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`${terminalSafe(err instanceof Error ? err.message : String(err))}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, id, ...extra] = positionals;
  if (values.help || !command) {
    io.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  try {
    const needsId = command === 'show' || command === 'set' || command === 'download';
    if (needsId && !id) throw new CliError(`${command} needs a tip id`, 2);
    if (command === 'download' && extra.length === 0)
      throw new CliError('download needs an attachment id', 2);
    const allowed = command === 'download' ? 1 : 0;
    if ((needsId ? extra.length - allowed : id !== undefined ? 1 : 0) > 0)
      throw new CliError('too many arguments', 2);
    const api = await makeApi(values, io);
    switch (command) {
      case 'list':
        await list(api, values, io);
        break;
      case 'show':
        await show(api, id as string, values, io);
        break;
      case 'set':
        await set(api, id as string, values, io);
        break;
      case 'export':
        await exportTips(api, values, io);
        break;
      case 'download':
        await download(api, id as string, extra[0] as string, values, io);
        break;
      default:
        throw new CliError(`unknown command ${command}\n\n${USAGE}`, 2);
    }
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`${terminalSafe(err.message)}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
