/** The follow-up page's script: every answer is written with textContent. */
// Types only (erased from the bundle): the answers' shapes are the server's zod schemas.
import type { ApiErrorBody as ApiError } from '#core/api/response-schemas';
import type { ReceiptAnswer } from '#core/receipts/receipt-answer';
import { wireFileUploads } from './file-uploads';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
let code = '';

function announce(text: string) {
  const live = $('announce');
  live.textContent = '';
  window.setTimeout(() => {
    live.textContent = text;
  }, 50);
}

function problemFor(status: number, body: ApiError, retryAfter: string | null): string {
  if (status === 404) return 'We found nothing with that code. Check it (a 0 may be an O) and try again.';
  if (status === 429) {
    const minutes = Math.max(1, Math.ceil(Number(retryAfter ?? 60) / 60));
    return `Too many checks from your connection. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  if (status === 503) return 'We cannot check just now. Please try again in a minute.';
  const issue = body.issues?.[0]?.message;
  if (issue) return issue.charAt(0).toUpperCase() + issue.slice(1);
  return body.message ?? `Something went wrong (${status}).`;
}

function showError(id: string, field: string, text: string | undefined) {
  const slot = $(id);
  slot.textContent = text ?? '';
  slot.hidden = text === undefined;
  const input = $(field);
  if (text === undefined) {
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', `${field}-hint`);
  } else {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${field}-hint ${id}`);
    announce(text);
  }
}

function render(answer: ReceiptAnswer) {
  $('result').hidden = false;
  $('result-title').textContent = `Your ${answer.kind} ${answer.receipt}: ${answer.status}`;
  $('explanation').textContent = answer.explanation;
  $('received').textContent = `Received on ${answer.receivedOn}.`;
  const list = $('replies');
  list.replaceChildren();
  for (const reply of answer.replies) {
    const item = document.createElement('li');
    const when = document.createElement('strong');
    when.textContent = reply.at.slice(0, 10);
    const text = document.createElement('p');
    text.className = 'excerpt';
    text.textContent = reply.message;
    item.append(when, text);
    list.append(item);
  }
  $('no-replies').hidden = answer.replies.length > 0;
  $('added').textContent = String(answer.messagesAdded);
}

async function call(path: string, init?: RequestInit) {
  const res = await fetch(path, {
    ...init,
    headers: { accept: 'application/json', ...(init?.headers ?? {}) },
  });
  const body = (await res.json().catch(() => ({}))) as ReceiptAnswer & ApiError;
  return { res, body };
}

// The same picker as the reader form: files go to S3 as they are chosen, then with "Add".
const filesRoot = document.getElementById('files');
const uploads = filesRoot ? wireFileUploads(filesRoot, { announce }) : undefined;

$('check').addEventListener('submit', async (event) => {
  event.preventDefault();
  const typed = $<HTMLInputElement>('code').value.trim();
  if (!typed) return showError('code-error', 'code', 'Enter the receipt code you were given.');
  const button = $<HTMLButtonElement>('check-button');
  button.disabled = true;
  try {
    const { res, body } = await call(`/receipts/${encodeURIComponent(typed)}`);
    if (res.status !== 200) {
      $('result').hidden = true;
      return showError('code-error', 'code', problemFor(res.status, body, res.headers.get('retry-after')));
    }
    showError('code-error', 'code', undefined);
    code = typed;
    render(body);
    $('result-title').focus();
    announce(`${body.status}. ${body.explanation}`);
  } catch {
    showError('code-error', 'code', 'We could not reach the newsroom. Please try again.');
  } finally {
    button.disabled = false;
  }
});

$('add').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('more-done').textContent = '';
  const message = $<HTMLTextAreaElement>('more').value;
  const button = $<HTMLButtonElement>('add-button');
  button.disabled = true;
  try {
    let files: { submission?: string; attachments?: string[] } = {};
    if (uploads) {
      if (uploads.busy()) announce('Waiting for your files to finish uploading…');
      const settled = await uploads.settle();
      if ('problem' in settled) return showError('more-error', 'more', settled.problem);
      if (settled.uploadIds.length > 0)
        files = { submission: uploads.submission, attachments: settled.uploadIds };
    }
    // Files may go alone: an empty message is then left out rather than refused.
    const text = files.attachments && message.trim() === '' ? {} : { message };
    const { res, body } = await call(`/receipts/${encodeURIComponent(code)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...text, ...files }),
    });
    if (res.status !== 201) {
      return showError('more-error', 'more', problemFor(res.status, body, res.headers.get('retry-after')));
    }
    showError('more-error', 'more', undefined);
    $<HTMLTextAreaElement>('more').value = '';
    uploads?.reset();
    render(body);
    const done = files.attachments
      ? 'Added. The desk sees your files with your first message once they are cleaned.'
      : 'Added. The desk sees it with your first message.';
    $('more-done').textContent = done;
    announce(done);
  } catch {
    showError('more-error', 'more', 'We could not reach the newsroom. Please try again.');
  } finally {
    button.disabled = false;
  }
});
