import { escapeHtml } from '#core/tips/text-safety';
import { TIP_STATUSES } from '#core/tips/tip-record';
import { TIP_KINDS, TIP_TOPICS, TOPIC_LABELS } from '#core/tips/tip-schema';
import { ASSET_PATHS } from '../generated/assets';
import { page } from './reader-form';

export interface StaffPageOptions {
  /** In AWS: the Cognito hosted UI's authorize URL (code grant back to this page); with tokenUrl. */
  signInUrl?: string;
  /** The token endpoint where inbox-client.ts trades the code and its PKCE verifier for a token. */
  tokenUrl?: string;
  /**
   * Markup the local stack adds under the token box (its "Get a local token" form, built in
   * local/stack/local-token.ts). Never set in AWS, so no Lambda bundle holds the local sign-in.
   */
  localSignIn?: string;
}

const option = (value: string, label: string) =>
  `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;

/** Where the staff page's script may connect besides its own API: the token endpoint's origin. */
export function staffInboxConnectSources({ tokenUrl }: StaffPageOptions): string[] {
  return tokenUrl ? [new URL(tokenUrl).origin] : [];
}

/**
 * The staff inbox: a static shell. Everything about tips is fetched by inbox-client.ts with
 * the staff token and written with textContent, so reader text can never become markup.
 */
export function staffInboxPage({ signInUrl, tokenUrl, localSignIn }: StaffPageOptions): string {
  const signIn =
    signInUrl && tokenUrl
      ? `<p><a class="button" id="hosted-sign-in" href="${escapeHtml(signInUrl)}" data-token-url="${escapeHtml(tokenUrl)}">Sign in with your newsroom account</a></p>`
      : `<form id="token-form">
<label for="token">Paste a staff token</label>
<p class="hint" id="token-hint">Locally, print one with <code>npm run token -- --user alice</code>.</p>
<textarea id="token" name="token" rows="3" aria-describedby="token-hint" spellcheck="false" autocomplete="off"></textarea>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
${localSignIn ?? ''}`;
  return page(
    'Tipline inbox',
    `<h1 id="title" tabindex="-1">Tipline inbox</h1>
<p id="status-line" role="status" aria-live="polite"></p>
<section id="sign-in" aria-labelledby="sign-in-title">
<h2 id="sign-in-title">Sign in</h2>
<p>The inbox is for world desk editors.</p>
${signIn}
</section>
<section id="inbox" hidden aria-labelledby="inbox-title">
<div class="inbox-head"><h2 id="inbox-title">Tips and questions</h2><span id="new-badge" class="badge" hidden></span><span class="who"><span class="hint" id="who"></span> <button type="button" id="sign-out" class="secondary">Sign out</button></span></div>
<form id="filters" class="toolbar">
<div><label for="f-status">Status</label><select id="f-status" name="status">${option('', 'Any status')}${TIP_STATUSES.map((s) => option(s, s)).join('')}</select></div>
<div><label for="f-kind">Kind</label><select id="f-kind" name="kind">${option('', 'Any kind')}${TIP_KINDS.map((k) => option(k, k === 'tip' ? 'Tips' : 'Questions')).join('')}</select></div>
<div><label for="f-topic">Topic</label><select id="f-topic" name="topic">${option('', 'Any topic')}${TIP_TOPICS.map((t) => option(t, TOPIC_LABELS[t])).join('')}</select></div>
<div><label for="f-q">Text</label><input type="search" id="f-q" name="q" maxlength="200"></div>
<div><label for="f-from">From</label><input type="date" id="f-from" name="from"></div>
<div><label for="f-to">Before</label><input type="date" id="f-to" name="to"></div>
<div><label for="f-receipt">Receipt code <span class="optional">(a reader's, alone)</span></label><input type="search" id="f-receipt" name="receipt" maxlength="40" autocomplete="off" spellcheck="false"></div>
<div class="toolbar-action"><button type="submit">Filter</button></div>
</form>
<p id="list-problem" class="error" role="alert" hidden></p>
<ol id="tips" class="tips" aria-labelledby="inbox-title"></ol>
<div class="actions"><button type="button" id="more" class="secondary" hidden>Load more</button></div>
</section>
<section id="tip" hidden aria-labelledby="tip-title">
<p><a href="#" id="back">← Back to the list</a></p>
<h2 id="tip-title" tabindex="-1"></h2>
<div class="grid">
<div>
<dl class="facts" id="tip-facts"></dl>
<h3>Message</h3>
<p class="message" id="tip-message"></p>
<section id="tip-files" hidden aria-labelledby="tip-files-title">
<h3 id="tip-files-title">Attachments</h3>
<p class="hint">Downloads are recorded in the tip's history. Only cleaned photos and videos are shown here; every other file is a download only.</p>
<ol class="attachments" id="tip-attachments"></ol>
</section>
<h3>History</h3>
<ol class="history" id="tip-history"></ol>
</div>
<div>
<form id="triage">
<h3>Triage</h3>
<div id="conflict" class="conflict" role="alert" hidden></div>
<p id="triage-problem" class="error" role="alert" hidden></p>
<label for="t-status">Status</label><select id="t-status" name="status"></select>
<label for="t-assignee">Assignee</label><input type="text" id="t-assignee" name="assignee" maxlength="128">
<label for="t-tags">Tags <span class="optional">(comma-separated)</span></label><input type="text" id="t-tags" name="tags">
<label for="t-note">Note for the history <span class="optional">(editors only)</span></label><textarea id="t-note" name="note" rows="3" maxlength="2000"></textarea>
<label for="t-reply">Reply to the reader <span class="optional">(shown with the date on their receipt page, never your name)</span></label><textarea id="t-reply" name="reply" rows="3" maxlength="5000"></textarea>
<div class="check"><input type="checkbox" id="t-hold" name="legalHold"> <label for="t-hold">Legal hold: keep this tip past its retention period</label></div>
<div class="check" id="t-erase-row"><input type="checkbox" id="t-erase" name="eraseContact"> <label for="t-erase">Erase the reader's name, email and phone <span class="optional">(cannot be undone)</span></label></div>
<div class="actions"><button type="submit" id="save">Save</button><span id="saved" class="saved" role="status"></span></div>
</form>
</div>
</div>
</section>`,
    { script: ASSET_PATHS.inboxJs, wide: true },
  );
}
