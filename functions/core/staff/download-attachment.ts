import { type Attachment, UNSNIFFED_MIME } from '#core/attachments/attachment-record';
import { inlineElement } from '#core/attachments/inline-types';
import {
  AttachmentInfectedError,
  AttachmentPendingError,
  InlineNotAllowedError,
  NotFoundError,
  OriginalNotKeptError,
  ScanFailedError,
  ScanPendingError,
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
import type { HistoryEntry, TipRecord } from '#core/tips/tip-record';
import { fieldIssues } from '#core/tips/tip-schema';
import { storedTipBytes, type TipStore } from '#core/tips/tip-store';
import type { MalwareScanMode } from '#core/uploads/malware-scan-tag';
import { SCAN_NO_THREATS, SCAN_THREATS_FOUND } from '#core/uploads/malware-scan-tag';
import { cleanKey, originalKey } from '#core/uploads/storage-layout';
import type { AttachmentFiles } from './attachment-files';
import { type DownloadGrant, type DownloadRequest, downloadRequestSchema } from './download-schemas';
import { afterPlan } from './triage-tip';

export {
  type DownloadGrant,
  type DownloadRequest,
  downloadGrantSchema,
  downloadRequestSchema,
} from './download-schemas';

export function parseDownloadRequest(body: unknown): DownloadRequest {
  const parsed = downloadRequestSchema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError(fieldIssues(parsed.error));
  return parsed.data;
}

/** What a file is called when saved, by its sniffed type; `bin` for anything else. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/flac': 'flac',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'text/plain': 'txt',
  'text/csv': 'csv',
};

/**
 * The type and file name a download is served with. A file kept inert (an SVG, HTML called
 * `.jpg`) goes as `application/octet-stream` named `.bin`: neither the browser nor a double
 * click on the saved file renders it. An original is typed by nobody (the record's type is the
 * clean copy's), so it goes the same way. Never the reader's file name.
 */
export function servedAs(
  a: Attachment,
  copy: 'clean' | 'original',
): { contentType: string; filename: string } {
  if (copy === 'original') return { contentType: UNSNIFFED_MIME, filename: `${a.id}-original.bin` };
  if (a.cleaning.status === 'refused-inert') return { contentType: UNSNIFFED_MIME, filename: `${a.id}.bin` };
  const base = a.mime.split(';')[0]?.trim().toLowerCase() ?? '';
  return { contentType: a.mime, filename: `${a.id}.${EXTENSIONS[base] ?? 'bin'}` };
}

export interface DownloadAttachmentDeps {
  store: TipStore;
  files: AttachmentFiles;
  /** MALWARE_SCAN: with guardduty, only a file GuardDuty tagged NO_THREATS_FOUND is handed out. */
  malwareScan: MalwareScanMode;
  /** DOWNLOAD_URL_MINUTES, in seconds. */
  urlTtlSeconds: number;
  clock?: () => Date;
}

export interface DownloadRequestOf {
  tipId: string;
  attachmentId: string;
  request: DownloadRequest;
  by: string;
}

export interface DownloadOutcome extends DownloadGrant {
  copy: 'clean' | 'original';
  attachment: Attachment;
}

/** Two editors downloading at once each get their entry: the loser of a write re-reads and appends again. */
const HISTORY_ATTEMPTS = 3;

/**
 * A staff download of one attachment: checks the file may be handed out (known, cleaned or kept
 * as it came, scanned when a scanner runs, an original only if one was kept), records who took
 * which copy in the tip's history (one conditional UpdateItem on the version, as triage), and only
 * then signs a short-lived GET. An inline view of a cleaned photo or video is signed without an
 * entry (the page shows it on every open); the handler logs it.
 */
export function makeDownloadAttachment({
  store,
  files,
  malwareScan,
  urlTtlSeconds,
  clock = () => new Date(),
}: DownloadAttachmentDeps) {
  async function check(tip: TipRecord, attachmentId: string, request: DownloadRequest) {
    const attachment = tip.attachments?.find((a) => a.id === attachmentId);
    if (!attachment) throw new NotFoundError(`no attachment ${attachmentId} on tip ${tip.id}`);
    if (attachment.cleaning.status === 'pending') throw new AttachmentPendingError();
    // Erased (eraseAttachments): its objects are gone; no URL, and no download in the history.
    if (attachment.cleaning.status === 'erased') {
      throw new NotFoundError(`attachment ${attachmentId} on tip ${tip.id} was erased`);
    }
    if (request.inline && !inlineElement(attachment)) throw new InlineNotAllowedError();
    const copy = request.original ? 'original' : 'clean';
    const key = copy === 'original' ? originalKey(attachment.id) : cleanKey(attachment.id);
    // Only a cleaned file has an original apart from its copy: the others are kept as they came.
    if (copy === 'original' && (attachment.cleaning.status !== 'cleaned' || !(await files.exists(key)))) {
      throw new OriginalNotKeptError();
    }
    if (malwareScan === 'guardduty') {
      const verdict = await files.scanTag(key);
      if (verdict === 'missing') throw new NotFoundError(`no object ${key}`);
      if (verdict === undefined) throw new ScanPendingError();
      if (verdict === SCAN_THREATS_FOUND) throw new AttachmentInfectedError();
      if (verdict !== SCAN_NO_THREATS) throw new ScanFailedError(verdict);
    }
    return { attachment, copy, key } as const;
  }

  async function record(tip: TipRecord, entry: HistoryEntry): Promise<TipRecord> {
    let current = tip;
    for (let attempt = 1; ; attempt++) {
      const plan = { set: {}, remove: [], history: [entry] };
      const sizeBytes = storedTipBytes(afterPlan(current, plan));
      const attachments = Math.min(valueBytes(current.attachments ?? []), ATTACHMENTS_HEADROOM_BYTES);
      if (sizeBytes > TIP_BUDGET_BYTES + TRIAGE_HEADROOM_BYTES + attachments)
        throw new TipTooLargeError(TIP_BUDGET_BYTES);
      const outcome = await store.updateTip(current, {
        expectedVersion: current.version,
        ...plan,
        sizeBytes,
      });
      if (outcome.ok) return outcome.tip;
      const next = await store.getTip(current.id, { consistent: true });
      if (attempt >= HISTORY_ATTEMPTS) throw new VersionConflictError(next.version, current.version);
      current = next;
    }
  }

  return async function downloadAttachment({
    tipId,
    attachmentId,
    request,
    by,
  }: DownloadRequestOf): Promise<DownloadOutcome> {
    const tip = await store.getTip(tipId, { consistent: true });
    const { attachment, copy, key } = await check(tip, attachmentId, request);
    const now = clock();
    const disposition = request.inline ? 'inline' : 'attachment';
    const recorded = request.inline
      ? tip
      : await record(tip, {
          at: now.toISOString(),
          by,
          action: copy === 'original' ? 'download-original' : 'download',
          attachment: attachment.id,
        });
    const served = servedAs(attachment, copy);
    const url = await files.signedGet({
      key,
      contentType: served.contentType,
      disposition: request.inline ? 'inline' : `attachment; filename="${served.filename}"`,
      expiresInSeconds: urlTtlSeconds,
      signingDate: now,
    });
    return {
      url,
      expiresAt: new Date(now.getTime() + urlTtlSeconds * 1000).toISOString(),
      disposition,
      version: recorded.version,
      copy,
      attachment,
    };
  };
}

export type DownloadAttachment = ReturnType<typeof makeDownloadAttachment>;
