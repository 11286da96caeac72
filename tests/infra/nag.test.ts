import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, test } from 'vitest';
import { ROUTES, routeKey } from '#core/api/routes';
import { PUBLIC_ROUTE_REASONS } from '../../infra/nag-acknowledgements';
import { unexplainedNagFindings } from '../../infra/nag-report';
import { makeTiplineApp } from '../../infra/tipline-app';
import { TEST_CONTEXT } from './template-helpers';

// The app exactly as `npm run synth` builds it, AwsSolutions checks included; only bundling
// is skipped (it changes asset hashes, not what nag checks).
const outdirs: string[] = [];
const freshOutdir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tipline-nag-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('cdk-nag AwsSolutions', () => {
  test('the stack synthesizes with zero unacknowledged findings, warnings included', () => {
    const { app } = makeTiplineApp({ bundle: false, outdir: freshOutdir(), context: TEST_CONTEXT });
    const assembly = app.synth();
    expect(unexplainedNagFindings(assembly.directory)).toEqual([]);
  });

  test('an unexplained finding fails the synth, naming the rule and the construct', () => {
    const { app, stack } = makeTiplineApp({ bundle: false, outdir: freshOutdir(), context: TEST_CONTEXT });
    // A queue that allows plain HTTP and has no DLQ: nothing acknowledges it.
    new Queue(stack, 'Unexplained');
    expect(() => app.synth()).toThrow(/Tipline\/Unexplained\/Resource[\s\S]*AwsSolutions-SQS4/);
  });

  test('every public route of ROUTES has a written reason for having no authorizer', () => {
    const publicRoutes = ROUTES.filter((r) => r.auth === 'public').map(routeKey);
    expect(publicRoutes.filter((key) => !PUBLIC_ROUTE_REASONS[key])).toEqual([]);
    for (const key of publicRoutes) expect(PUBLIC_ROUTE_REASONS[key]?.length).toBeGreaterThan(30);
  });

  test('a public route without a reason keeps its finding and fails the synth', () => {
    const { app, stack } = makeTiplineApp({ bundle: false, outdir: freshOutdir(), context: TEST_CONTEXT });
    stack.api.addTiplineRoutes({
      functions: stack.routeTargets,
      routes: [{ method: 'GET', path: '/unreasoned', target: 'intake', auth: 'public' }],
    });
    expect(() => app.synth()).toThrow(/HttpApi\/GET--unreasoned\/Resource[\s\S]*AwsSolutions-APIG4/);
  });
});
