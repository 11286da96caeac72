import { describe, expect, it } from 'vitest';
import { attachmentListSchema, MAX_ATTACHMENTS_PER_TIP } from '#core/attachments/attachment-record';
import { StoreUnavailableError, TipTooLargeError } from '#core/http/errors';
import {
  ATTACHMENTS_HEADROOM_BYTES,
  DYNAMODB_ITEM_LIMIT_BYTES,
  itemBytes,
  listAppendBytes,
  TIP_BUDGET_BYTES,
  TRIAGE_HEADROOM_BYTES,
  valueBytes,
} from '#core/tips/item-size';
import { toStoreError } from '#core/tips/tip-store';
import { largestAttachment } from '../../support/attachment-fixtures';

const dynamoError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('item size as DynamoDB counts it', () => {
  it('counts names and strings in UTF-8 bytes, lists and maps with their overhead', () => {
    // id(2) + 'a'(1) + note(4) + 3 × 3 bytes of '北'.
    expect(itemBytes({ id: 'a', note: '北北北' })).toBe(16);
    // 3 + per element 1 + its size; a map also counts its keys.
    expect(valueBytes(['ab', true, null])).toBe(3 + 3 + 2 + 2);
    expect(valueBytes({ at: 'x', by: 'yz' })).toBe(3 + (1 + 2 + 1) + (1 + 2 + 2));
    expect(listAppendBytes([{ n: '🌊' }])).toBe(1 + 3 + 1 + 1 + 4);
    // Numbers: a byte per two significant digits, plus spare.
    expect(valueBytes(12_345)).toBe(5);
    expect(valueBytes(1_000_000)).toBe(3);
  });

  it('maps DynamoDB refusing a large item (PutItem or UpdateItem) to 413 tip_too_large', () => {
    for (const message of [
      'Item size has exceeded the maximum allowed size',
      'Item size to update has exceeded the maximum allowed size',
    ]) {
      const mapped = toStoreError(dynamoError('ValidationException', message));
      expect(mapped).toBeInstanceOf(TipTooLargeError);
      expect(mapped).toMatchObject({ limitBytes: TIP_BUDGET_BYTES });
    }
    const other = dynamoError('ValidationException', 'One or more parameter values were invalid');
    expect(toStoreError(other)).toBe(other);
    expect(toStoreError(dynamoError('ThrottlingException', 'slow down'))).toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});

describe('room for attachment records', () => {
  it(`fits ${MAX_ATTACHMENTS_PER_TIP} of the largest records the schema admits, and budget + headroom + them stays under 400 KB`, () => {
    const largest = Array.from({ length: MAX_ATTACHMENTS_PER_TIP }, (_, i) => largestAttachment(i));
    // They really are valid records: a looser schema would let bigger ones in.
    expect(attachmentListSchema.parse(largest)).toHaveLength(MAX_ATTACHMENTS_PER_TIP);
    expect(valueBytes(largest) + 'attachments'.length).toBeLessThanOrEqual(ATTACHMENTS_HEADROOM_BYTES);
    expect(TIP_BUDGET_BYTES + TRIAGE_HEADROOM_BYTES + ATTACHMENTS_HEADROOM_BYTES).toBeLessThan(
      DYNAMODB_ITEM_LIMIT_BYTES,
    );
  });
});
