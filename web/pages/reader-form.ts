import { escapeHtml } from '#core/tips/text-safety';
import type { FieldIssue } from '#core/tips/tip-schema';
import { LIMITS, TIP_TOPICS, TOPIC_LABELS } from '#core/tips/tip-schema';
import { ASSET_PATHS } from '../generated/assets';
import {
  anchorFor,
  type FileLimits,
  FORM_PROBLEM,
  kindWord,
  MESSAGE_HINT,
  MESSAGE_LABEL,
  nextSteps,
  sentence,
} from '../shared/reader-copy';
import { filePickerHtml } from './file-picker';

export interface FormState {
  values?: Record<string, unknown>;
  issues?: FieldIssue[];
  /** A problem that belongs to no field (store down, rate limited...). */
  problem?: string;
  /** The signed render time (form-token.ts); a re-shown form keeps the reader's first one. */
  formToken?: string | undefined;
  /** MIN_FILL_SECONDS: the page's script waits this long before it uses a token it refreshed. */
  minFillSeconds?: number | undefined;
  /** The file limits from config when this tip line takes files (UPLOADS_BUCKET set); else no picker. */
  fileLimits?: FileLimits | undefined;
}

/** Fields that have a place on the form; an issue about anything else goes in the summary. */
const FORM_FIELDS = [
  'kind',
  'topic',
  'subject',
  'message',
  'name',
  'email',
  'phone',
  'sourceUrl',
  'consent',
  'anonymous',
];

/** The page frame: one stylesheet, one deferred script, no inline script (CSP script-src 'self'). */
export function page(
  title: string,
  body: string,
  { script, wide = false }: { script?: string; wide?: boolean } = {},
): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
${script ? `<script src="${script}" defer></script>\n` : ''}</head>
<body${wide ? ' class="wide"' : ''}><a class="skip" href="#main">Skip to content</a>
<header class="masthead"><p>World desk · Tipline</p></header>
<main id="main">${body}</main></body>
</html>`;
}

function str(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  return typeof v === 'string' ? escapeHtml(v) : '';
}

/** Every field has an error slot (empty until needed) so the script fills the same place the server does. */
function errorFor(issues: FieldIssue[], field: string, hint?: string): { attrs: string; html: string } {
  const messages = issues.filter((i) => i.path === field).map((i) => i.message);
  const id = `${field}-error`;
  const describedBy = [hint, messages.length > 0 ? id : undefined].filter(Boolean).join(' ');
  return {
    attrs: `${messages.length > 0 ? ' aria-invalid="true"' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}`,
    html: `<p class="error" id="${id}"${messages.length > 0 ? '' : ' hidden'}>${escapeHtml(messages.map(sentence).join('; '))}</p>`,
  };
}

/** The error summary: each field's problem links to the field; the rest is listed as text. */
function summaryHtml(summary: string, issues: FieldIssue[], other: FieldIssue[]): string {
  const links = issues
    .filter((i) => !other.includes(i))
    .map((i) => `<li><a href="#${anchorFor(i.path)}">${escapeHtml(sentence(i.message))}</a></li>`);
  return `<p>${escapeHtml(summary)}</p>${links.length ? `<ul>${links.join('')}</ul>` : ''}${other
    .map((i) => `<p class="error">${escapeHtml(sentence(i.message))}</p>`)
    .join('')}`;
}

/** The reader form; with `issues`, the form again with each error beside its field. */
export function readerFormPage({
  values = {},
  issues = [],
  problem,
  formToken,
  minFillSeconds,
  fileLimits,
}: FormState = {}): string {
  const token = formToken ?? (typeof values.formToken === 'string' ? values.formToken : undefined);
  const e = (f: string, hint?: string) => errorFor(issues, f, hint);
  const kind = kindWord(values.kind);
  const anonymous = values.anonymous === true;
  const other = issues.filter((i) => !FORM_FIELDS.includes(i.path));
  const summary = problem ?? (issues.length > 0 ? FORM_PROBLEM : undefined);
  const message = str(values, 'message');
  const topic = e('topic');
  const subject = e('subject');
  const msg = e('message', 'message-hint message-count');
  const url = e('sourceUrl');
  const name = e('name');
  const email = e('email');
  const phone = e('phone');
  const consent = e('consent', 'privacy-title');
  return page(
    'Send a tip to the world desk',
    `<h1>Send us a tip or a question</h1>
<p class="lede">Do you have a tip on a world news story? A question about the Russia-Ukraine war? Let us know.</p>
<div id="form-problem" class="problem" role="alert"${summary ? '' : ' hidden'}>${summary ? summaryHtml(summary, issues, other) : ''}</div>
<form id="tip-form" method="post" action="/tips" novalidate>
<fieldset><legend>What are you sending?</legend>
<div class="choices">
<div class="check"><input type="radio" id="kind-tip" name="kind" value="tip"${kind === 'tip' ? ' checked' : ''}> <label for="kind-tip">A tip</label></div>
<div class="check"><input type="radio" id="kind-question" name="kind" value="question"${kind === 'question' ? ' checked' : ''}> <label for="kind-question">A question</label></div>
</div>${e('kind').html}</fieldset>
<label for="topic">Topic</label>
<select id="topic" name="topic"${topic.attrs}>
<option value="">Choose a topic</option>
${TIP_TOPICS.map((t) => `<option value="${t}"${values.topic === t ? ' selected' : ''}>${escapeHtml(TOPIC_LABELS[t])}</option>`).join('\n')}
</select>${topic.html}
<label for="subject">Subject <span class="optional">(optional)</span></label>
<input type="text" id="subject" name="subject" maxlength="${LIMITS.subject}" value="${str(values, 'subject')}"${subject.attrs}>${subject.html}
<label for="message" id="message-label">${MESSAGE_LABEL[kind]}</label>
<p class="hint" id="message-hint">${MESSAGE_HINT[kind]}</p>
<textarea id="message" name="message" maxlength="${LIMITS.messageMax}" required${msg.attrs}>${message}</textarea>
<p class="count" id="message-count">${LIMITS.messageMin} to ${LIMITS.messageMax.toLocaleString('en')} characters</p>${msg.html}
<label for="sourceUrl">A link, if you have one <span class="optional">(optional)</span></label>
<input type="url" id="sourceUrl" name="sourceUrl" inputmode="url" value="${str(values, 'sourceUrl')}"${url.attrs}>${url.html}
${fileLimits ? filePickerHtml(fileLimits, { without: 'form' }) : ''}
<fieldset><legend>How can we reach you? <span class="optional">(optional)</span></legend>
<p class="hint" id="contact-hint">Only if you want us to be able to ask you more. Leave it empty, or stay anonymous.</p>
<div class="check"><input type="checkbox" id="anonymous" name="anonymous" aria-controls="contact-fields"${anonymous ? ' checked' : ''}> <label for="anonymous">I want to stay anonymous <span class="optional">(we will not ask for or keep any contact details)</span></label></div>
<div id="contact-fields">
<label for="name">Name</label>
<input type="text" id="name" name="name" autocomplete="name" maxlength="${LIMITS.name}" value="${str(values, 'name')}"${name.attrs}>${name.html}
<label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="email" value="${str(values, 'email')}"${email.attrs}>${email.html}
<label for="phone">Phone</label>
<input type="tel" id="phone" name="phone" autocomplete="tel" value="${str(values, 'phone')}"${phone.attrs}>${phone.html}
</div>
</fieldset>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>
${token ? `<input type="hidden" name="formToken" value="${escapeHtml(token)}"${minFillSeconds !== undefined ? ` data-min-fill-seconds="${Number(minFillSeconds)}"` : ''}>` : ''}
<section class="notice" aria-labelledby="privacy-title">
<h2 id="privacy-title">Your privacy, in short</h2>
<ul>
<li><strong>What we keep:</strong> your message, the link, and contact details only if you give them.</li>
<li><strong>For how long:</strong> up to one year, then it is deleted automatically (sooner if we do not follow it up).</li>
<li><strong>Who sees it:</strong> only editors on our world desk. We never publish your name or details without asking you first.</li>
</ul>
</section>
<div class="check"><input type="checkbox" id="consent" name="consent"${values.consent === true ? ' checked' : ''}${consent.attrs}> <label for="consent">I have read the privacy notice and agree that my message is stored</label></div>${consent.html}
<div class="actions"><button type="submit" id="send">Send</button></div>
</form>
<p id="announce" class="visually-hidden" aria-live="polite"></p>`,
    { script: ASSET_PATHS.formJs },
  );
}

export function receiptPage({ receipt, kind }: { receipt: string; kind: string }): string {
  const word = kindWord(kind);
  return page(
    'Thank you: your receipt',
    `<h1 tabindex="-1">Thank you: your ${word} reached the world desk</h1>
<p>Keep this receipt code:</p>
<p class="receipt" id="receipt">${escapeHtml(receipt)}</p>
<h2>What happens next</h2>
<ul class="steps">${nextSteps(word)
      .map((s) => `<li>${escapeHtml(s)}</li>`)
      .join('')}</ul>
<p><a href="/follow-up">Check on your ${word} or add something</a> with your receipt code.</p>
<p><a href="/">Send another tip or question</a></p>`,
  );
}
