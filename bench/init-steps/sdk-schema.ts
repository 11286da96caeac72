import { makeDynamoClients } from '#core/platform/aws-clients';
import { tipSubmissionSchema } from '#core/tips/tip-schema';

/** Cold-start step 2: step 1 plus the tip schema (zod). */
const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: process.env.DYNAMODB_ENDPOINT });
export const handler = async () => ({
  statusCode: 201,
  headers: {},
  body: String(Boolean(dynamo) && Boolean(tipSubmissionSchema)),
});
