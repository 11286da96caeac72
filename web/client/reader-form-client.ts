import { formToObject } from '#core/http/form-body';
import { type ClientIssue, type ClientRules, checkWithRules } from '../shared/form-rules';
import {
  anchorFor,
  FORM_PROBLEM,
  kindWord,
  MESSAGE_HINT,
  MESSAGE_LABEL,
  NETWORK_PROBLEM,
  nextSteps,
  sentence,
} from '../shared/reader-copy';
import { el } from './dom';
import { type FileUploads, wireFileUploads } from './file-uploads';

/** Compiled at build time from the zod schema (build-assets.ts → rules-from-schema.ts). */
declare const __TIP_RULES__: ClientRules;
declare const __MESSAGE_MAX__: number;
declare const __MESSAGE_MIN__: number;

const form = document.getElementById('tip-form') as HTMLFormElement | null;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

function announce(text: string) {
  const live = $('announce');
  if (!live) return;
  // Clear first so the same sentence twice is announced twice.
  live.textContent = '';
  window.setTimeout(() => {
    live.textContent = text;
  }, 50);
}

function fieldOf(path: string): HTMLElement | null {
  return $(anchorFor(path));
}

function setFieldError(path: string, message: string | undefined) {
  const slot = $(`${path}-error`);
  const field = fieldOf(path);
  if (slot) {
    slot.textContent = message === undefined ? '' : sentence(message);
    slot.hidden = message === undefined;
  }
  if (!field || path === 'kind') return;
  const ids = (field.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter((id) => id && id !== `${path}-error`);
  if (message !== undefined) {
    field.setAttribute('aria-invalid', 'true');
    ids.push(`${path}-error`);
  } else {
    field.removeAttribute('aria-invalid');
  }
  if (ids.length > 0) field.setAttribute('aria-describedby', ids.join(' '));
  else field.removeAttribute('aria-describedby');
}

function showProblem(text: string | undefined, fields: ClientIssue[] = [], extra: string[] = []) {
  const box = $('form-problem');
  if (!box) return;
  box.replaceChildren();
  box.hidden = text === undefined;
  if (text === undefined) return;
  box.append(el('p', text));
  if (fields.length > 0) {
    const list = el('ul');
    for (const issue of fields) {
      const link = el('a', sentence(issue.message));
      link.href = `#${anchorFor(issue.path)}`;
      const item = el('li');
      item.append(link);
      list.append(item);
    }
    box.append(list);
  }
  box.append(...extra.map((m) => el('p', sentence(m), 'error')));
}

function showIssues(issues: ClientIssue[]) {
  const byField = new Map<string, string[]>();
  for (const issue of issues) byField.set(issue.path, [...(byField.get(issue.path) ?? []), issue.message]);
  const known = Object.keys(__TIP_RULES__.fields);
  for (const path of known) setFieldError(path, byField.get(path)?.join('; '));
  const placed = (i: ClientIssue) => known.includes(i.path) && $(`${i.path}-error`) !== null;
  showProblem(
    issues.length > 0 ? FORM_PROBLEM : undefined,
    issues.filter(placed),
    issues.filter((i) => !placed(i)).map((i) => i.message),
  );
  if (issues.length === 0) return;
  const first = issues.map((i) => fieldOf(i.path)).find((f) => f !== null);
  first?.focus();
  announce(
    `${issues.length === 1 ? 'One field needs' : `${issues.length} fields need`} correcting: ${issues.map((i) => i.message).join('. ')}`,
  );
}

function values(f: HTMLFormElement): Record<string, unknown> {
  // The same conversion the server applies to a plain form post: one path, one meaning.
  const data = new URLSearchParams();
  for (const [k, v] of new FormData(f)) if (typeof v === 'string') data.append(k, v);
  return formToObject(data.toString());
}

function showReceipt(receipt: string, kind: 'tip' | 'question') {
  const main = $('main');
  if (!main) return;
  const h1 = el('h1', `Thank you: your ${kind} reached the world desk`);
  h1.tabIndex = -1;
  const code = el('p', receipt, 'receipt');
  code.id = 'receipt';
  const list = el('ul', undefined, 'steps');
  for (const step of nextSteps(kind)) list.append(el('li', step));
  const check = el('a', `Check on your ${kind} or add something`);
  check.href = '/follow-up';
  const follow = el('p');
  follow.append(check, ' with your receipt code.');
  const again = el('a', 'Send another tip or question');
  again.href = '/';
  const p = el('p');
  p.append(again);
  main.replaceChildren(
    h1,
    el('p', 'Keep this receipt code:'),
    code,
    el('h2', 'What happens next'),
    list,
    follow,
    p,
  );
  document.title = 'Thank you: your receipt';
  h1.focus();
  announce(`Sent. Your receipt code is ${receipt}.`);
}

function wireKindSwitch(f: HTMLFormElement) {
  const label = $('message-label');
  const hint = $('message-hint');
  const update = () => {
    const kind = kindWord(new FormData(f).get('kind'));
    if (label) label.textContent = MESSAGE_LABEL[kind];
    if (hint) hint.textContent = MESSAGE_HINT[kind];
  };
  for (const radio of f.querySelectorAll<HTMLInputElement>('input[name=kind]'))
    radio.addEventListener('change', update);
  update();
}

function wireCounter() {
  const box = $<HTMLTextAreaElement>('message');
  const count = $('message-count');
  if (!box || !count) return;
  const update = () => {
    const n = box.value.replace(/\r\n?/g, '\n').trim().length;
    count.textContent = `${n.toLocaleString('en')} / ${__MESSAGE_MAX__.toLocaleString('en')} characters${n > 0 && n < __MESSAGE_MIN__ ? ` (at least ${__MESSAGE_MIN__})` : ''}`;
    count.classList.toggle('over', n > __MESSAGE_MAX__);
  };
  box.addEventListener('input', update);
  update();
}

function wireAnonymous() {
  const toggle = $<HTMLInputElement>('anonymous');
  const fields = $('contact-fields');
  if (!toggle || !fields) return;
  const update = (userChanged: boolean) => {
    fields.hidden = toggle.checked;
    if (!toggle.checked) return;
    // Hidden is not enough: what the reader typed must not be sent.
    for (const input of fields.querySelectorAll<HTMLInputElement>('input')) {
      input.value = '';
      setFieldError(input.id, undefined);
    }
    if (userChanged) announce('Contact fields cleared: you will stay anonymous.');
  };
  toggle.addEventListener('change', () => update(true));
  update(false);
}

function wireSubmit(f: HTMLFormElement, uploads: FileUploads | undefined) {
  const button = $<HTMLButtonElement>('send');
  // One key per submission attempt, reused when the same content is sent again after a failure.
  let attempt: { key: string; body: string } | undefined;
  f.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = values(f);
    const issues = checkWithRules(__TIP_RULES__, data);
    showIssues(issues);
    if (issues.length > 0) return;
    if (button) button.disabled = true;
    try {
      if (uploads) {
        // The send waits for the files still on their way; a file that failed is the reader's call.
        if (uploads.busy()) announce('Waiting for your files to finish uploading…');
        const files = await uploads.settle();
        if ('problem' in files) {
          showProblem(files.problem);
          announce(files.problem);
          return;
        }
        if (files.uploadIds.length > 0) {
          data.submission = uploads.submission;
          data.attachments = files.uploadIds;
        }
      }
      const body = JSON.stringify(data);
      if (attempt?.body !== body) attempt = { key: crypto.randomUUID(), body };
      announce('Sending…');
      const res = await fetch(f.action, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': attempt.key,
        },
        body,
      });
      const answer = (await res.json().catch(() => ({}))) as {
        receipt?: string;
        issues?: ClientIssue[];
        message?: string;
      };
      if (res.status === 201 && answer.receipt) {
        attempt = undefined;
        showReceipt(answer.receipt, kindWord(data.kind));
        return;
      }
      if (res.status === 400 && answer.issues) {
        showIssues(answer.issues);
        return;
      }
      const text =
        res.status === 429
          ? 'Too many messages were sent from your connection. Please try again later.'
          : res.status === 503
            ? 'We could not save your message just now. Nothing was lost: please send it again in a minute.'
            : (answer.message ?? NETWORK_PROBLEM);
      showProblem(text);
      announce(text);
    } catch {
      showProblem(NETWORK_PROBLEM);
      announce(NETWORK_PROBLEM);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

/** A token lives 45 minutes (form-token.ts): one this old is replaced while the page is open. */
const TOKEN_REFRESH_MS = 15 * 60_000;

/**
 * Keeps the form's token fresh for a reader who takes their time: every 15 minutes (and when
 * the tab comes back after a sleep) it fetches the form page again and takes its token, used
 * only once it is older than the minimum fill time. If that fails the old token stays; a tip
 * sent with a stale one is stored all the same, quarantined for an editor.
 */
function wireTokenRefresh(f: HTMLFormElement) {
  const input = f.querySelector<HTMLInputElement>('input[name=formToken]');
  if (!input) return;
  const minFillMs = (Number(input.dataset.minFillSeconds ?? '3') + 1) * 1000;
  let fetchedAt = Date.now();
  const refresh = async () => {
    fetchedAt = Date.now();
    try {
      const res = await fetch(window.location.pathname, {
        headers: { accept: 'text/html' },
        cache: 'no-store',
      });
      const page = new DOMParser().parseFromString(await res.text(), 'text/html');
      const fresh = page.querySelector<HTMLInputElement>('input[name=formToken]')?.value;
      if (res.ok && fresh) window.setTimeout(() => (input.value = fresh), minFillMs);
    } catch {
      // Offline for now: the next refresh tries again.
    }
  };
  window.setInterval(refresh, TOKEN_REFRESH_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - fetchedAt > TOKEN_REFRESH_MS) void refresh();
  });
}

if (form) {
  wireTokenRefresh(form);
  wireKindSwitch(form);
  wireCounter();
  wireAnonymous();
  const files = document.getElementById('files');
  wireSubmit(form, files ? wireFileUploads(files, { announce }) : undefined);
}
