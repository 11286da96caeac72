import { intakeConfigSchema } from '#core/config/intake-config';
import { loadConfig } from '#core/config/load-config';
import { makeDynamoClients } from '#core/platform/aws-clients';
import { tipSubmissionSchema } from '#core/tips/tip-schema';

/** Cold-start step 3: step 2 plus config.ts (every function's config schema) read as intake reads it. */
const config = loadConfig(intakeConfigSchema);
const dynamo = makeDynamoClients({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
export const handler = async () => ({
  statusCode: 201,
  headers: {},
  body: String(Boolean(dynamo) && Boolean(tipSubmissionSchema)),
});
