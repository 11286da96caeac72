import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type DynamoClients, makeDynamoClients } from '#core/platform/aws-clients';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { makeTipStore, type TipStore } from '#core/tips/tip-store';
import { ensureTable, tipsTableInput } from '../../local/stack/tables';

/** The receipt keys of tests that build their own stores (the local stack uses LOCAL_RECEIPT_HASH_SECRET). */
export const TEST_RECEIPT_HASH_SECRET = 'test-receipt-hash-secret-0123456789abcdef';
export const testReceiptKeys = makeReceiptKeys(TEST_RECEIPT_HASH_SECRET);

export interface TestTable {
  tableName: string;
  dynamoUrl: string;
  sesUrl: string;
  dynamo: DynamoClients;
  store: TipStore;
}

/** A fresh tips table on the shared dynalite: tests never see each other's tips. */
export async function makeTestTable(prefix = 'tips'): Promise<TestTable> {
  const dynamoUrl = inject('dynamoUrl');
  const sesUrl = inject('sesUrl');
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: dynamoUrl });
  await ensureTable(dynamo.client, tipsTableInput(tableName));
  return { tableName, dynamoUrl, sesUrl, dynamo, store: makeTipStore({ doc: dynamo.doc, tableName }) };
}

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** Every email the SES emulator holds (all tests share it: filter by something unique). */
export async function readMailbox(sesUrl = inject('sesUrl')): Promise<StoredEmail[]> {
  const res = await fetch(`${sesUrl}/store`);
  const { emails } = (await res.json()) as { emails: StoredEmail[] };
  return emails;
}

export async function emailsMentioning(needle: string, sesUrl = inject('sesUrl')): Promise<StoredEmail[]> {
  return (await readMailbox(sesUrl)).filter(
    (e) => (e.body.text ?? '').includes(needle) || e.subject.includes(needle),
  );
}

/** Polls until `check` returns a value (or the time runs out): for things that happen asynchronously. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 5_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A valid submission; override what a test is about. */
export function validTip(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'tip',
    topic: 'europe',
    subject: 'Port closures',
    message: `Ferries between Tallinn and Helsinki stopped this morning (${randomUUID()})`,
    consent: true,
    ...overrides,
  };
}
