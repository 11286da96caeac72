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
