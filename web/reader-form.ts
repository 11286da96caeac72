import { escapeHtml } from '../functions/core/text-safety';
import type { FieldIssue } from '../functions/core/tip-schema';
import { LIMITS, TIP_TOPICS, TOPIC_LABELS } from '../functions/core/tip-schema';

export interface FormState {
  values?: Record<string, unknown>;
  issues?: FieldIssue[];
  /** A problem that belongs to no field (store down, rate limited...). */
  problem?: string;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.5;color:#1a1a1a;background:#fafafa;margin:0}
main{max-width:40rem;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.6rem;margin:1.5rem 0 .25rem}
label,legend{font-weight:600;display:block;margin-top:1rem}
input[type=text],input[type=email],input[type=tel],input[type=url],select,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #767676;border-radius:4px;background:#fff}
textarea{min-height:10rem}
fieldset{border:1px solid #ccc;border-radius:4px;margin-top:1rem;padding:.5rem 1rem 1rem}
.check label{display:inline;font-weight:400;margin:0}
.hint{color:#4a4a4a;font-size:.9rem;margin:.25rem 0 0}
.error{color:#b00020;font-weight:600;margin:.25rem 0 0}
.problem{border:2px solid #b00020;padding:.75rem;border-radius:4px}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
button{font:inherit;font-weight:600;margin-top:1.5rem;padding:.6rem 1.4rem;border:0;border-radius:4px;background:#0b4f8a;color:#fff;cursor:pointer}
.receipt{font-size:1.6rem;font-family:ui-monospace,monospace;letter-spacing:.1em;background:#fff;border:2px dashed #0b4f8a;padding:.5rem 1rem;display:inline-block}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

function str(values: Record<string, unknown>, key: string): string {
  const v = values[key];
  return typeof v === 'string' ? escapeHtml(v) : '';
}

function errorFor(issues: FieldIssue[], field: string): { attrs: string; html: string } {
  const messages = issues.filter((i) => i.path === field).map((i) => i.message);
  if (messages.length === 0) return { attrs: '', html: '' };
  const id = `${field}-error`;
  return {
    attrs: ` aria-invalid="true" aria-describedby="${id}"`,
    html: `<p class="error" id="${id}">${escapeHtml(messages.join('; '))}</p>`,
  };
}

/** The reader form; with `issues`, the form again with each error beside its field. */
export function readerFormPage({ values = {}, issues = [], problem }: FormState = {}): string {
  const e = (f: string) => errorFor(issues, f);
  const kind = values.kind === 'question' ? 'question' : 'tip';
  const other = issues.filter(
    (i) =>
      ![
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
      ].includes(i.path),
  );
  const summary = problem ?? (issues.length > 0 ? 'Please correct the fields marked below.' : undefined);
  return page(
    'Send a tip to the world desk',
    `<h1>Send us a tip or a question</h1>
<p>Do you have a tip on a world news story? A question about the Russia-Ukraine war? Let us know.</p>
${summary ? `<div class="problem" role="alert"><p>${escapeHtml(summary)}</p>${other.map((i) => `<p class="error">${escapeHtml(i.message)}</p>`).join('')}</div>` : ''}
<form method="post" action="/tips" novalidate>
<fieldset><legend>What are you sending?</legend>
<div class="check"><input type="radio" id="kind-tip" name="kind" value="tip"${kind === 'tip' ? ' checked' : ''}> <label for="kind-tip">A tip</label></div>
<div class="check"><input type="radio" id="kind-question" name="kind" value="question"${kind === 'question' ? ' checked' : ''}> <label for="kind-question">A question</label></div>
${e('kind').html}</fieldset>
<label for="topic">Topic</label>
<select id="topic" name="topic"${e('topic').attrs}>
<option value="">Choose a topic</option>
${TIP_TOPICS.map((t) => `<option value="${t}"${values.topic === t ? ' selected' : ''}>${escapeHtml(TOPIC_LABELS[t])}</option>`).join('\n')}
</select>${e('topic').html}
<label for="subject">Subject <span class="hint">(optional)</span></label>
<input type="text" id="subject" name="subject" maxlength="${LIMITS.subject}" value="${str(values, 'subject')}"${e('subject').attrs}>${e('subject').html}
<label for="message">Your message</label>
<textarea id="message" name="message" maxlength="${LIMITS.messageMax}" required${e('message').attrs}>${str(values, 'message')}</textarea>${e('message').html}
<label for="sourceUrl">A link, if you have one <span class="hint">(optional)</span></label>
<input type="url" id="sourceUrl" name="sourceUrl" value="${str(values, 'sourceUrl')}"${e('sourceUrl').attrs}>${e('sourceUrl').html}
<fieldset><legend>How can we reach you? <span class="hint">(optional)</span></legend>
<div class="check"><input type="checkbox" id="anonymous" name="anonymous"${values.anonymous === true ? ' checked' : ''}> <label for="anonymous">I want to stay anonymous (leave the fields below empty)</label></div>
<label for="name">Name</label>
<input type="text" id="name" name="name" autocomplete="name" maxlength="${LIMITS.name}" value="${str(values, 'name')}"${e('name').attrs}>${e('name').html}
<label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="email" value="${str(values, 'email')}"${e('email').attrs}>${e('email').html}
<label for="phone">Phone</label>
<input type="tel" id="phone" name="phone" autocomplete="tel" value="${str(values, 'phone')}"${e('phone').attrs}>${e('phone').html}
</fieldset>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>
<p class="hint">We store your message and any contact details you give for up to a year, only our world desk editors read them, and we never publish your name without asking you.</p>
<div class="check"><input type="checkbox" id="consent" name="consent"${values.consent === true ? ' checked' : ''}${e('consent').attrs}> <label for="consent">I have read the privacy notice and agree that my message is stored</label></div>${e('consent').html}
<button type="submit">Send</button>
</form>`,
  );
}

export function receiptPage({ receipt, kind }: { receipt: string; kind: string }): string {
  return page(
    'Thank you: your receipt',
    `<h1>Thank you</h1>
<p>Your ${kind === 'question' ? 'question' : 'tip'} reached the world desk. Keep this receipt code:</p>
<p class="receipt" id="receipt">${escapeHtml(receipt)}</p>
<p>An editor reads every message. If you left contact details, we may get in touch; quote the code if you write to us about it.</p>
<p><a href="/">Send another</a></p>`,
  );
}
