import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { makeTiplineApp } from '../../infra/tipline-app';
import type { TiplineStack } from '../../infra/tipline-stack';

/** The context a deployment passes in cdk.json, with addresses the assertions can recognise. */
export const TEST_CONTEXT = {
  deskAddress: 'world-desk@example.org',
  senderAddress: 'tipline@example.org',
  apiRateLimit: 400,
  apiBurstLimit: 800,
};

/**
 * The stack's template for assertions only: no bundling (stack.test.ts checks the bundles) and
 * no cdk-nag (nag.test.ts owns it), so it takes about a second.
 */
export function templateOnly(context: Record<string, unknown> = {}): {
  stack: TiplineStack;
  template: Template;
} {
  const { stack } = makeTiplineApp({ bundle: false, nag: false, context: { ...TEST_CONTEXT, ...context } });
  return { stack, template: Template.fromStack(stack) };
}

export interface Statement {
  actions: string[];
  resource: unknown;
  /** Present only on a statement that has one. */
  condition?: unknown;
}

export function logicalId(stack: Stack, construct: IConstruct): string {
  const child = construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0] | undefined;
  return stack.getLogicalId(child ?? (construct as Parameters<Stack['getLogicalId']>[0]));
}

/**
 * Every statement of every policy attached to the function's role, one entry per resource,
 * actions sorted: so a test can compare a role's whole grant with an exact expected list.
 */
export function roleStatements(template: Template, stack: Stack, fn: IFunction): Statement[] {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const roleId = stack.getLogicalId(fn.role.node.defaultChild as CfnRole);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
  );
  const statements: Statement[] = [];
  for (const policy of policies) {
    for (const s of policy.Properties.PolicyDocument.Statement) {
      if (s.Effect !== 'Allow' || s.NotAction || s.NotResource) {
        throw new Error(`unexpected statement shape in ${roleId}: ${JSON.stringify(s)}`);
      }
      const actions = [s.Action].flat().sort();
      for (const resource of [s.Resource].flat()) {
        statements.push({ actions, resource, ...(s.Condition ? { condition: s.Condition } : {}) });
      }
    }
  }
  return sortStatements(statements);
}

export function sortStatements(statements: Statement[]): Statement[] {
  const key = (s: Statement) => JSON.stringify([s.actions, s.resource, s.condition]);
  return [...statements]
    .map((s) => ({
      actions: [...s.actions].sort(),
      resource: s.resource,
      ...(s.condition ? { condition: s.condition } : {}),
    }))
    .sort((a, b) => key(a).localeCompare(key(b)));
}

/** The role itself: no managed policies (AWSLambdaBasicExecutionRole grants logs on *) and no inline ones. */
export function roleProperties(template: Template, stack: Stack, fn: IFunction): Record<string, unknown> {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const roleId = stack.getLogicalId(fn.role.node.defaultChild as CfnRole);
  return template.toJSON().Resources[roleId].Properties;
}
