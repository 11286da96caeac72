import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { readStackConfig } from './stack-config';
import { TiplineStack } from './tipline-stack';

export interface TiplineAppOptions extends AppProps {
  /** @default true. False skips esbuild (tests that only read the template). */
  readonly bundle?: boolean;
  /** @default true. Runs cdk-nag's AWS Solutions checks at synth; an unacknowledged error fails it. */
  readonly nag?: boolean;
}

/**
 * The app with its one stack, as `cdk synth` builds it (infra/app.ts) and as the infra
 * tests build it, so the tests check the very thing that deploys.
 */
export function makeTiplineApp({ bundle = true, nag = true, ...appProps }: TiplineAppOptions = {}) {
  const app = new App({
    ...appProps,
    context: {
      ...appProps.context,
      // CDK's own switch: an empty list means no stack's assets are bundled.
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = new TiplineStack(app, 'Tipline', {
    config: readStackConfig(app.node),
    description: 'Tipline: a newsroom tip line (API Gateway, Lambda, DynamoDB, SES)',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  if (nag) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeNagFindings(stack);
  }
  return { app, stack };
}
