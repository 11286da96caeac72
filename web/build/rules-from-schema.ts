import type * as z from 'zod';
import type { ClientRules, FieldRule, RuleStep } from '../shared/form-rules';

/**
 * Compiles the reader form's client-side rules from the zod schema at build time, messages
 * included, by walking the schema's definition. A construct it cannot express throws, so
 * the build fails instead of the client silently checking less than it claims; rules
 * written as code (refinements) are listed as server-only, and the server's answer shows
 * them beside their field.
 */

// zod's definitions are internal but stable in v4 (`_zod.def`); typed loosely on purpose.
interface Def {
  type: string;
  check?: string;
  checks?: { _zod: { def: Def } }[];
  error?: (issue: unknown) => unknown;
  innerType?: Node;
  in?: Node;
  out?: Node;
  shape?: Record<string, Node>;
  entries?: Record<string, string>;
  values?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: RegExp;
  format?: string;
  protocol?: RegExp;
  tx?: (s: string) => string;
  transform?: (s: string, ctx: unknown) => unknown;
}
interface Node {
  _zod: { def: Def };
}

function messageOf(def: Def, fallback: string): string {
  const out = def.error?.({ code: 'custom', input: undefined });
  if (typeof out === 'string') return out;
  if (out && typeof out === 'object' && 'message' in out) return String(out.message);
  return fallback;
}

function checkSteps(field: string, def: Def, serverOnly: string[]): RuleStep[] {
  switch (def.check) {
    case 'min_length':
      return [{ op: 'min', n: def.minimum ?? 0, message: messageOf(def, `${field} is too short`) }];
    case 'max_length':
      return [{ op: 'max', n: def.maximum ?? 0, message: messageOf(def, `${field} is too long`) }];
    case 'overwrite':
      if (def.tx?.('  x  ') !== 'x') throw new Error(`${field}: an overwrite that is not trim()`);
      return [{ op: 'trim' }];
    case 'string_format':
      return formatSteps(field, def);
    case 'custom':
      serverOnly.push(field);
      return [];
    default:
      throw new Error(`${field}: the client cannot express the check ${def.check}`);
  }
}

function formatSteps(field: string, def: Def): RuleStep[] {
  const message = messageOf(def, `${field} is not valid`);
  if (def.format === 'url') return [{ op: 'url', protocol: def.protocol?.source ?? '.*', message }];
  if (def.pattern) return [{ op: 'pattern', source: def.pattern.source, flags: def.pattern.flags, message }];
  throw new Error(`${field}: the format ${def.format} has no pattern`);
}

function steps(field: string, node: Node, serverOnly: string[]): { required: boolean; steps: RuleStep[] } {
  const def = node._zod.def;
  switch (def.type) {
    case 'optional':
      return { ...steps(field, def.innerType as Node, serverOnly), required: false };
    case 'pipe':
      return {
        required: true,
        steps: [
          ...steps(field, def.in as Node, serverOnly).steps,
          ...steps(field, def.out as Node, serverOnly).steps,
          // A refinement on the pipe itself (`.pipe(…).refine(…)`) is code too.
          ...(def.checks ?? []).flatMap((c) => checkSteps(field, c._zod.def, serverOnly)),
        ],
      };
    case 'transform': {
      // The one transform the schema has: line endings to LF, then trim. Probe it, don't assume.
      const probe = def.transform?.('  a\r\nb\rc  ', { issues: [] });
      if (probe !== 'a\nb\nc') throw new Error(`${field}: a transform the client cannot express`);
      return { required: true, steps: [{ op: 'newlines' }] };
    }
    case 'string': {
      const own = def.check === 'string_format' ? formatSteps(field, def) : [];
      return {
        required: true,
        steps: [
          { op: 'type', type: 'string', message: messageOf(def, `${field} must be text`) },
          ...(def.checks ?? []).flatMap((c) => checkSteps(field, c._zod.def, serverOnly)),
          ...own,
        ],
      };
    }
    case 'boolean':
      return {
        required: true,
        steps: [{ op: 'type', type: 'boolean', message: messageOf(def, `${field} must be true or false`) }],
      };
    case 'enum':
      return {
        required: true,
        steps: [
          {
            op: 'oneOf',
            values: Object.values(def.entries ?? {}),
            message: messageOf(def, `${field} is not one of the choices`),
          },
        ],
      };
    case 'literal':
      return {
        required: true,
        steps: [
          {
            op: 'oneOf',
            values: (def.values ?? []) as (string | number | boolean)[],
            message: messageOf(def, `${field} has the wrong value`),
          },
        ],
      };
    case 'array':
      // A list of upload ids (attachments): the form fills it from its own uploads, never from
      // typing, and only the server can check an id (its HMAC, the object in S3).
      serverOnly.push(field);
      return { required: true, steps: [] };
    default:
      throw new Error(`${field}: the client cannot express a ${def.type}`);
  }
}

export function rulesFromSchema(schema: z.ZodType): ClientRules {
  const def = (schema as unknown as Node)._zod.def;
  if (def.type !== 'object' || !def.shape) throw new Error('the tip schema must be an object schema');
  const serverOnly: string[] = [];
  const fields: Record<string, FieldRule> = {};
  for (const [field, node] of Object.entries(def.shape)) fields[field] = steps(field, node, serverOnly);
  // Object-level refinements (anonymous vs contact) are code: the server checks them.
  for (const check of def.checks ?? []) if (check._zod.def.check === 'custom') serverOnly.push('(object)');
  return { fields, serverOnly: [...new Set(serverOnly)] };
}
