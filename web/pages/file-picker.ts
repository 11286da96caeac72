import { escapeHtml } from '#core/tips/text-safety';
import { FILES_WARNING, FILES_WITHOUT_JS, type FileLimits, filesLimitsText } from '../shared/reader-copy';

/**
 * The file picker of the reader form and the follow-up page (issue 12). The limits come from the
 * function's config (upload-limits.ts) in data attributes, read by file-uploads.ts: the browser
 * code has no limits of its own. The picker itself is hidden until the script shows it, and the
 * plain sentence of how to send files without JavaScript is shown until then: with JavaScript
 * off (or the script not loaded), the reader reads why there is no picker. The input has no
 * `name`, so a plain form post never carries a file.
 */
export function filePickerHtml(
  limits: FileLimits,
  { without }: { without: keyof typeof FILES_WITHOUT_JS },
): string {
  return `<fieldset id="files" class="files" data-max-files="${limits.maxFiles}" data-max-file-bytes="${limits.maxFileBytes}" data-max-total-bytes="${limits.maxTotalBytes}">
<legend>Photos, videos or documents <span class="optional">(optional)</span></legend>
<p class="hint" id="files-warning">${escapeHtml(FILES_WARNING)}</p>
<p class="hint" id="files-limits">${escapeHtml(filesLimitsText(limits))}</p>
<p class="hint" id="files-without-js">${escapeHtml(FILES_WITHOUT_JS[without])}</p>
<div id="files-picker" hidden>
<label for="files-input">Add files</label>
<input type="file" id="files-input" multiple aria-describedby="files-warning files-limits">
<p class="error" id="files-error" hidden></p>
<ul id="files-list" class="file-list" aria-label="Files to send"></ul>
</div>
</fieldset>`;
}
