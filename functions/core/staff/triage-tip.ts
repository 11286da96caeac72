import * as z from 'zod';
import {
  InvalidTransitionError,
  NotFoundError,
  PreconditionRequiredError,
  TipTooLargeError,
  ValidationError,
  VersionConflictError,
} from '#core/http/errors';
import {
  ATTACHMENTS_HEADROOM_BYTES,
  TIP_BUDGET_BYTES,
  TRIAGE_HEADROOM_BYTES,
  valueBytes,
} from '#core/tips/item-size';
import type { RetentionPolicy } from '#core/tips/retention';
import { ANY_CONTROL, MESSAGE_CONTROL } from '#core/tips/text-safety';
import { planProtections, protectionPatchShape } from '#core/tips/tip-protections';
import { type HistoryEntry, TIP_STATUSES, type TipRecord, type TipStatus } from '#core/tips/tip-record';
import { fieldIssues } from '#core/tips/tip-schema';
import { storedTipBytes, type TipChanges, type TipStore } from '#core/tips/tip-store';
import type { AttachmentObjects } from '#core/uploads/attachment-objects';

/**
 * The triage workflow: where a tip may go from each status. `quarantined` → `new` releases a
 * false positive (it is not alerted afterwards: the desk sees it in the list). Terminal
 * statuses stay terminal: reopening is a decision for a later issue, not a silent default.
 */
export const TRANSITIONS: Record<TipStatus, readonly TipStatus[]> = {
  new: ['in-review'],
  'in-review': ['followed-up', 'published', 'dismissed'],
  'followed-up': [],
  published: [],
  dismissed: [],
  quarantined: ['new'],
};

export function allowedNext(from: TipStatus): readonly TipStatus[] {
  return TRANSITIONS[from];
}

const MAX_TAGS = 20;

const oneLine = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .refine((s) => !ANY_CONTROL.test(s), `${what} must be one line without control characters`);

export const triagePatchSchema = z
  .strictObject({
    status: z.enum(TIP_STATUSES, { error: `must be one of ${TIP_STATUSES.join(', ')}` }).optional(),
    /** A user name, or null to unassign. */
    assignee: z.union([oneLine(128, 'assignee'), z.null()]).optional(),
    /** The tip's whole tag list (replaces it); [] clears it. */
    tags: z
      .array(
        oneLine(40, 'a tag')
          .transform((s) => s.toLowerCase())
          .refine((s) => !s.includes(','), 'a tag may not contain a comma'),
      )
      .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
      .transform((tags) => [...new Set(tags)])
      .optional(),
    note: z
      .string()
      .trim()
      .min(1, 'note is empty')
      .max(2_000, 'a note must be at most 2000 characters')
      .refine((s) => !MESSAGE_CONTROL.test(s), 'the note contains control characters')
      .optional(),
    ...protectionPatchShape,
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message:
      'send at least one of status, assignee, tags, note, reply, eraseContact, eraseAttachments, legalHold',
    path: [],
  });

export type TriagePatch = z.infer<typeof triagePatchSchema>;

export function parseTriagePatch(body: unknown): TriagePatch {
  const parsed = triagePatchSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
  return parsed.data;
}

/** `If-Match: 3`, `"3"` or `W/"3"`: the version the editor saw. */
export function parseIfMatch(value: string | undefined): number {
  if (value === undefined || value.trim() === '') {
    throw new PreconditionRequiredError('send If-Match with the version of the tip you saw');
  }
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value);
  if (!m) throw new ValidationError([{ path: 'If-Match', message: 'must be the tip version, like "3"' }]);
  return Number(m[1]);
}

const sameTags = (a: string[] = [], b: string[] = []) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/** A planned change: what updateTip writes, and the attachment objects to delete before it. */
export type TriagePlan = Omit<TipChanges, 'expectedVersion'> & { eraseObjects?: string[] };

/**
 * The change a patch makes to a tip as an editor saw it: the fields to set or remove and one
 * history entry per change. Unchanged values make no entry; an impossible status change is
 * refused with the statuses that are possible.
 */
export function planTriage(
  tip: TipRecord,
  patch: TriagePatch,
  { by, at, retention }: { by: string; at: string; retention?: RetentionPolicy | undefined },
): TriagePlan {
  const set: TipChanges['set'] = {};
  const remove: NonNullable<TipChanges['remove']> = [];
  const history: HistoryEntry[] = [];
  if (patch.status !== undefined && patch.status !== tip.status) {
    const allowed = allowedNext(tip.status);
    if (!allowed.includes(patch.status)) {
      throw new InvalidTransitionError(tip.status, patch.status, allowed, tip.version);
    }
    set.status = patch.status;
    history.push({ at, by, action: 'status', from: tip.status, to: patch.status });
  }
  if (patch.assignee !== undefined && patch.assignee !== (tip.assignee ?? null)) {
    if (patch.assignee === null) remove.push('assignee');
    else set.assignee = patch.assignee;
    history.push({
      at,
      by,
      action: 'assignee',
      ...(tip.assignee !== undefined ? { from: tip.assignee } : {}),
      ...(patch.assignee !== null ? { to: patch.assignee } : {}),
    });
  }
  if (patch.tags !== undefined && !sameTags(patch.tags, tip.tags)) {
    if (patch.tags.length === 0) remove.push('tags');
    else set.tags = patch.tags;
    history.push({
      at,
      by,
      action: 'tags',
      ...(tip.tags?.length ? { from: tip.tags.join(',') } : {}),
      ...(patch.tags.length ? { to: patch.tags.join(',') } : {}),
    });
  }
  if (patch.note !== undefined) history.push({ at, by, action: 'note', note: patch.note });
  // Retention, legal hold, contact erasure and the reply to the reader (tip-protections.ts).
  const care = planProtections(tip, patch, { by, at, nextStatus: set.status ?? tip.status, retention });
  Object.assign(set, care.set);
  remove.push(...care.remove);
  history.push(...care.history);
  return { set, remove, history, ...(care.eraseObjects ? { eraseObjects: care.eraseObjects } : {}) };
}

/** The tip as the planned change leaves it (what updateTip writes). */
export function afterPlan(tip: TipRecord, plan: Omit<TipChanges, 'expectedVersion'>): TipRecord {
  const after: Record<string, unknown> = {
    ...tip,
    ...plan.set,
    version: tip.version + 1,
    history: [...(tip.history ?? []), ...plan.history],
  };
  for (const field of plan.remove ?? []) delete after[field];
  return after as unknown as TipRecord;
}

export interface TriageTipDeps {
  store: TipStore;
  clock?: () => Date;
  /** RETENTION_POLICY: a status change recomputes expiresAt from it. */
  retention?: RetentionPolicy;
  /** The clean bucket's copies (CLEAN_BUCKET): what eraseAttachments deletes. */
  attachmentObjects?: AttachmentObjects;
}

export interface TriageRequest {
  id: string;
  expectedVersion: number;
  patch: TriagePatch;
  by: string;
}

/**
 * Applies an editor's change with optimistic concurrency: the version they saw must still be
 * the stored one, checked by the write itself (not by the read before it), so of two editors
 * who saw the same version exactly one succeeds and the other gets 409 with the current version.
 */
export function makeTriageTip({
  store,
  clock = () => new Date(),
  retention,
  attachmentObjects,
}: TriageTipDeps) {
  return async function triageTip({ id, expectedVersion, patch, by }: TriageRequest): Promise<TipRecord> {
    const tip = await store.getTip(id, { consistent: true });
    if (tip.version !== expectedVersion) throw new VersionConflictError(tip.version, expectedVersion);
    const { eraseObjects, ...plan } = planTriage(tip, patch, { by, at: clock().toISOString(), retention });
    // A patch that changes nothing (the same status, the same tags) is answered with the tip as is.
    if (plan.history.length === 0) return tip;
    // Sized from the whole item as it will be stored (the version check makes it exact): a tip
    // a reader filled to its budget still takes the desk's status changes, notes and replies,
    // up to a headroom that keeps it under DynamoDB's 400 KB.
    // Attachment records the cleaner added past the budget do not eat the desk's headroom.
    const sizeBytes = storedTipBytes(afterPlan(tip, plan));
    const attachments = Math.min(valueBytes(tip.attachments ?? []), ATTACHMENTS_HEADROOM_BYTES);
    if (sizeBytes > TIP_BUDGET_BYTES + TRIAGE_HEADROOM_BYTES + attachments)
      throw new TipTooLargeError(TIP_BUDGET_BYTES);
    // Objects first, then the records: if the write below fails (another editor's change, a
    // throttle), the records still name the files, the editor's retry deletes what is left (a
    // missing object is no error) and then writes "erased". Never a record saying "erased"
    // over a file that is still stored.
    if (eraseObjects) {
      if (!attachmentObjects) throw new Error('eraseAttachments needs CLEAN_BUCKET, which is not set');
      await attachmentObjects.deleteAll(eraseObjects);
    }
    const outcome = await store.updateTip(tip, { expectedVersion, ...plan, sizeBytes });
    if (outcome.ok) return outcome.tip;
    const current = await store.getTip(id, { consistent: true }).catch((err: unknown) => {
      if (err instanceof NotFoundError) throw new NotFoundError(`no tip ${id}`);
      throw err;
    });
    throw new VersionConflictError(current.version, expectedVersion);
  };
}

export type TriageTip = ReturnType<typeof makeTriageTip>;
