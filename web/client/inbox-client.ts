/**
 * The staff inbox. Every piece of a tip (and of anything else the API returns) is written
 * with textContent or as an attribute value, never as HTML: reader text can carry markup,
 * and here it must stay text.
 */
// Types only (erased from the bundle): the answers' shapes are the server's zod schemas.
import type { ApiErrorBody as ApiError } from '#core/api/response-schemas';
import type { Attachment } from '#core/attachments/attachment-record';
import { attachmentCountLine, durationWords, sizeWords } from '#core/attachments/attachment-words';
import { inlineElement } from '#core/attachments/inline-types';
import type { DownloadGrant } from '#core/staff/download-schemas';
import type { TipSummary as Summary, TipList } from '#core/staff/tip-summary';
import { linkHost } from '#core/tips/text-safety';
import type { TipRecord as Tip } from '#core/tips/tip-record';
import { el } from './dom';

declare const __TRANSITIONS__: Record<string, string[]>;
declare const __TOPICS__: Record<string, string>;

const TOKEN_KEY = 'tipline.token';
const LAST_SEEN_KEY = 'tipline.lastSeenId';
const BASELINE_KEY = 'tipline.baselineId';
const PAGE_SIZE = 20;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function say(text: string) {
  $('status-line').textContent = text;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}

// ---- the token -------------------------------------------------------------------------

function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function currentToken(): string | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  const exp = token ? Number(claimsOf(token)?.exp) : 0;
  if (token && exp * 1000 > Date.now()) return token;
  if (token) sessionStorage.removeItem(TOKEN_KEY);
  return undefined;
}

// ---- sign-in with the hosted UI: authorization code grant with PKCE --------------------

const PKCE_KEY = 'tipline.pkce';

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomToken = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/**
 * To the hosted UI with a fresh PKCE challenge and state: the verifier and state stay in this
 * tab's sessionStorage, so only this tab can trade the code the hosted UI sends back, and a code
 * that arrives without a sign-in started here is refused.
 */
async function startHostedSignIn(link: HTMLAnchorElement) {
  const verifier = randomToken(32);
  const state = randomToken(16);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const url = new URL(link.href);
  url.searchParams.set('code_challenge', base64url(new Uint8Array(digest)));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  location.assign(url.href);
}

/**
 * Back from the hosted UI with `?code=…&state=…`: the code leaves the address at once, and is
 * traded with the verifier at the token endpoint for an access token (kept for this tab only).
 * The page never reads a token from its address: the client allows no implicit grant.
 */
async function takeCodeFromRedirect(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return;
  history.replaceState(null, '', location.pathname + location.hash);
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as {
    verifier?: string;
    state?: string;
  } | null;
  sessionStorage.removeItem(PKCE_KEY);
  const link = document.getElementById('hosted-sign-in') as HTMLAnchorElement | null;
  if (error || !code || !link?.dataset.tokenUrl) {
    say('The sign-in did not complete. Please sign in again.');
    return;
  }
  if (!saved?.verifier || !saved.state || params.get('state') !== saved.state) {
    say('That sign-in was not started from this page. Please sign in again.');
    return;
  }
  const authorize = new URL(link.href).searchParams;
  const res = await fetch(link.dataset.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: authorize.get('client_id') ?? '',
      code,
      redirect_uri: authorize.get('redirect_uri') ?? '',
      code_verifier: saved.verifier,
    }),
  }).catch(() => undefined);
  const body = (await res?.json().catch(() => ({}))) as { access_token?: unknown } | undefined;
  if (!res?.ok || typeof body?.access_token !== 'string') {
    say('The sign-in could not be completed. Please sign in again.');
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, body.access_token);
}

class SignedOut extends Error {}

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const token = currentToken();
  if (!token) throw new SignedOut('Please sign in.');
  const res = await fetch(path, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw new SignedOut('Your sign-in expired or was not accepted. Please sign in again.');
  }
  // A 403 is the staff group's refusal, except a file the malware scan found a threat in.
  if (res.status === 403 && (body as ApiError).error !== 'attachment_infected')
    throw new Error('Your account is not in the staff group, so the inbox is closed to it.');
  return { status: res.status, body };
}

// ---- views -----------------------------------------------------------------------------

function show(view: 'sign-in' | 'inbox' | 'tip') {
  for (const id of ['sign-in', 'inbox', 'tip']) $(id).hidden = id !== view;
}

function signedOut(message?: string) {
  show('sign-in');
  $('who').textContent = '';
  if (message) say(message);
}

function signedIn() {
  const token = currentToken();
  if (!token) return signedOut();
  const claims = claimsOf(token) ?? {};
  $('who').textContent = `Signed in as ${String(claims.username ?? claims['cognito:username'] ?? 'staff')}`;
  void route();
}

// ---- the list --------------------------------------------------------------------------

let cursor: string | undefined;
let baseline = '';
/** Only the latest list request may draw: an older answer arriving late is dropped. */
let listRequest = 0;

function filterParams(): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData($<HTMLFormElement>('filters'))) {
    if (typeof v === 'string' && v.trim() !== '') params.set(k, v.trim());
  }
  // A receipt code a reader reads out names one tip: the other filters do not apply to it.
  const receipt = params.get('receipt');
  return receipt ? new URLSearchParams({ receipt }) : params;
}

function tipItem(tip: Summary): HTMLLIElement {
  const li = el('li');
  const isNew = baseline !== '' && tip.id > baseline;
  if (isNew) li.classList.add('is-new');
  const link = el('a', tip.subject ?? '(no subject)');
  link.href = `#/tips/${encodeURIComponent(tip.id)}`;
  const title = el('p');
  title.append(link);
  if (isNew) title.append(' ', el('span', 'New', 'badge'));
  const meta = el(
    'p',
    `${tip.kind === 'question' ? 'Question' : 'Tip'} · ${__TOPICS__[tip.topic] ?? tip.topic} · ${when(tip.createdAt)}${tip.assignee ? ` · assigned to ${tip.assignee}` : ''}`,
    'meta',
  );
  meta.prepend(el('span', tip.status, 'status'), ' ');
  li.append(title, meta, el('p', tip.excerpt, 'excerpt'));
  if (tip.tags?.length) li.append(el('p', `Tags: ${tip.tags.join(', ')}`, 'meta'));
  const files = attachmentCountLine(tip.attachments);
  if (files) li.append(el('p', files, 'meta'));
  return li;
}

async function loadList(more = false) {
  const problem = $('list-problem');
  problem.hidden = true;
  const params = filterParams();
  params.set('limit', String(PAGE_SIZE));
  if (more && cursor) params.set('cursor', cursor);
  const request = ++listRequest;
  const { status, body } = await api(`/tips?${params}`);
  if (request !== listRequest) return;
  if (status !== 200) {
    const err = body as ApiError;
    problem.textContent =
      err.issues?.map((i) => `${i.path}: ${i.message}`).join('; ') ??
      err.message ??
      `The list failed (${status}).`;
    problem.hidden = false;
    return;
  }
  const page = body as TipList;
  const list = $('tips');
  if (!more) list.replaceChildren();
  for (const tip of page.items) list.append(tipItem(tip));
  cursor = page.nextCursor ?? undefined;
  $('more').hidden = cursor === undefined;
  const shown = list.children.length;
  say(shown === 0 ? 'No tips match these filters.' : `${shown} shown${cursor ? ', more available' : ''}.`);
  if (!more && params.toString() === `limit=${PAGE_SIZE}`) updateBadge(page.items, cursor !== undefined);
}

function updateBadge(items: Summary[], hasMore: boolean) {
  const fresh = items.filter((t) => baseline !== '' && t.id > baseline).length;
  const badge = $('new-badge');
  badge.hidden = fresh === 0;
  badge.textContent = `${fresh}${fresh === items.length && hasMore ? '+' : ''} new since your last visit`;
  const newest = items[0]?.id;
  if (newest && newest > (localStorage.getItem(LAST_SEEN_KEY) ?? ''))
    localStorage.setItem(LAST_SEEN_KEY, newest);
}

// ---- one tip ---------------------------------------------------------------------------

let openTip: Tip | undefined;

function fact(dl: HTMLElement, term: string, value: string | Node | undefined) {
  if (value === undefined || value === '') return;
  const dd = el('dd');
  if (typeof value === 'string') dd.textContent = value;
  else dd.append(value);
  dl.append(el('dt', term), dd);
}

/**
 * The reader's link, with the host it really goes to (as the URL parser reads it: a look-alike
 * or IDN host in punycode) beside it, marked as the reader's: the text of a link can say one
 * place and go to another.
 */
function safeLink(url: string): Node {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {}
  const host = linkHost(url);
  const marker = el('span', ` (host ${host ?? 'unknown'}, supplied by the reader)`, 'meta link-host');
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    const text = el('span', url);
    text.append(marker);
    return text;
  }
  const a = el('a', url);
  a.href = parsed.href;
  a.rel = 'noopener noreferrer nofollow';
  a.target = '_blank';
  const wrap = el('span');
  wrap.append(a, marker);
  return wrap;
}

const KIND_LABELS: Record<string, string> = {
  photo: 'Photo',
  video: 'Video',
  audio: 'Audio',
  document: 'Document',
  other: 'Other file',
};

const SCAN_WORDS: Record<string, string> = {
  'not-scanned': 'Not scanned for malware',
  pending: 'Malware scan pending',
  clean: 'Scanned: no malware found',
  infected: 'The malware scan found something: do not open',
};

/**
 * One attachment: what it is, how big, what cleaning made of it, whether it was scanned. Every
 * value (even the type string and the report, which a writer of the record could get wrong) is
 * text, never markup, and nothing is fetched or rendered from the file.
 */
function attachmentItem(a: Attachment): HTMLLIElement {
  const li = el('li', undefined, 'attachment');
  if (a.cleaning?.status === 'pending') {
    // Not read yet: no type or kind to show, only that it arrived and is being cleaned.
    li.append(
      el('strong', `File · ${sizeWords(a.sizeBytes)}`),
      el('span', ` (id ${a.id})`, 'meta'),
      el('p', 'Being cleaned: not identified or cleaned yet, nothing to open', 'meta'),
    );
    return withScan(li, a);
  }
  if (a.cleaning?.status === 'erased') {
    // Erased by an editor: the file is gone from storage; only its id is left.
    li.append(
      el('strong', 'File · erased'),
      el('span', ` (id ${a.id})`, 'meta'),
      el('p', 'Erased: the file was deleted for good, nothing to open', 'meta'),
    );
    return li;
  }
  const what = [KIND_LABELS[a.kind] ?? 'Other file', a.mime, sizeWords(a.sizeBytes)];
  if (a.width && a.height) what.push(`${a.width} × ${a.height} px`);
  if (a.durationSeconds !== undefined) what.push(durationWords(a.durationSeconds));
  li.append(el('strong', what.join(' · ')), el('span', ` (id ${a.id})`, 'meta'));
  const cleaning = a.cleaning ?? { status: 'not-cleaned', removed: [] };
  if (cleaning.status === 'cleaned') {
    li.append(
      el(
        'p',
        cleaning.removed.length > 0
          ? `Metadata removed: ${cleaning.removed.join(', ')}`
          : 'Cleaned: no metadata found to remove',
        'cleaned',
      ),
    );
    if (cleaning.notes?.length) li.append(el('p', cleaning.notes.join('; '), 'meta'));
  } else if (cleaning.status === 'refused-inert') {
    li.append(
      el(
        'p',
        `Not opened, ever: kept only as a download, as a plain file; this file could run or render in a browser${cleaning.reason ? ` (${cleaning.reason})` : ''}`,
        'warning',
      ),
    );
  } else {
    li.append(
      el(
        'p',
        `Not cleaned: ${cleaning.reason ?? 'no reason recorded'}. It may still carry who made it and where. Kept only as a download.`,
        'warning',
      ),
    );
  }
  withScan(li, a);
  if (a.scan?.status !== 'infected') {
    const button = el('button', 'Download', 'secondary');
    button.type = 'button';
    button.setAttribute('aria-label', `Download file ${a.id}`);
    button.addEventListener('click', () => void guarded(() => downloadFile(a.id, button, false))());
    const actions = el('div', undefined, 'actions');
    actions.append(button);
    // Only a cleaned file can have an original apart from its copy (KEEP_ORIGINALS); the API
    // says so when none was kept. Taking one is logged and recorded apart.
    if (a.cleaning?.status === 'cleaned') {
      const original = el('button', 'Download original', 'secondary');
      original.type = 'button';
      original.setAttribute('aria-label', `Download original of file ${a.id}, with its metadata (logged)`);
      original.addEventListener('click', () => void guarded(() => downloadFile(a.id, original, true))());
      actions.append(original);
    }
    li.append(actions);
  }
  const inline = inlineElement(a);
  if (inline) li.append(preview(a, inline));
  return li;
}

/** The download URL of a file, or the refusal's words. */
async function grant(id: string, body: Record<string, boolean>): Promise<DownloadGrant | string> {
  if (!openTip) return 'No tip is open.';
  const { status, body: answer } = await api(
    `/tips/${encodeURIComponent(openTip.id)}/attachments/${encodeURIComponent(id)}/download`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (status === 200) return answer as DownloadGrant;
  return (answer as ApiError).message ?? `The file could not be fetched (${status}).`;
}

/**
 * Download: the API records it in the tip's history and answers a short-lived URL; the browser
 * goes there (the answer is an attachment: it saves the file and stays on this page), and the
 * tip is read again for its new history entry and version.
 */
async function downloadFile(id: string, button: HTMLButtonElement, original: boolean) {
  if (!openTip) return;
  const tipId = openTip.id;
  button.disabled = true;
  try {
    const answer = await grant(id, original ? { original: true } : {});
    if (typeof answer === 'string') {
      say(answer);
      return;
    }
    location.assign(answer.url);
    await loadTip(tipId, { keepMessages: true });
    say(`Downloading ${original ? 'the original of ' : ''}${id}: recorded in the tip's history.`);
  } finally {
    button.disabled = false;
  }
}

/**
 * A cleaned photo or video in the page, from a URL signed inline for its own type: an <img> or a
 * <video>, which never run script, and never a frame. Anything else is never inlined.
 */
function preview(a: Attachment, tag: 'img' | 'video'): HTMLElement {
  const figure = el('figure', undefined, 'preview');
  const caption = el('figcaption', `Cleaned copy of ${a.id}`, 'meta');
  figure.append(caption);
  void grant(a.id, { inline: true })
    .then((answer) => {
      if (typeof answer === 'string') {
        caption.textContent = `No preview: ${answer}`;
        return;
      }
      const media = document.createElement(tag);
      if (media instanceof HTMLImageElement) media.alt = `Photo ${a.id} (cleaned copy)`;
      if (media instanceof HTMLVideoElement) {
        media.controls = true;
        media.preload = 'metadata';
        media.setAttribute('aria-label', `Video ${a.id} (cleaned copy)`);
      }
      media.addEventListener('error', () => {
        media.remove();
        caption.textContent = `No preview of ${a.id}: the file could not be loaded.`;
      });
      media.src = answer.url;
      figure.prepend(media);
    })
    .catch(() => {
      caption.textContent = `No preview of ${a.id}.`;
    });
  return figure;
}

function withScan(li: HTMLLIElement, a: Attachment): HTMLLIElement {
  const scan = a.scan?.status ?? 'not-scanned';
  li.append(el('p', SCAN_WORDS[scan] ?? SCAN_WORDS['not-scanned'], scan === 'infected' ? 'warning' : 'meta'));
  return li;
}

function renderAttachments(attachments: Attachment[] | undefined) {
  const list = $('tip-attachments');
  list.replaceChildren(...(attachments ?? []).map(attachmentItem));
  $('tip-files').hidden = list.children.length === 0;
}

function renderTip(tip: Tip) {
  openTip = tip;
  $('tip-title').textContent = `${tip.subject ?? '(no subject)'} · ${tip.id}`;
  const facts = $('tip-facts');
  facts.replaceChildren();
  fact(facts, 'Status', tip.status);
  fact(facts, 'Kind', tip.kind);
  fact(facts, 'Topic', __TOPICS__[tip.topic] ?? tip.topic);
  fact(facts, 'Received', when(tip.createdAt));
  fact(facts, 'Assignee', tip.assignee ?? 'nobody');
  fact(facts, 'Tags', tip.tags?.join(', '));
  fact(
    facts,
    'Contact',
    tip.anonymous
      ? 'anonymous'
      : [tip.name, tip.email, tip.phone].filter(Boolean).join(' · ') || 'none given',
  );
  fact(facts, 'Link', tip.sourceUrl ? safeLink(tip.sourceUrl) : undefined);
  fact(facts, 'Quarantined', tip.quarantineReason);
  fact(facts, 'Legal hold', tip.legalHold ? 'yes: kept past retention' : undefined);
  fact(facts, 'Version', String(tip.version));
  $('tip-message').textContent = tip.message;
  renderAttachments(tip.attachments);
  const history = $('tip-history');
  history.replaceChildren();
  for (const h of [...tip.history].reverse()) {
    const li = el('li');
    const change = h.from || h.to ? ` (${h.from ?? '–'} → ${h.to ?? '–'})` : '';
    const file = h.attachment ? ` of file ${h.attachment}` : '';
    li.append(el('strong', `${h.action}${file}${change}`), el('span', ` by ${h.by}, ${when(h.at)}`, 'meta'));
    if (h.note) li.append(el('p', h.note, 'excerpt'));
    if (h.reason) li.append(el('p', h.reason, 'meta'));
    history.append(li);
  }
  const select = $<HTMLSelectElement>('t-status');
  select.replaceChildren();
  for (const s of [tip.status, ...(__TRANSITIONS__[tip.status] ?? [])]) {
    const option = el('option', s === tip.status ? `${s} (current)` : s);
    option.value = s;
    select.append(option);
  }
  $<HTMLInputElement>('t-assignee').value = tip.assignee ?? '';
  $<HTMLInputElement>('t-tags').value = tip.tags?.join(', ') ?? '';
  $<HTMLInputElement>('t-hold').checked = tip.legalHold === true;
  $<HTMLInputElement>('t-erase').checked = false;
  $('t-erase-row').hidden = !(tip.name || tip.email || tip.phone);
}

async function loadTip(id: string, { keepMessages = false } = {}) {
  const { status, body } = await api(`/tips/${encodeURIComponent(id)}`);
  show('tip');
  if (!keepMessages) {
    $('conflict').hidden = true;
    $('triage-problem').hidden = true;
    $('saved').textContent = '';
  }
  if (status !== 200) {
    $('tip-title').textContent = status === 404 ? 'No such tip' : `The tip could not be loaded (${status})`;
    return;
  }
  renderTip(body as Tip);
  say('');
  $('tip-title').focus();
}

function showConflict(currentVersion: number | undefined) {
  const box = $('conflict');
  const again = el('button', 'Reload the tip', 'secondary');
  again.type = 'button';
  again.addEventListener('click', () => {
    if (openTip) void loadTip(openTip.id, { keepMessages: false }).then(() => $('t-note').focus());
  });
  box.replaceChildren(
    el('strong', 'Someone else changed this tip while you had it open.'),
    el(
      'p',
      `Your changes were not saved. The tip is now at version ${currentVersion ?? 'newer'}; you edited version ${openTip?.version}. Reload it to see what changed, then make your changes again (your note and reply stay in their boxes).`,
    ),
    again,
  );
  box.hidden = false;
  again.focus();
}

async function saveTriage(event: SubmitEvent) {
  event.preventDefault();
  if (!openTip) return;
  const tip = openTip;
  const problem = $('triage-problem');
  problem.hidden = true;
  $('conflict').hidden = true;
  $('saved').textContent = '';
  const status = $<HTMLSelectElement>('t-status').value;
  const assignee = $<HTMLInputElement>('t-assignee').value.trim();
  const tags = $<HTMLInputElement>('t-tags')
    .value.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const note = $<HTMLTextAreaElement>('t-note').value.trim();
  const reply = $<HTMLTextAreaElement>('t-reply').value.trim();
  const hold = $<HTMLInputElement>('t-hold').checked;
  const erase = $<HTMLInputElement>('t-erase').checked;
  const patch: Record<string, unknown> = {};
  if (status !== tip.status) patch.status = status;
  if (assignee !== (tip.assignee ?? '')) patch.assignee = assignee === '' ? null : assignee;
  if (tags.join(',') !== (tip.tags ?? []).join(',')) patch.tags = tags;
  if (note) patch.note = note;
  if (reply) patch.reply = reply;
  if (hold !== (tip.legalHold === true)) patch.legalHold = hold;
  if (erase) patch.eraseContact = true;
  if (Object.keys(patch).length === 0) {
    problem.textContent = 'Nothing to save: change the status, assignee or tags, or write a note or a reply.';
    problem.hidden = false;
    return;
  }
  const button = $<HTMLButtonElement>('save');
  button.disabled = true;
  try {
    const { status: code, body } = await api(`/tips/${encodeURIComponent(tip.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'if-match': `"${tip.version}"` },
      body: JSON.stringify(patch),
    });
    const err = body as ApiError;
    if (code === 200) {
      renderTip(body as Tip);
      $<HTMLTextAreaElement>('t-note').value = '';
      $<HTMLTextAreaElement>('t-reply').value = '';
      $('saved').textContent = `Saved (version ${(body as Tip).version}).`;
    } else if (code === 409 && err.error === 'version_conflict') {
      showConflict(err.currentVersion);
    } else {
      problem.textContent =
        err.issues?.map((i) => `${i.path}: ${i.message}`).join('; ') ?? err.message ?? `Not saved (${code}).`;
      problem.hidden = false;
    }
  } finally {
    button.disabled = false;
  }
}

// ---- wiring ----------------------------------------------------------------------------

async function route() {
  try {
    const m = /^#\/tips\/([^/]+)$/.exec(location.hash);
    if (m?.[1]) {
      await loadTip(decodeURIComponent(m[1]));
      return;
    }
    show('inbox');
    await loadList();
  } catch (err) {
    if (err instanceof SignedOut) signedOut(err.message);
    else say(err instanceof Error ? err.message : 'Something went wrong.');
  }
}

function guarded(run: () => Promise<void>) {
  return () =>
    run().catch((err: unknown) => {
      if (err instanceof SignedOut) signedOut(err.message);
      else say(err instanceof Error ? err.message : 'Something went wrong.');
    });
}

async function start() {
  const hosted = document.getElementById('hosted-sign-in') as HTMLAnchorElement | null;
  hosted?.addEventListener('click', (event) => {
    event.preventDefault();
    void startHostedSignIn(hosted);
  });
  await takeCodeFromRedirect();
  baseline = sessionStorage.getItem(BASELINE_KEY) ?? localStorage.getItem(LAST_SEEN_KEY) ?? '';
  sessionStorage.setItem(BASELINE_KEY, baseline);

  $('token-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $<HTMLTextAreaElement>('token').value.trim();
    if (!claimsOf(token)) {
      say('That does not look like a token: paste the whole line npm run token printed.');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    $<HTMLTextAreaElement>('token').value = '';
    if (!currentToken()) {
      say('That token has expired: get a new one and paste it again.');
      return;
    }
    signedIn();
  });
  const local = $<HTMLFormElement>('local-token-form');
  local?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = $<HTMLInputElement>('local-user').value.trim() || 'alice';
    const res = await fetch(local.dataset.url ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user }),
    });
    const { token } = (await res.json().catch(() => ({}))) as { token?: string };
    if (!res.ok || !token) return say('The local issuer gave no token: is the local stack running?');
    sessionStorage.setItem(TOKEN_KEY, token);
    signedIn();
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    signedOut('Signed out.');
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void guarded(() => loadList())();
  });
  $('more').addEventListener(
    'click',
    guarded(() => loadList(true)),
  );
  $('back').addEventListener('click', (event) => {
    event.preventDefault();
    location.hash = '';
  });
  $<HTMLFormElement>('triage').addEventListener('submit', (event) => {
    void guarded(() => saveTriage(event))();
  });
  window.addEventListener('hashchange', () => {
    if (currentToken()) void route();
  });
  if (currentToken()) signedIn();
  else signedOut();
}

void start();
