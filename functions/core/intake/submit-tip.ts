import { ulid } from 'ulid';
import type { GuardClaim, QuarantineReason, SpamChecks } from '#core/guards/spam-checks';
import { ValidationError } from '#core/http/errors';
import { newReceiptCode } from '#core/tips/receipt-code';
import type { ReceiptKeys } from '#core/tips/receipt-key';
import { DEFAULT_RETENTION, expiresAtFor, type RetentionPolicy } from '#core/tips/retention';
import type { TipRecord } from '#core/tips/tip-record';
import { fieldIssues, type TipSubmission, tipSubmissionSchema } from '#core/tips/tip-schema';
import type { TipStore } from '#core/tips/tip-store';
import type { MarkAttached } from '#core/uploads/attached-tag';
import type { AttachmentClaims } from '#core/uploads/attachment-claims';
import { pendingAttachment } from '#core/uploads/pending-attachment';
import type { VerifiedUpload, VerifyUploads } from '#core/uploads/verify-uploads';

export interface SubmitTipDeps {
  store: TipStore;
  /** The tip stores only its receipt code's keyed hash (RECEIPT_HASH_SECRET). */
  receiptKeys: ReceiptKeys;
  clock?: () => Date;
  newId?: (seedTime: number) => string;
  newReceipt?: () => string;
  /** Form token and duplicate checks; without them only the honeypot quarantines. */
  spamChecks?: SpamChecks;
  /** Days kept per status (RETENTION_POLICY); the default keeps dismissed 30, quarantined 7, the rest 365. */
  retention?: RetentionPolicy;
  /** Checks a tip's upload ids (issue 12); without it a tip with attachments is refused (400). */
  verifyUploads?: VerifyUploads;
  /**
   * Where intake and the cleaner meet (attachment-claims.ts): each upload is claimed for the tip
   * before it is stored, and a file the cleaner finished already goes in as its record (its clean
   * copy tagged attached). Without it a tip's files stay pending.
   */
  attachmentClaims?: { claims: AttachmentClaims; markAttached: MarkAttached };
}

export interface SubmitTipResult {
  tip: TipRecord;
  /** The reader's receipt code: in the answer to the reader and nowhere else (never in `tip`). */
  receipt: string;
}

/** Validates the reader's submission; throws ValidationError with every field issue. */
export function validateSubmission(input: unknown): TipSubmission {
  const parsed = tipSubmissionSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
  return parsed.data;
}

export function buildTipRecord(
  submission: TipSubmission,
  {
    id,
    now,
    suspicion,
    uploads = [],
  }: { id: string; now: Date; suspicion?: QuarantineReason | undefined; uploads?: VerifiedUpload[] },
): TipRecord {
  const {
    website,
    consent: _consent,
    formToken: _formToken,
    submission: _submission,
    attachments: _attachments,
    anonymous,
    ...fields
  } = submission;
  const createdAt = now.toISOString();
  // A filled honeypot is a bot: it gets the same 201 as anyone, but the tip is kept out
  // of the desk's way (quarantined, never alerted) with the reason for an editor to see.
  const quarantineReason = honeypotFilled(submission) ? 'honeypot' : suspicion;
  const status = quarantineReason ? 'quarantined' : 'new';
  return {
    id,
    createdAt,
    ...fields,
    anonymous: anonymous === true,
    ...(uploads.length > 0 ? { attachments: uploads.map((u) => pendingAttachment(u, now)) } : {}),
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

const honeypotFilled = (s: TipSubmission) => s.website !== undefined && s.website.trim() !== '';

export function makeSubmitTip({
  store,
  receiptKeys,
  clock = () => new Date(),
  newId = ulid,
  newReceipt = newReceiptCode,
  spamChecks,
  retention = DEFAULT_RETENTION,
  verifyUploads,
  attachmentClaims,
}: SubmitTipDeps): SubmitTip {
  /**
   * Claims every file of the tip for it, before the tip is stored, so any failure here leaves
   * nothing stored and the reader's retry starts over (the claims made are given back). A file the
   * cleaner finished already gets its record now; for the others the cleaner, finishing later,
   * finds the tip named in the claim and applies its record itself (clean-upload.ts).
   */
  async function claimUploads(tip: TipRecord, taken: string[]): Promise<void> {
    const records = tip.attachments ?? [];
    if (!attachmentClaims || records.length === 0) return;
    const { claims, markAttached } = attachmentClaims;
    const outcomes = await Promise.allSettled(
      records.map(async (record, position) => {
        const outcome = await claims.attach(record.id, tip.id, position);
        if (outcome.ok) taken.push(record.id);
        return outcome;
      }),
    );
    const issues: { path: string; message: string }[] = [];
    for (const [position, settled] of outcomes.entries()) {
      if (settled.status === 'rejected') throw settled.reason;
      if (!settled.value.ok)
        issues.push({ path: `attachments.${position}`, message: 'already sent with another tip' });
    }
    if (issues.length > 0) throw new ValidationError(issues);
    for (const [position, settled] of outcomes.entries()) {
      const claim = settled.status === 'fulfilled' && settled.value.ok ? settled.value.claim : undefined;
      if (!claim?.result) continue;
      await markAttached(claim.result.id, { keptOriginal: claim.keptOriginal === true });
      records[position] = claim.result;
    }
  }

  async function checkedUploads(submission: TipSubmission): Promise<VerifiedUpload[]> {
    const ids = submission.attachments ?? [];
    if (ids.length === 0) return [];
    if (!verifyUploads) {
      throw new ValidationError([{ path: 'attachments', message: 'this tip line does not take files' }]);
    }
    // The schema makes attachments without a submission a 400 already.
    return verifyUploads(ids, submission.submission as string);
  }

  async function storeSubmission(
    submission: TipSubmission,
    { viaForm = false }: SubmitOptions = {},
  ): Promise<SubmitTipResult> {
    // Before anything is claimed or stored: a tip naming a file it may not have is refused whole.
    const uploads = await checkedUploads(submission);
    const now = clock();
    const id = newId(now.getTime());
    let suspicion: QuarantineReason | undefined;
    const claims: GuardClaim[] = [];
    if (spamChecks && !honeypotFilled(submission)) {
      const token = await spamChecks.claimFormToken(submission.formToken, id, { viaForm });
      suspicion = token.reason;
      if (token.claim) claims.push(token.claim);
      // Only a message that would reach the desk claims its fingerprint: a bot's copy must
      // not make the reader's own message look like the duplicate.
      if (!suspicion) {
        const fp = await spamChecks.claimFingerprint(submission.message, id);
        if (fp.outcome === 'duplicate') suspicion = 'duplicate';
        else if (fp.outcome === 'first') claims.push(fp.claim);
      }
    }
    const tip = buildTipRecord(submission, { id, now, suspicion, uploads });
    const receipt = newReceipt();
    // Retention starts at the write: DynamoDB TTL removes the tip when its status's period ends.
    tip.expiresAt = expiresAtFor(retention, tip, now);
    const taken: string[] = [];
    try {
      await claimUploads(tip, taken);
      await store.putTip(tip, receiptKeys.lookupKey(receipt));
    } catch (err) {
      // Nothing half-written: the retry of a tip that was not stored is neither a duplicate
      // nor a reused form token, and its files are free for it.
      await Promise.all([
        ...claims.map((c) => spamChecks?.release(c)),
        ...taken.map((objectId) => attachmentClaims?.claims.release(objectId, id).catch(() => undefined)),
      ]);
      throw err;
    }
    return { tip, receipt };
  }

  const submitTip = (input: unknown, options?: SubmitOptions) =>
    storeSubmission(validateSubmission(input), options);
  return Object.assign(submitTip, { validated: storeSubmission });
}

export interface SubmitOptions {
  /** The body was a form post (form-urlencoded): it must carry a valid form token. */
  viaForm?: boolean;
}

/** Validates and stores; `.validated` stores a submission its caller already validated. */
export interface SubmitTip {
  (input: unknown, options?: SubmitOptions): Promise<SubmitTipResult>;
  /** For a caller that validated already (idempotency hashes the validated submission): no second parse. */
  validated(submission: TipSubmission, options?: SubmitOptions): Promise<SubmitTipResult>;
}
