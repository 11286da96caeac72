/**
 * The reader form's client-side checks as data: compiled at build time from the zod schema
 * (rules-from-schema.ts) and run in the browser by `checkWithRules`. The browser never loads
 * zod itself: the classic zod bundle is ~89 KB minified, over the page's 50 KB budget alone.
 */
export type RuleStep =
  | { op: 'type'; type: 'string' | 'boolean'; message: string }
  | { op: 'trim' }
  /** CRLF/CR → LF, then trim: what the schema does to a message before measuring it. */
  | { op: 'newlines' }
  | { op: 'min'; n: number; message: string }
  | { op: 'max'; n: number; message: string }
  | { op: 'pattern'; source: string; flags: string; message: string }
  | { op: 'url'; protocol: string; message: string }
  | { op: 'oneOf'; values: (string | number | boolean)[]; message: string };

export interface FieldRule {
  required: boolean;
  steps: RuleStep[];
}

export interface ClientRules {
  fields: Record<string, FieldRule>;
  /** Rules written as code in the schema (refinements): checked by the server only. */
  serverOnly: string[];
}

export interface ClientIssue {
  path: string;
  message: string;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** A length as zod measures a string's: in code points, so an emoji counts once, not twice. */
function codePoints(value: unknown): number {
  return [...String(value)].length;
}

/** The first problem of one field's value, or undefined when its steps all pass. */
function checkField(rule: FieldRule, input: unknown): string | undefined {
  let value = input;
  for (const step of rule.steps) {
    switch (step.op) {
      case 'type':
        if (typeof value !== step.type) return step.message;
        break;
      case 'trim':
        value = String(value).trim();
        break;
      case 'newlines':
        value = String(value).replace(/\r\n?/g, '\n').trim();
        break;
      case 'min':
        if (codePoints(value) < step.n) return step.message;
        break;
      case 'max':
        if (codePoints(value) > step.n) return step.message;
        break;
      case 'pattern':
        if (!new RegExp(step.source, step.flags).test(String(value))) return step.message;
        break;
      case 'url': {
        const text = String(value).trim();
        const url = parseUrl(text);
        const protocol = url?.protocol.replace(/:$/, '') ?? '';
        if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || !new RegExp(step.protocol).test(protocol))
          return step.message;
        break;
      }
      case 'oneOf':
        if (!step.values.includes(value as string)) return step.message;
        break;
    }
  }
  return undefined;
}

/** Issues in the server's shape (`{path, message}`), at most one per field. */
export function checkWithRules(rules: ClientRules, values: Record<string, unknown>): ClientIssue[] {
  const issues: ClientIssue[] = [];
  for (const [path, rule] of Object.entries(rules.fields)) {
    const value = values[path];
    if (value === undefined) {
      // A missing required field fails its first check, with that check's own message.
      if (rule.required) {
        const first = rule.steps.find((s) => 'message' in s) as { message: string } | undefined;
        issues.push({ path, message: first?.message ?? `${path} is required` });
      }
      continue;
    }
    const message = checkField(rule, value);
    if (message !== undefined) issues.push({ path, message });
  }
  return issues;
}
