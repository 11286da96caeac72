import { makeDynamoClients } from '#core/platform/aws-clients';

/** Cold-start step 1: the floor plus the DynamoDB clients, made as intake makes them. */
const dynamo = makeDynamoClients({ region: 'us-east-1', endpoint: process.env.DYNAMODB_ENDPOINT });
export const handler = async () => ({ statusCode: 201, headers: {}, body: String(Boolean(dynamo)) });
