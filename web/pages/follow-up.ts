import { READER_MESSAGE_LIMITS } from '#core/receipts/follow-up';
import { ASSET_PATHS } from '../generated/assets';
import type { FileLimits } from '../shared/reader-copy';
import { filePickerHtml } from './file-picker';
import { page } from './reader-form';

/**
 * The reader's follow-up page: check a receipt code, read the desk's replies, add a message.
 * A static shell; follow-up-client.ts talks to GET/POST /receipts/{code} and writes every
 * answer with textContent. The code stays out of this page's address, so it is not kept in
 * the browser's history: its fields have no `name`, so a form submitted before the script runs
 * (or with JavaScript off, as in Tor Browser's safest level) sends nothing in the URL.
 * With files on (fileLimits), the add form has the reader form's file picker: the same uploads,
 * sent with the added message (or alone).
 */
export function followUpPage({ fileLimits }: { fileLimits?: FileLimits | undefined } = {}): string {
  return page(
    'Check on your tip or question',
    `<h1>Check on your tip or question</h1>
<p class="lede">Enter the receipt code you got when you sent it. You will see where it stands and any reply from the desk.</p>
<p class="hint">We never show your message or your contact details here, so a code that someone else sees tells them very little.</p>
<noscript><div class="problem"><p>Checking a receipt needs JavaScript. Without it, send us a new message with the form and quote your receipt code.</p></div></noscript>
<form id="check" novalidate>
<label for="code">Receipt code</label>
<p class="hint" id="code-hint">12 letters and digits, like 7KQ4-M9XD-2HPA. Dashes and capitals are optional.</p>
<input type="text" id="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" aria-describedby="code-hint">
<p class="error" id="code-error" hidden></p>
<div class="actions"><button type="submit" id="check-button">Check</button></div>
</form>
<section id="result" hidden aria-labelledby="result-title">
<h2 id="result-title" tabindex="-1"></h2>
<p id="explanation"></p>
<p class="meta" id="received"></p>
<h3>Replies from the desk</h3>
<ol id="replies" class="history"></ol>
<p class="hint" id="no-replies">No reply yet. Editors reply when they need more from you or have news for you.</p>
<form id="add" novalidate>
<h3>Add something</h3>
<label for="more">Anything you want to add to your message</label>
<textarea id="more" rows="5" maxlength="${READER_MESSAGE_LIMITS.max}" aria-describedby="more-hint"></textarea>
<p class="hint" id="more-hint">Editors see it with your first message. You have added <span id="added">0</span> so far.</p>
<p class="error" id="more-error" hidden></p>
${fileLimits ? filePickerHtml(fileLimits, { without: 'followUp' }) : ''}
<div class="actions"><button type="submit" id="add-button">Add to my message</button><span id="more-done" class="saved"></span></div>
</form>
</section>
<p><a href="/">Send a new tip or question</a></p>
<p id="announce" class="visually-hidden" aria-live="polite"></p>`,
    { script: ASSET_PATHS.followUpJs },
  );
}
