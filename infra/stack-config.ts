import type { Node } from 'constructs';
import { z } from 'zod';

/**
 * What differs between deployments, read from CDK context (cdk.json or `-c key=value`) and
 * checked at synth, so a typo fails `cdk synth` with the key's name instead of deploying a
 * stack that mails nobody.
 */
export const stackConfigSchema = z.object({
  deskAddress: z.email('must be the email address of the desk that receives alerts'),
  senderAddress: z.email('must be the address alerts are sent from (an SES identity)'),
  apiRateLimit: z.coerce.number().positive().max(10_000).default(50),
  apiBurstLimit: z.coerce.number().int().positive().max(5_000).default(100),
  authDomainPrefix: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lowercase letters, digits and hyphens')
    .refine(
      (p) => !/aws|amazon|cognito/.test(p),
      'must not contain aws, amazon or cognito (Cognito refuses it)',
    )
    .default('tipline-world-desk'),
  /** A JSON array in cdk.json, or a comma-separated list with `-c staffCallbackUrls=...`. */
  staffCallbackUrls: z
    .preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v),
      z.array(z.url().refine(secureOrLocal, 'must be https (http only for localhost)')).min(1),
    )
    .default(['http://localhost:3000/staff/callback']),
});

function secureOrLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'https:' || (protocol === 'http:' && (hostname === 'localhost' || hostname === '127.0.0.1'))
  );
}

export type StackConfig = z.infer<typeof stackConfigSchema>;

export const STACK_CONFIG_KEYS = Object.keys(stackConfigSchema.shape) as (keyof StackConfig)[];

export function readStackConfig(node: Node): StackConfig {
  const raw = Object.fromEntries(STACK_CONFIG_KEYS.map((key) => [key, node.tryGetContext(key)]));
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `context "${i.path.join('.')}": ${i.message}`);
    throw new Error(`invalid Tipline stack configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
