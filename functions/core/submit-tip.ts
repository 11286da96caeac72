import { ulid } from 'ulid';
import { ValidationError } from './errors';
import { newReceiptCode } from './receipt-code';
import { DEFAULT_RETENTION, expiresAtFor, type RetentionPolicy } from './retention';
import type { TipRecord } from './tip-record';
import { fieldIssues, type TipSubmission, tipSubmissionSchema } from './tip-schema';
import type { TipStore } from './tip-store';

export interface SubmitTipDeps {
  store: TipStore;
  clock?: () => Date;
  newId?: (seedTime: number) => string;
  newReceipt?: () => string;
  /** Days kept per status (RETENTION_POLICY); the default keeps dismissed 30, quarantined 7, the rest 365. */
  retention?: RetentionPolicy;
}

export interface SubmitTipResult {
  tip: TipRecord;
}

/** Validates the reader's submission; throws ValidationError with every field issue. */
export function validateSubmission(input: unknown): TipSubmission {
  const parsed = tipSubmissionSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
  return parsed.data;
}

export function buildTipRecord(
  submission: TipSubmission,
  { id, receipt, now }: { id: string; receipt: string; now: Date },
): TipRecord {
  const { website, consent: _consent, anonymous, ...fields } = submission;
  const createdAt = now.toISOString();
  // A filled honeypot is a bot: it gets the same 201 as anyone, but the tip is kept out
  // of the desk's way (quarantined, never alerted) with the reason for an editor to see.
  const quarantineReason = website !== undefined && website.trim() !== '' ? 'honeypot' : undefined;
  const status = quarantineReason ? 'quarantined' : 'new';
  return {
    id,
    receipt,
    createdAt,
    ...fields,
    anonymous: anonymous === true,
    status,
    ...(quarantineReason ? { quarantineReason } : {}),
    version: 1,
    history: [
      {
        at: createdAt,
        by: 'reader',
        action: 'received',
        to: status,
        ...(quarantineReason ? { reason: quarantineReason } : {}),
      },
    ],
  };
}

export function makeSubmitTip({
  store,
  clock = () => new Date(),
  newId = ulid,
  newReceipt = newReceiptCode,
  retention = DEFAULT_RETENTION,
}: SubmitTipDeps) {
  return async function submitTip(input: unknown): Promise<SubmitTipResult> {
    const submission = validateSubmission(input);
    const now = clock();
    const tip = buildTipRecord(submission, { id: newId(now.getTime()), receipt: newReceipt(), now });
    // Retention starts at the write: DynamoDB TTL removes the tip when its status's period ends.
    tip.expiresAt = expiresAtFor(retention, tip, now);
    await store.putTip(tip);
    return { tip };
  };
}

export type SubmitTip = ReturnType<typeof makeSubmitTip>;
