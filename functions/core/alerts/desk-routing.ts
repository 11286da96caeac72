import * as z from 'zod';
import { TIP_KINDS, TIP_TOPICS, type TipKind, type TipTopic } from '#core/tips/tip-schema';

/**
 * Which desk gets which tip. Rules are tried in order and the first whose every given
 * condition matches wins; a tip no rule matches (an unknown or new topic included) goes to
 * the default desk, so nothing is ever left without an inbox.
 */
const addresses = z.array(z.email('must be an email address')).min(1, 'needs at least one address');

export const deskRuleSchema = z
  .strictObject({
    topic: z.union([z.enum(TIP_TOPICS), z.array(z.enum(TIP_TOPICS)).min(1)]).optional(),
    kind: z.enum(TIP_KINDS).optional(),
    to: addresses,
  })
  .refine((r) => r.topic !== undefined || r.kind !== undefined, {
    message: 'a rule must match a topic, a kind or both (use "default" for everything else)',
  });

export const deskRoutingSchema = z.strictObject({
  default: addresses,
  rules: z.array(deskRuleSchema).default([]),
});

export type DeskRule = z.infer<typeof deskRuleSchema>;
export type DeskRouting = z.infer<typeof deskRoutingSchema>;

function matches(rule: DeskRule, tip: { topic: string; kind: string }): boolean {
  if (rule.kind !== undefined && rule.kind !== tip.kind) return false;
  if (rule.topic === undefined) return true;
  const topics: readonly string[] = Array.isArray(rule.topic) ? rule.topic : [rule.topic];
  return topics.includes(tip.topic);
}

/** The desk addresses for one tip. Typed loosely on purpose: a topic added later still routes. */
export function routeTip(
  routing: DeskRouting,
  tip: { topic: TipTopic | string; kind: TipKind | string },
): string[] {
  return routing.rules.find((rule) => matches(rule, tip))?.to ?? routing.default;
}

/** Every address routing can send to: for validating that each desk key belongs to a desk. */
export function allDeskAddresses(routing: DeskRouting): string[] {
  return [...new Set([...routing.default, ...routing.rules.flatMap((r) => r.to)])];
}

/**
 * A JSON-valued environment variable as a zod schema: a value that doesn't parse as JSON
 * fails with an issue naming the variable like any other bad value.
 */
export function jsonEnv<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}
