import type { IntakeConfig } from '#core/config/intake-config';
import { intakeGuardsFromConfig } from '#core/intake/guarded-intake';
import { makeSubmitTip } from '#core/intake/submit-tip';
import { type DynamoClients, makeDynamoClients } from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { makeStoreHealth } from '#core/tips/store-health';
import { makeTipStore } from '#core/tips/tip-store';
import type { StaffPageOptions } from '../../web/pages/staff-inbox';
import { staffPageFromEnv } from '../../web/pages/staff-page-config';
import { makeIntakeHandler } from './make-intake-handler';

/** The intake function wired from its config: handler.ts in AWS, local/ on a laptop. */
export function intakeFromConfig(
  config: IntakeConfig,
  dynamo: DynamoClients = makeDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  }),
  staffPage: StaffPageOptions = staffPageFromEnv(),
) {
  const store = makeTipStore({ doc: dynamo.doc, tableName: config.TIPS_TABLE });
  const logger = makeLogger('tipline-intake');
  const guards = intakeGuardsFromConfig(config, dynamo, logger);
  const submitTip = makeSubmitTip({
    store,
    retention: config.RETENTION_POLICY,
    ...(guards.spamChecks ? { spamChecks: guards.spamChecks } : {}),
  });
  return makeIntakeHandler({
    submitTip,
    storeHealth: makeStoreHealth({ client: dynamo.client, tableName: config.TIPS_TABLE }),
    logger,
    staffPage,
    intake: guards.intake(submitTip),
    ...(guards.formTokens ? { formTokens: guards.formTokens } : {}),
    metrics: guards.metrics,
  });
}
