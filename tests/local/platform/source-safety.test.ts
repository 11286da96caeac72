import { createHash, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { type AttributeValue, ListTablesCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENCRYPTED_NOTICE_SUBJECT } from '#core/alerts/reader-message-notice';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { TOPIC_LABELS } from '#core/tips/tip-schema';
import { runTipsCli } from '../../../local/cli/tips-commands';
import { type LocalStack, startLocalStack } from '../../../local/stack/stack';
import { readMailbox, type StoredEmail, validTip } from '../../support/local-env';
import { decodedParts, gpgDecrypt } from '../../support/pgp-mail';

/**
 * Issue 11's combined check, against the stack as `npm start` runs it (its own dynalite and SES
 * emulator, the gateway, the stream feed into the notifier): many readers, each from its own
 * address, trip the flood breaker with tips for a plain desk and a PGP-keyed desk. Afterwards no
 * receipt code (in any spelling, nor its bare SHA-256) is in any email, table item, staff answer,
 * export, CLI output or log line; the PGP desk's digest opens with gpg, and nothing readable about
 * its tips reached the other desk or travelled outside the encryption.
 */

const WINDOW_S = 4;
const MAX_ALERTS = 3;
const WORLD = 'world-desk@newsroom.example';
const UKRAINE = 'ukraine-desk@newsroom.example';
const PGP_TOPIC = 'russia-ukraine-war';

type Email = StoredEmail & { attachments?: { contentType: string; content: string }[] };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request from a local address of its own: the gateway takes sourceIp from the connection. */
function call(
  apiUrl: string,
  from: string,
  method: 'GET' | 'POST',
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, apiUrl),
      {
        method,
        localAddress: from,
        headers: { ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Everything written to stdout/stderr or the console while `run` runs: every Powertools line lands here. */
async function captureOutput(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(keep),
    vi.spyOn(process.stderr, 'write').mockImplementation(keep),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi
        .spyOn(console, m)
        .mockImplementation((...args: unknown[]) => void keep(`${args.map(String).join(' ')}\n`)),
    ),
  ];
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return chunks.join('');
}

/** Every way a receipt code could be written down: as given, lower case, without dashes, and its bare SHA-256. */
function spellings(code: string): string[] {
  const forms = new Set([
    code,
    code.toLowerCase(),
    code.replace(/-/g, ''),
    code.replace(/-/g, '').toLowerCase(),
  ]);
  const out = new Set(forms);
  for (const form of forms) {
    const digest = createHash('sha256').update(form).digest();
    out.add(digest.toString('hex'));
    out.add(digest.toString('base64'));
    out.add(digest.toString('base64url'));
  }
  return [...out];
}

/** A DynamoDB item as text, binary values both as base64 and as UTF-8 (a code stored as bytes shows). */
function itemText(item: Record<string, AttributeValue>): string {
  return JSON.stringify(item, (_key, value: unknown) =>
    value instanceof Uint8Array
      ? `${Buffer.from(value).toString('base64')} ${Buffer.from(value).toString('utf8')}`
      : value,
  );
}

const untilNextWindow = () =>
  new Promise((r) => setTimeout(r, WINDOW_S * 1000 - (Date.now() % (WINDOW_S * 1000)) + 50));

/** 127.0.x.y: a distinct client for every reader. */
const address = (i: number) => `127.0.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`;

describe('source safety end to end: a flood routed to a PGP desk', () => {
  let stack: LocalStack | undefined;
  let privateKey: string;
  let publicKey: string;

  beforeAll(async () => {
    const keys = await openpgp.generateKey({ userIDs: [{ email: UKRAINE }], format: 'armored' });
    privateKey = keys.privateKey;
    publicKey = keys.publicKey;
    vi.stubEnv('LOG_LEVEL', 'DEBUG');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  });
  afterAll(async () => {
    await stack?.stop();
    vi.unstubAllEnvs();
  });

  it('leaves no receipt code anywhere, and the PGP desk alone reads its tips', async () => {
    /** Every receipt code a reader was given, with the tip it belongs to (filled in by the staff lookup). */
    const readers: {
      code: string;
      from: string;
      topic: string;
      id?: string;
      status?: string;
      secret: string[];
    }[] = [];
    const cliOutput: string[] = [];
    let running = undefined as unknown as LocalStack;
    let auth: Record<string, string> = {};
    const staffAnswers: string[] = [];
    const statuses: Record<string, number[]> = {};
    const note = (what: string, status: number) => {
      statuses[what] ??= [];
      statuses[what].push(status);
    };
    const personal = (i: number, topic: string) => {
      const u = randomUUID().slice(0, 8);
      return validTip({
        topic,
        subject: `Subject ${u}`,
        message: `A source says ${u} the convoy leaves tonight`,
        name: `Reader ${u}`,
        email: `source-${u}@example.org`,
        sourceUrl: `https://news.example/${i}/${u}`,
      });
    };
    const secretsOf = (tip: Record<string, unknown>) =>
      ['subject', 'message', 'name', 'email'].map((k) => String(tip[k]));

    const output = await captureOutput(async () => {
      running = await startLocalStack({
        port: 0,
        dynamoPort: 0,
        sesPort: 0,
        tableName: `source-safety-${Date.now()}`,
        retryDelayMs: 20,
        env: {
          DESK_ADDRESS: WORLD,
          DESK_ROUTING: JSON.stringify({ default: [WORLD], rules: [{ topic: PGP_TOPIC, to: [UKRAINE] }] }),
          DESK_PGP_KEYS: JSON.stringify({ [UKRAINE]: publicKey }),
          FLOOD_MAX_ALERTS: String(MAX_ALERTS),
          FLOOD_WINDOW_SECONDS: String(WINDOW_S),
          // Each client stays well inside its own limit: it takes the crowd to trip the breaker.
          RATE_LIMIT_MAX: '5',
          STAFF_INBOX_URL: 'https://inbox.example/staff',
        },
      });
      stack = running;
      const api = running.apiUrl;
      const json = { 'content-type': 'application/json' };
      const postJson = async (
        i: number,
        tip: Record<string, unknown>,
        headers: Record<string, string> = {},
      ) => {
        const res = await call(api, address(i), 'POST', '/tips', {
          headers: { ...json, ...headers },
          body: JSON.stringify(tip),
        });
        note('json', res.status);
        return JSON.parse(res.text) as { id: string; receipt: string };
      };
      const postForm = async (i: number, tip: Record<string, unknown>, withToken: boolean) => {
        const form = await call(api, address(i), 'GET', '/');
        const token = /name="formToken" value="([^"]+)"/.exec(form.text)?.[1];
        expect(token).toBeDefined();
        const fields = {
          ...(tip as Record<string, string>),
          consent: 'on',
          ...(withToken ? { formToken: token } : {}),
        };
        const res = await call(api, address(i), 'POST', '/tips', {
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams(fields as Record<string, string>).toString(),
        });
        note(withToken ? 'form' : 'form-no-token', res.status);
        return /id="receipt">([^<]+)</.exec(res.text)?.[1] ?? '';
      };

      // One flood window: 16 readers, half of them writing to the PGP desk's topic.
      await untilNextWindow();
      let client = 0;
      for (let i = 0; i < 10; i++, client++) {
        const topic = i % 2 === 0 ? PGP_TOPIC : 'europe';
        const tip = personal(client, topic);
        const key = randomUUID();
        const first = await postJson(client, tip, { 'idempotency-key': key });
        readers.push({
          code: first.receipt,
          from: address(client),
          topic,
          id: first.id,
          secret: secretsOf(tip),
        });
        if (i < 4) {
          // The reader's own retry gets the same answer; another client with the same key is a new request.
          const replay = await postJson(client, tip, { 'idempotency-key': key });
          expect(replay).toEqual(first);
          client++;
          const other = await postJson(client, tip, { 'idempotency-key': key });
          expect(other.receipt).not.toBe(first.receipt);
          readers.push({ code: other.receipt, from: address(client), topic, id: other.id, secret: [] });
        }
      }
      for (let i = 0; i < 6; i++, client++) {
        const topic = i % 2 === 0 ? PGP_TOPIC : 'africa';
        const tip = personal(client, topic);
        const code = await postForm(client, tip, i < 5);
        readers.push({ code, from: address(client), topic, secret: secretsOf(tip) });
      }
      // Each reader checks on their tip and adds a message, from their own address.
      for (const reader of readers) {
        note('check', (await call(api, reader.from, 'GET', `/receipts/${reader.code}`)).status);
        const added = await call(
          api,
          reader.from,
          'POST',
          `/receipts/${reader.code.toLowerCase()}/messages`,
          {
            headers: json,
            body: JSON.stringify({ message: `One more thing ${randomUUID()}` }),
          },
        );
        note('message', added.status);
      }
      await running.feed.drained();

      // The window closes: the scheduled tick sends each desk its digest.
      await untilNextWindow();
      await running.tick();

      // In the next (quiet) window, two readers write again: one notice each, to their own desk.
      for (const reader of [readers[0], readers[2]]) {
        const added = await call(
          api,
          reader?.from ?? '',
          'POST',
          `/receipts/${reader?.code.replace(/-/g, '')}/messages`,
          {
            headers: json,
            body: JSON.stringify({ message: `Later detail ${randomUUID()}` }),
          },
        );
        note('message', added.status);
      }
      await running.feed.drained();

      // Staff find each tip by the code its reader reads out, then read everything.
      auth = { authorization: `Bearer ${await running.issuer.mint({ user: 'alice' })}` };
      for (const reader of readers) {
        const res = await fetch(`${api}/tips?receipt=${encodeURIComponent(reader.code)}`, { headers: auth });
        const text = await res.text();
        staffAnswers.push(text);
        const { items } = JSON.parse(text) as { items: { id: string; status: string }[] };
        expect(items).toHaveLength(1);
        if (reader.id) expect(items[0]?.id).toBe(reader.id);
        reader.id = items[0]?.id;
        reader.status = items[0]?.status;
      }
      let cursor: string | null = null;
      do {
        const res = await fetch(
          `${api}/tips?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            headers: auth,
          },
        );
        const text = await res.text();
        staffAnswers.push(text);
        cursor = (JSON.parse(text) as { nextCursor: string | null }).nextCursor;
      } while (cursor);
      for (const reader of readers) {
        const res = await fetch(`${api}/tips/${reader.id}`, { headers: auth });
        expect(res.status).toBe(200);
        staffAnswers.push(await res.text());
      }
      for (const format of ['csv', 'jsonl']) {
        const res = await fetch(`${api}/tips/export?format=${format}`, { headers: auth });
        expect(res.status).toBe(200);
        staffAnswers.push(await res.text());
      }
      const token = (auth.authorization ?? '').replace('Bearer ', '');
      for (const args of [
        ['list', '--all'],
        ['show', readers[0]?.id ?? ''],
        ['export', '--format', 'jsonl'],
      ]) {
        const out = new PassThrough();
        let text = '';
        out.on('data', (d: Buffer) => {
          text += d.toString();
        });
        const code = await runTipsCli([...args, '--url', api, '--token', token], {
          stdout: out,
          stderr: out,
          env: {},
        });
        expect(code).toBe(0);
        cliOutput.push(text);
      }
    });

    // The run did what it claims.
    expect(statuses).toEqual({
      json: Array(18).fill(201),
      form: Array(5).fill(201),
      'form-no-token': [201],
      check: Array(20).fill(200),
      message: Array(22).fill(201),
    });
    expect(readers).toHaveLength(20);
    expect(new Set(readers.map((r) => r.code)).size).toBe(20);
    expect(new Set(readers.map((r) => r.id)).size).toBe(20);
    const codes = readers.map((r) => r.code);
    for (const code of codes) expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const forbidden = codes.flatMap(spellings);
    expect(forbidden.length).toBeGreaterThanOrEqual(20 * 15);
    const leaks = (where: string, text: string) =>
      forbidden.filter((s) => text.includes(s)).map((s) => `${where}: ${s}`);

    // Every email the SES emulator holds: its stored parse, decoded attachments, and the MIME it renders.
    const sesUrl = running.sesUrl;
    const mail = (await readMailbox(sesUrl)) as Email[];
    const mailText = async (e: Email) => {
      const eml = (await (await fetch(`${sesUrl}/get-emlContent?messageId=${e.messageId}`)).json()) as {
        body: { data: number[] };
      };
      return [
        JSON.stringify(e),
        ...(e.attachments ?? []).map((a) => Buffer.from(a.content, 'base64').toString('utf8')),
        Buffer.from(eml.body.data).toString('utf8'),
      ].join('\n');
    };
    const world = mail.filter((e) => e.destination.to.includes(WORLD));
    const ukraine = mail.filter((e) => e.destination.to.includes(UKRAINE));
    expect(world.length + ukraine.length).toBe(mail.length);
    expect(mail.every((e) => e.destination.to.length === 1)).toBe(true);
    for (const e of mail) expect(leaks(`email "${e.subject}"`, await mailText(e))).toEqual([]);

    // The breaker tripped for both desks: each has a digest, the PGP desk's encrypted.
    const worldDigests = world.filter((e) => e.subject.startsWith('[Tipline] Digest:'));
    const ukraineDigests = ukraine.filter((e) => e.subject === '[Tipline] Digest · encrypted');
    // (One each, unless a slow run spilled the burst into a second window, which trips as well.)
    expect(worldDigests.length).toBeGreaterThanOrEqual(1);
    expect(ukraineDigests.length).toBeGreaterThanOrEqual(1);
    // 15 tips were stored `new`; the breaker let only a few be alerted one by one.
    const individual = mail.filter((e) => /^\[Tipline\] New (tip|question) · /.test(e.subject));
    expect(individual.length).toBeGreaterThan(0);
    expect(individual.length).toBeLessThan(15);

    // The PGP desk: every email is encrypted, shows nothing of a tip in the clear, and opens with gpg.
    // The four cross-client replays are duplicates, the tokenless form post is quarantined: no alert for those.
    expect(readers.filter((r) => r.status === 'quarantined')).toHaveLength(5);
    const pgpTips = readers.filter((r) => r.topic === PGP_TOPIC && r.status === 'new');
    const plainTips = readers.filter((r) => r.topic !== PGP_TOPIC && r.status === 'new');
    expect(pgpTips).toHaveLength(8);
    expect(plainTips).toHaveLength(7);
    const pgpReadable = [
      ...readers.filter((r) => r.topic === PGP_TOPIC).flatMap((r) => [r.id ?? '', ...r.secret]),
      TOPIC_LABELS[PGP_TOPIC] as string,
      'Russia',
    ];
    const decrypted: string[] = [];
    for (const e of ukraine) {
      expect(e.subject).toMatch(
        /^\[Tipline\] (New tip|New question|Digest|The reader added a message) · encrypted$/,
      );
      const clear = await mailText(e);
      const armored = (e.attachments ?? []).find((a) => a.contentType === 'application/octet-stream');
      expect(armored).toBeDefined();
      const armoredText = Buffer.from(armored?.content ?? '', 'base64').toString('utf8');
      const outside = clear.split(armoredText).join('');
      for (const readable of pgpReadable) expect(outside).not.toContain(readable);
      const inner = decodedParts(gpgDecrypt(privateKey, armoredText));
      expect(leaks(`decrypted "${e.subject}"`, inner)).toEqual([]);
      decrypted.push(inner);
    }
    // The message in the quiet window: a notice of its own, encrypted like the alerts.
    const notices = ukraine.filter((e) => e.subject === ENCRYPTED_NOTICE_SUBJECT);
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(decrypted[ukraine.indexOf(notices.at(-1) as Email)]).toContain(
      `The reader who sent tip ${readers[0]?.id}`,
    );
    const digestInner = decrypted[ukraine.indexOf(ukraineDigests[0] as Email)] as string;
    expect(digestInner).toMatch(/during a flood/);
    expect(digestInner).toContain('https://inbox.example/staff#/tips/');
    // Every PGP-desk tip reached that desk, readable only inside an encrypted email.
    for (const tip of pgpTips) expect(decrypted.some((d) => d.includes(tip.id ?? '-'))).toBe(true);
    for (const inner of decrypted) for (const tip of plainTips) expect(inner).not.toContain(tip.id);

    // The plain desk: its digest lists its own held tips, and nothing of the PGP desk's.
    for (const e of world) {
      const text = await mailText(e);
      for (const readable of pgpReadable) expect(text).not.toContain(readable);
    }
    expect(worldDigests[0]?.body.text).toContain('https://inbox.example/staff#/tips/');
    expect(world.some((e) => e.subject.includes(`added a message · tip ${readers[2]?.id}`))).toBe(true);
    const worldMail = (await Promise.all(world.map(mailText))).join('\n');
    for (const tip of plainTips) expect(worldMail).toContain(tip.id);

    // Every item of every table the stack created.
    const { client } = makeDynamoClients({ region: 'us-east-1', endpoint: running.dynamoUrl });
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    expect(TableNames).toHaveLength(3);
    const counts: Record<string, number> = {};
    for (const table of TableNames) {
      counts[table] = 0;
      for await (const page of paginateScan({ client }, { TableName: table })) {
        for (const item of page.Items ?? []) {
          counts[table] += 1;
          expect(leaks(`${table} item`, itemText(item))).toEqual([]);
        }
      }
    }
    client.destroy();
    expect(counts[running.env.TIPS_TABLE as string]).toBe(20);
    expect(counts[running.env.IDEMPOTENCY_TABLE as string]).toBeGreaterThanOrEqual(9);
    expect(counts[running.env.GUARD_TABLE as string]).toBeGreaterThan(20);

    // What staff see: lookups, list pages, each tip, both exports, and the CLI.
    expect(staffAnswers).toHaveLength(20 + 2 + 20 + 2 + 1);
    const exports = staffAnswers.slice(-2).join('\n');
    for (const reader of readers) expect(exports).toContain(reader.id);
    for (const answer of staffAnswers) expect(leaks('staff answer', answer)).toEqual([]);
    expect(cliOutput.join('\n')).toContain(readers[0]?.id);
    for (const text of cliOutput) expect(leaks('CLI output', text)).toEqual([]);

    // Every log line the functions wrote.
    for (const line of ['tip stored', 'tip replayed', 'receipt checked', 'desk alerted', 'flood digest sent'])
      expect(output).toContain(line);
    expect(leaks('logs', output)).toEqual([]);
  }, 60_000);
});
