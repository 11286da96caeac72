import { makeDynamoClients, makeSesClient } from '../core/aws-clients';
import { loadConfig, notifierConfigSchema } from '../core/config';
import { makeLogger } from '../core/logger';
import { makeMailer } from '../core/mailer';
import { makeTipStore } from '../core/tip-store';
import { makeNotifierHandler } from './make-notifier-handler';

const config = loadConfig(notifierConfigSchema);
const { doc } = makeDynamoClients({ region: config.AWS_REGION, endpoint: config.DYNAMODB_ENDPOINT });
const ses = makeSesClient({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT });

export const handler = makeNotifierHandler({
  store: makeTipStore({ doc, tableName: config.TIPS_TABLE }),
  mailer: makeMailer({ ses, from: config.SENDER_ADDRESS }),
  deskAddress: config.DESK_ADDRESS,
  logger: makeLogger('tipline-notifier'),
});
