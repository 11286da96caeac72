// Types only (erased from the bundle): the grant's shape is the server's zod schema.
import type { UploadGrantBody } from '#core/uploads/upload-grant-schema';
import { FILE_REFUSED, type FileLimits, formatBytes, sentence } from '../shared/reader-copy';
import { el } from './dom';

/**
 * The file picker of the reader form and the follow-up page (issue 12). Each file is uploaded as
 * soon as it is chosen, straight to S3 with a presigned POST from `POST /uploads`, so the reader's
 * wait is spent while they write; a tip (or follow-up) is then sent with the upload ids and the
 * same submission nonce. A file is refused in the page before any upload when it breaks a limit
 * (from the page's data attributes, i.e. the function's config). A failed upload is retried on
 * its own, three times with growing pauses, then offered to the reader with a "Retry" button.
 *
 * The file's name stays in the page: it is shown to the reader, but not posted anywhere. S3 gets
 * the bytes as a part named `file` with the file name "file" and a neutral type, and no field of
 * the form carries the name (IMG_20261114_Kherson.jpg names a place).
 */

type State = 'requesting' | 'uploading' | 'sent' | 'waiting' | 'failed' | 'refused';

interface Entry {
  file: File;
  state: State;
  attempts: number;
  grant?: UploadGrantBody;
  abort?: () => void;
  /** Resolves when the entry is sent, failed for good (the reader must act) or refused. */
  settled: Promise<void>;
  settle: () => void;
  item: HTMLLIElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
  retry: HTMLButtonElement;
}

export interface FileUploads {
  /** The nonce of this submission: sent with every upload request and with the tip. */
  readonly submission: string;
  /** True while a file is still on its way. */
  busy(): boolean;
  /** Waits for the files in flight; the upload ids, or why the tip cannot be sent yet. */
  settle(): Promise<{ uploadIds: string[] } | { problem: string }>;
  /** After the files were sent with a message: an empty list and a new nonce. */
  reset(): void;
}

/** Pauses before the automatic retries of one file: then the reader decides. */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000];

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function limitsOf(root: HTMLElement): FileLimits {
  return {
    maxFiles: Number(root.dataset.maxFiles),
    maxFileBytes: Number(root.dataset.maxFileBytes),
    maxTotalBytes: Number(root.dataset.maxTotalBytes),
  };
}

/** S3's XML error code (`EntityTooLarge`), if the answer is one. */
function s3ErrorCode(text: string): string | undefined {
  return /<Code>([A-Za-z]+)<\/Code>/.exec(text)?.[1];
}

interface PostResult {
  status: number;
  text: string;
}

/** The presigned POST: the signed fields, then the bytes as `file`, with upload progress. */
function postFile(grant: UploadGrantBody, file: File, onProgress: (fraction: number) => void) {
  const xhr = new XMLHttpRequest();
  const done = new Promise<PostResult>((resolve) => {
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, text: xhr.responseText }));
    for (const event of ['error', 'timeout', 'abort'] as const)
      xhr.addEventListener(event, () => resolve({ status: 0, text: event }));
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
  // A new Blob of the same bytes, with a neutral name and type: the browser would send the
  // file's own name as the part's filename.
  form.append('file', new Blob([file], { type: 'application/octet-stream' }), 'file');
  xhr.open('POST', grant.url);
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}

export function wireFileUploads(
  root: HTMLElement,
  { announce }: { announce: (text: string) => void },
): FileUploads | undefined {
  const found = {
    input: root.querySelector<HTMLInputElement>('#files-input'),
    list: root.querySelector<HTMLUListElement>('#files-list'),
    errorSlot: root.querySelector<HTMLElement>('#files-error'),
    picker: root.querySelector<HTMLElement>('#files-picker'),
  };
  if (!found.input || !found.list || !found.errorSlot || !found.picker) return undefined;
  const input: HTMLInputElement = found.input;
  const list: HTMLUListElement = found.list;
  const errorSlot: HTMLElement = found.errorSlot;
  const picker: HTMLElement = found.picker;
  // Read at each choice, not once: what the page says is what the page checks.
  const limits = () => limitsOf(root);
  root.querySelector<HTMLElement>('#files-without-js')?.setAttribute('hidden', '');
  picker.hidden = false;

  let submission = newNonce();
  let entries: Entry[] = [];
  let counter = 0;

  const kept = () => entries.filter((e) => e.state !== 'refused');
  const inFlight = () => entries.some((e) => ['requesting', 'uploading', 'waiting'].includes(e.state));
  const keptBytes = () => kept().reduce((sum, e) => sum + e.file.size, 0);

  function showRefusals(refusals: string[], { said = '' }: { said?: string } = {}) {
    errorSlot.replaceChildren(...refusals.map((r) => el('span', r)));
    for (const [i, child] of [...errorSlot.children].entries()) if (i > 0) child.before(el('br'));
    errorSlot.hidden = refusals.length === 0;
    const ids = ['files-warning', 'files-limits', ...(refusals.length > 0 ? ['files-error'] : [])];
    input.setAttribute('aria-describedby', ids.join(' '));
    if (refusals.length > 0) {
      input.setAttribute('aria-invalid', 'true');
      announce(`${said}${refusals.join(' ')}`);
    } else {
      input.removeAttribute('aria-invalid');
      if (said) announce(said);
    }
  }

  function setState(entry: Entry, state: State, text: string) {
    entry.state = state;
    entry.item.dataset.state = state;
    entry.status.textContent = text;
    entry.retry.hidden = state !== 'failed';
    if (state === 'sent' || state === 'failed' || state === 'refused') entry.settle();
  }

  function remove(entry: Entry) {
    entry.abort?.();
    entry.settle();
    const index = entries.indexOf(entry);
    entries = entries.filter((e) => e !== entry);
    entry.item.remove();
    announce(`Removed ${entry.file.name}.`);
    // Focus stays in the list: on the next file's remove button, else back on the picker.
    const next = entries[index] ?? entries[index - 1];
    (next ? next.item.querySelector<HTMLButtonElement>('button.remove') : input)?.focus();
  }

  /** A grant for one more file of this submission, or the status that refused it. */
  async function requestGrant(): Promise<UploadGrantBody | { status: number }> {
    const res = await fetch('/uploads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ submission }),
    });
    if (res.status === 201) return (await res.json()) as UploadGrantBody;
    // The error body (ApiErrorBody) says nothing the reader can act on beyond its status.
    await res.body?.cancel();
    return { status: res.status };
  }

  async function upload(entry: Entry): Promise<void> {
    entry.attempts += 1;
    setState(entry, 'requesting', 'Preparing…');
    entry.progress.value = 0;
    let problem = 'The upload was interrupted.';
    try {
      // A grant is reused for a retry while it is good for another minute.
      const fresh = entry.grant && Date.parse(entry.grant.expiresAt) - Date.now() > 60_000;
      if (!fresh) {
        const grant = await requestGrant();
        if (!('uploadId' in grant)) {
          problem =
            grant.status === 429
              ? 'Too many files were sent from your connection just now.'
              : 'We could not prepare the upload.';
          throw new Error(problem);
        }
        entry.grant = grant;
      }
      if (!entries.includes(entry)) return;
      const grant = entry.grant as UploadGrantBody;
      setState(entry, 'uploading', 'Uploading… 0%');
      const posting = postFile(grant, entry.file, (fraction) => {
        const percent = Math.floor(fraction * 100);
        entry.progress.value = percent;
        entry.status.textContent = `Uploading… ${percent}%`;
      });
      entry.abort = posting.abort;
      const result = await posting.done;
      entry.abort = undefined;
      if (!entries.includes(entry)) return;
      if (result.status >= 200 && result.status < 300) {
        entry.progress.value = 100;
        setState(entry, 'sent', 'Uploaded');
        // Said once the last one is in, not for each file: ten announcements would drown the rest.
        const sent = entries.filter((e) => e.state === 'sent').length;
        if (!inFlight()) announce(sent === 1 ? 'Your file is uploaded.' : `All ${sent} files are uploaded.`);
        return;
      }
      const code = s3ErrorCode(result.text);
      // S3's own refusal by the grant's policy: no retry makes this file fit.
      if (code === 'EntityTooLarge' || code === 'EntityTooSmall') {
        const reason =
          code === 'EntityTooLarge'
            ? FILE_REFUSED.tooBig({ ...limits(), maxFileBytes: grant.maxBytes })
            : FILE_REFUSED.empty();
        setState(entry, 'refused', `Not sent: ${reason}. Remove it.`);
        announce(`${entry.file.name} was not sent: ${reason}.`);
        return;
      }
      // An expired or refused grant is not retried as it is: the next attempt asks for a new one.
      if (result.status === 403 || result.status === 400) entry.grant = undefined;
      throw new Error(problem);
    } catch {
      entry.abort = undefined;
      if (!entries.includes(entry)) return;
      const delay = RETRY_DELAYS_MS[entry.attempts - 1];
      if (delay !== undefined) {
        setState(entry, 'waiting', `${problem} Trying again…`);
        window.setTimeout(() => {
          if (entries.includes(entry) && entry.state === 'waiting') void upload(entry);
        }, delay);
        return;
      }
      setState(entry, 'failed', `${problem} Not sent yet: retry it, or remove it.`);
      announce(`${entry.file.name} could not be uploaded. Retry it, or remove it.`);
    }
  }

  function add(file: File): string | undefined {
    const limit = limits();
    if (file.size > limit.maxFileBytes) return FILE_REFUSED.tooBig(limit);
    if (file.size === 0) return FILE_REFUSED.empty();
    if (kept().length >= limit.maxFiles) return FILE_REFUSED.tooMany(limit);
    if (keptBytes() + file.size > limit.maxTotalBytes) return FILE_REFUSED.overTotal(limit);
    counter += 1;
    const id = `file-${counter}`;
    const item = el('li', undefined, 'file');
    item.id = id;
    const name = el('span', file.name, 'file-name');
    name.id = `${id}-name`;
    const size = el('span', formatBytes(file.size), 'file-size');
    const progress = el('progress');
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute('aria-labelledby', `${id}-name`);
    progress.setAttribute('aria-describedby', `${id}-status`);
    const status = el('span', '', 'file-status');
    status.id = `${id}-status`;
    const retry = el('button', 'Retry', 'secondary retry');
    retry.type = 'button';
    retry.hidden = true;
    retry.setAttribute('aria-label', `Retry ${file.name}`);
    const removeButton = el('button', 'Remove', 'secondary remove');
    removeButton.type = 'button';
    removeButton.setAttribute('aria-label', `Remove ${file.name}`);
    item.append(name, ' ', size, progress, status, retry, removeButton);
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const entry: Entry = {
      file,
      state: 'requesting',
      attempts: 0,
      settled,
      settle,
      item,
      progress,
      status,
      retry,
    };
    // Each retry makes a new settled promise: the send button waits for the latest attempt.
    const renew = () => {
      entry.settled = new Promise<void>((resolve) => {
        entry.settle = resolve;
      });
    };
    retry.addEventListener('click', () => {
      renew();
      entry.attempts = 0;
      void upload(entry);
    });
    removeButton.addEventListener('click', () => remove(entry));
    entries.push(entry);
    list.append(item);
    void upload(entry);
    return undefined;
  }

  input.addEventListener('change', () => {
    const refusals: string[] = [];
    for (const file of input.files ?? []) {
      const reason = add(file);
      if (reason) refusals.push(`${file.name}: ${sentence(reason)}.`);
    }
    const chosen = (input.files ?? []).length - refusals.length;
    // Cleared, so the same file can be chosen again after it was removed.
    input.value = '';
    // One announcement, so the refusals are not cut off by the news of the others.
    showRefusals(refusals, {
      said: chosen > 0 ? `${chosen} file${chosen === 1 ? '' : 's'} added: uploading. ` : '',
    });
  });

  return {
    get submission() {
      return submission;
    },
    busy: inFlight,
    async settle() {
      // A retry may start while waiting: wait until nothing is in flight.
      while (inFlight()) await Promise.all(entries.map((e) => e.settled));
      if (entries.some((e) => e.state === 'failed' || e.state === 'refused')) {
        return { problem: 'A file was not uploaded: retry it or remove it, then send again.' };
      }
      return { uploadIds: entries.map((e) => e.grant?.uploadId as string) };
    },
    reset() {
      for (const entry of entries) entry.abort?.();
      entries = [];
      list.replaceChildren();
      showRefusals([]);
      submission = newNonce();
    },
  };
}
