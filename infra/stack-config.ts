import type { Node } from 'constructs';
import { z } from 'zod';
import { deskRoutingSchema, jsonEnv } from '#core/alerts/desk-routing';
import { floodBudgetProblem } from '#core/alerts/flood-budget';
import { deskKeysSchema } from '#core/alerts/pgp-alert';
import { ENV, type EnvName } from '#core/config/env-names';
import { RATE_LIMIT_DEFAULTS } from '#core/config/intake-config';
import { FLOOD_DEFAULTS } from '#core/config/notifier-config';
import { RECEIPT_RATE } from '#core/receipts/receipt-guard';
import { retentionEnvSchema } from '#core/tips/retention';

/**
 * A JSON setting the functions read from an env var: given in cdk.json as an object (or with
 * `-c` as a JSON string), checked with the very schema the function parses it with, and
 * handed on as the JSON string the function expects.
 */
const jsonSetting = (envSchema: z.ZodType) =>
  z.preprocess(
    (v) => (v === undefined || typeof v === 'string' ? v : JSON.stringify(v)),
    z
      .string()
      .superRefine((text, ctx) => {
        const parsed = envSchema.safeParse(text);
        if (parsed.success) return;
        for (const issue of parsed.error.issues) {
          const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
          ctx.addIssue({ code: 'custom', message: `${where}${issue.message}` });
        }
      })
      .optional(),
  );

/**
 * What differs between deployments, read from CDK context (cdk.json or `-c key=value`) and
 * checked at synth, so a typo fails `cdk synth` with the key's name instead of deploying a
 * stack that mails nobody.
 */
export const stackConfigSchema = z.object({
  deskAddress: z.email('must be the email address of the desk that receives alerts'),
  senderAddress: z.email('must be the address alerts are sent from (an SES identity)'),
  /** Who the CloudWatch alarms email (SNS asks them to confirm); unset: no subscriber yet. */
  alarmAddress: z.email('must be the email address alarms go to').optional(),
  /** Which desk gets which tip: `{"default": [addr], "rules": [{"topic"?, "kind"?, "to": [addr]}]}`. */
  deskRouting: jsonSetting(jsonEnv(deskRoutingSchema)),
  /** `{"<desk address>": "<armored OpenPGP public key>"}`: those desks get PGP/MIME alerts. */
  deskPgpKeys: jsonSetting(deskKeysSchema),
  /** Days kept per status: `{"default": 365, "byStatus": {"dismissed": 30, "quarantined": 7}}`. */
  retentionPolicy: jsonSetting(retentionEnvSchema),
  /**
   * The stage's throttle is shared by every client, and spent before the per-client limits in
   * the functions run: it must sit well above what one client may send (checked below against
   * the WAF's per-IP limits), or one client exhausts it for everyone.
   */
  apiRateLimit: z.coerce.number().positive().max(10_000).default(500),
  apiBurstLimit: z.coerce.number().int().positive().max(5_000).default(1_000),
  /**
   * The receipt routes for all clients together. At 100/s a botnet guessing 59-bit codes still
   * needs centuries (THREAT-MODEL.md); one client is held to far less by the WAF and the function.
   */
  receiptsRateLimit: z.coerce.number().positive().max(1_000).default(100),
  receiptsBurstLimit: z.coerce.number().int().positive().max(1_000).default(200),
  /** Requests one IP may send through CloudFront per WAF window, any route (WAF's floor is 10). */
  wafRateLimit: z.coerce.number().int().min(10).max(2_000_000_000).default(1_000),
  /** Requests one IP may send to the receipt routes per WAF window: the stricter rule. */
  wafReceiptsRateLimit: z.coerce.number().int().min(10).max(2_000_000_000).default(50),
  /** The window WAF counts each IP's requests over: one of the four WAF accepts. */
  wafWindowSeconds: z.coerce
    .number()
    .refine((s) => [60, 120, 300, 600].includes(s), 'must be 60, 120, 300 or 600 (the windows WAF offers)')
    .default(300),
  /** A custom domain for the CloudFront distribution (with certificateArn); unset: its cloudfront.net name. */
  domainName: z
    .string()
    .regex(
      /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'must be a lowercase DNS name',
    )
    .optional(),
  /** The ACM certificate of domainName: CloudFront takes certificates from us-east-1 only. */
  certificateArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/,
      'must be the ARN of an ACM certificate in us-east-1 (the only region CloudFront reads certificates from)',
    )
    .optional(),
  /** Intake's per-client limit (RATE_LIMIT_MAX / RATE_LIMIT_WINDOW_SECONDS); unset: the functions' defaults. */
  rateLimitMax: z.coerce.number().int().positive().optional(),
  rateLimitWindowSeconds: z.coerce.number().int().positive().optional(),
  /** The flood breaker (FLOOD_MAX_ALERTS / FLOOD_WINDOW_SECONDS, notifier and receipts); unset: the defaults. */
  floodMaxAlerts: z.coerce.number().int().positive().optional(),
  floodWindowSeconds: z.coerce.number().int().positive().optional(),
  authDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lowercase letters, digits and hyphens')
    .refine(
      (p) => !/aws|amazon|cognito/.test(p),
      'must not contain aws, amazon or cognito (Cognito refuses it)',
    )
    .default('tipline-world-desk'),
  /**
   * Sign-in redirects besides the inbox behind CloudFront (<SiteUrl>staff): a JSON array in cdk.json, or a
   * comma-separated list with `-c staffCallbackUrls=...`.
   */
  staffCallbackUrls: z
    .preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
      z.array(z.url().refine(secureOrLocal, 'must be https (http only for localhost)')),
    )
    .default([]),
});

/**
 * How many clients, each at its WAF limit, it must take to fill a shared stage throttle: below
 * that, the shared limit (not the per-client one) is what a single client runs into.
 */
export const SHARED_THROTTLE_HEADROOM = 100;

function checkEdgeConsistency(c: ContextConfig): string[] {
  const problems: string[] = [];
  if ((c.domainName === undefined) !== (c.certificateArn === undefined)) {
    problems.push('context "domainName" and "certificateArn" go together: give both or neither');
  }
  const perIp = (limit: number) => limit / c.wafWindowSeconds;
  const needs = (shared: string, limit: number, stageRate: number) => {
    const floor = Math.ceil(perIp(limit) * SHARED_THROTTLE_HEADROOM);
    if (stageRate < floor)
      problems.push(
        `context "${shared}" (${stageRate}/s) must be at least ${floor}/s: ${SHARED_THROTTLE_HEADROOM} clients at their WAF limit (${limit} per ${c.wafWindowSeconds} s), or a few clients exhaust it for everyone`,
      );
  };
  needs('apiRateLimit', c.wafRateLimit, c.apiRateLimit);
  needs('receiptsRateLimit', c.wafReceiptsRateLimit, c.receiptsRateLimit);
  if (c.wafReceiptsRateLimit > c.wafRateLimit)
    problems.push('context "wafReceiptsRateLimit" must not exceed "wafRateLimit" (it is the stricter rule)');
  return problems;
}

function secureOrLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'https:' || (protocol === 'http:' && (hostname === 'localhost' || hostname === '127.0.0.1'))
  );
}

type ContextConfig = z.infer<typeof stackConfigSchema>;

export interface StackConfig extends ContextConfig {
  /** Settings every function that writes tips must share (retention is applied on each write). */
  storeEnvironment: Partial<Record<EnvName, string>>;
  /** The desk routing and PGP keys: the notifier (alerts, digests) and receipts (notices) share them. */
  deskEnvironment: Partial<Record<EnvName, string>>;
  /** Intake's per-client limit, when given. */
  intakeEnvironment: Partial<Record<EnvName, string>>;
  /** The flood breaker's limit and window, when given: the notifier and receipts share them. */
  floodEnvironment: Partial<Record<EnvName, string>>;
}

/** Lambda refuses a function whose environment is over 4 KB in all. */
export const LAMBDA_ENV_LIMIT_BYTES = 4 * 1024;

export const STACK_CONFIG_KEYS = Object.keys(stackConfigSchema.shape) as (keyof ContextConfig)[];

export function readStackConfig(node: Node): StackConfig {
  const raw = Object.fromEntries(STACK_CONFIG_KEYS.map((key) => [key, node.tryGetContext(key)]));
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `context "${i.path.join('.')}": ${i.message}`);
    throw new Error(`invalid Tipline stack configuration: ${problems.join('; ')}`);
  }
  const c = parsed.data;
  const inconsistent = checkEdgeConsistency(c);
  if (inconsistent.length > 0)
    throw new Error(`invalid Tipline stack configuration: ${inconsistent.join('; ')}`);
  const defined = (entries: [EnvName, string | undefined][]) =>
    Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Partial<Record<EnvName, string>>;
  const deskEnvironment = defined([
    [ENV.DESK_ROUTING, c.deskRouting],
    [ENV.DESK_PGP_KEYS, c.deskPgpKeys],
  ]);
  const size = Object.entries(deskEnvironment).reduce((n, [k, v]) => n + k.length + (v?.length ?? 0), 0);
  // Leaves room for the notifier's and receipts' other variables (table names, addresses, queue URL).
  if (size > LAMBDA_ENV_LIMIT_BYTES - 1024) {
    throw new Error(
      `invalid Tipline stack configuration: context "deskPgpKeys" and "deskRouting" take ${size} bytes of the notifier's 4 KB environment; use ed25519 keys (about 600 bytes armored) rather than RSA`,
    );
  }
  const budget = floodBudgetProblem({
    clientLimits: [
      {
        name: 'rateLimitMax',
        limit: c.rateLimitMax ?? RATE_LIMIT_DEFAULTS.max,
        windowSeconds: c.rateLimitWindowSeconds ?? RATE_LIMIT_DEFAULTS.windowSeconds,
      },
      { name: 'receipt requests', ...RECEIPT_RATE },
    ],
    floodMaxAlerts: c.floodMaxAlerts ?? FLOOD_DEFAULTS.maxAlerts,
    floodWindowSeconds: c.floodWindowSeconds ?? FLOOD_DEFAULTS.windowSeconds,
  });
  if (budget) {
    throw new Error(`invalid Tipline stack configuration: context "floodMaxAlerts": ${budget}`);
  }
  const text = (n: number | undefined) => (n === undefined ? undefined : String(n));
  return {
    ...c,
    storeEnvironment: defined([[ENV.RETENTION_POLICY, c.retentionPolicy]]),
    deskEnvironment,
    intakeEnvironment: defined([
      [ENV.RATE_LIMIT_MAX, text(c.rateLimitMax)],
      [ENV.RATE_LIMIT_WINDOW_SECONDS, text(c.rateLimitWindowSeconds)],
    ]),
    floodEnvironment: defined([
      [ENV.FLOOD_MAX_ALERTS, text(c.floodMaxAlerts)],
      [ENV.FLOOD_WINDOW_SECONDS, text(c.floodWindowSeconds)],
    ]),
  };
}
