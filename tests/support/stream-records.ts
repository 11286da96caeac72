import { readFileSync } from 'node:fs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { expect } from 'vitest';
import { buildTipRecord, makeSubmitTip, validateSubmission } from '#core/intake/submit-tip';
import { newReceiptCode } from '#core/tips/receipt-code';
import { indexAttributes } from '#core/tips/table-design';
import type { TipRecord } from '#core/tips/tip-record';
import type { TipStore } from '#core/tips/tip-store';
import type { makeNotifierHandler } from '../../functions/notifier/make-notifier-handler';
import { insertRecord } from '../../local/stack/stream-feed';
import { testReceiptKeys, validTip } from './local-env';

/** A tip built as the intake builds it (schema, honeypot rule, history) and stored in `store`. */
export async function storeTip(
  store: TipStore,
  submission: Record<string, unknown> = {},
): Promise<TipRecord & { receipt: string }> {
  const now = new Date();
  const tip = buildTipRecord(validateSubmission(validTip(submission)), { id: ulid(now.getTime()), now });
  const receipt = newReceiptCode();
  await store.putTip(tip, testReceiptKeys.lookupKey(receipt));
  // The code beside the stored tip, as intake hands it to the reader: tests check it leaks nowhere.
  return { ...tip, receipt };
}

/** The DynamoDB Streams INSERT record for a stored tip: the item as written, marshalled. */
export function insertRecordFor(
  tip: TipRecord & { receipt?: string },
  sequenceNumber: string,
): DynamoDBRecord {
  const { receipt: _notStored, ...stored } = tip;
  return insertRecord(
    marshall({ ...stored, ...indexAttributes(stored) }, { removeUndefinedValues: true }),
    sequenceNumber,
  );
}

/** A fixture from tests/events/dynamodb-stream/, as AWS delivers it to the notifier. */
export function streamEventFixture(name: string): DynamoDBStreamEvent {
  const url = new URL(`../events/dynamodb-stream/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as DynamoDBStreamEvent;
}

export type SubmitAndNotify = (input: Record<string, unknown>) => Promise<TipRecord & { receipt: string }>;

/**
 * Submits a tip as intake does and hands its INSERT to `notify` at once, as the stream would
 * (each call its own sequence number); the notifier must take the record. The tip comes back
 * with the receipt code the reader was given, so a test can check it leaks nowhere.
 */
export function makeSubmitAndNotify(
  store: TipStore,
  notify: ReturnType<typeof makeNotifierHandler>,
): SubmitAndNotify {
  let seq = 0;
  return async (input) => {
    const { tip, receipt } = await makeSubmitTip({ store, receiptKeys: testReceiptKeys })(input);
    seq += 1;
    const result = await notify({
      Records: [insertRecord(marshall(tip, { removeUndefinedValues: true }) as never, String(seq))],
    });
    expect(result.batchItemFailures).toEqual([]);
    return { ...tip, receipt };
  };
}
