/**
 * The words readers see, shared by the server-rendered pages (the no-JavaScript path) and
 * the client script, so both paths say exactly the same thing.
 */
export const MESSAGE_LABEL = {
  tip: 'What do you know?',
  question: 'What would you like us to find out?',
} as const;

export const MESSAGE_HINT = {
  tip: 'What happened, where and when, and how you know. Details help us check it.',
  question: 'Ask in your own words. We answer the questions many readers share.',
} as const;

export function kindWord(kind: unknown): 'tip' | 'question' {
  return kind === 'question' ? 'question' : 'tip';
}

/** The receipt page's "what happens next", one line each. */
export function nextSteps(kind: 'tip' | 'question'): string[] {
  return [
    `An editor on the world desk reads every ${kind}, usually within one working day.`,
    'If you left contact details, we may write or call to ask more. We never publish your name without asking you.',
    'If you stayed anonymous, we cannot reply to you, but your message still counts.',
    'Later, your receipt code shows where it stands and any reply from the desk, and lets you add to it.',
  ];
}

export const FORM_PROBLEM = 'Please correct the fields marked below.';
export const NETWORK_PROBLEM =
  'We could not reach the newsroom just now. Nothing was sent twice: please try again in a moment.';

/** Schema messages start lower-case (they read well after a field name); shown alone, they start a sentence. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** The element an error summary links to for a field. */
export function anchorFor(path: string): string {
  return path === 'kind' ? 'kind-tip' : path;
}

/** The file picker's limits, as the page is given them from config (upload-limits.ts). */
export interface FileLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

/** A size in the units a reader knows: 100 MB, 2 KB, 512 bytes (1 MB = 1024 × 1024 bytes). */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
    [1024, 'KB'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const value = n / size;
      return `${value >= 10 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${unit}`;
    }
  }
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** The warning beside the file picker, in plain words (issue 12). */
export const FILES_WARNING =
  'Photos and documents can reveal where and by whom they were made; we remove that information when we receive them.';

export function filesLimitsText({ maxFiles, maxFileBytes, maxTotalBytes }: FileLimits): string {
  return `Up to ${maxFiles} files, each at most ${formatBytes(maxFileBytes)}, ${formatBytes(maxTotalBytes)} together.`;
}

/** Shown until the page's script replaces it with the picker: with JavaScript off, files cannot be sent here. */
export const FILES_WITHOUT_JS = {
  form: 'To send files, turn on JavaScript. Or send your tip now without them, then add files from the follow-up page (with your receipt code) once JavaScript is on.',
  followUp: 'To add files, turn on JavaScript.',
} as const;

/** Why the page refused a file before uploading it: said beside the file, one reason each. */
export const FILE_REFUSED = {
  tooBig: (limits: FileLimits) => `this file is larger than ${formatBytes(limits.maxFileBytes)}`,
  empty: () => 'this file is empty',
  tooMany: (limits: FileLimits) => `only ${limits.maxFiles} files can be sent together`,
  overTotal: (limits: FileLimits) =>
    `all files together must be at most ${formatBytes(limits.maxTotalBytes)}: this one would go over`,
} as const;
