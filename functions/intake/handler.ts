import { makeDynamoClients } from '../core/aws-clients';
import { intakeConfigSchema, loadConfig } from '../core/config';
import { makeLogger } from '../core/logger';
import { makeStoreHealth } from '../core/store-health';
import { makeSubmitTip } from '../core/submit-tip';
import { makeTipStore } from '../core/tip-store';
import { makeIntakeHandler } from './make-intake-handler';

// Made once per container, outside the handler: config is checked at cold start.
const config = loadConfig(intakeConfigSchema);
const { client, doc } = makeDynamoClients({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
const store = makeTipStore({ doc, tableName: config.TIPS_TABLE });

export const handler = makeIntakeHandler({
  submitTip: makeSubmitTip({ store }),
  storeHealth: makeStoreHealth({ client, tableName: config.TIPS_TABLE }),
  logger: makeLogger('tipline-intake'),
});
