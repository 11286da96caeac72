import { type DynamoClients, makeDynamoClients } from '../core/aws-clients';
import type { StaffConfig } from '../core/config';
import { makeCursorCodec } from '../core/cursor';
import { makeListTips } from '../core/list-tips';
import { makeLogger } from '../core/logger';
import { makeTipStore } from '../core/tip-store';
import { makeTriageTip } from '../core/triage-tip';
import { makeStaffHandler } from './make-staff-handler';

/** The staff function wired from its config: handler.ts in AWS, local/ on a laptop. */
export function staffFromConfig(
  config: StaffConfig,
  dynamo: DynamoClients = makeDynamoClients({
    region: config.AWS_REGION,
    endpoint: config.DYNAMODB_ENDPOINT,
  }),
) {
  const store = makeTipStore({ doc: dynamo.doc, tableName: config.TIPS_TABLE });
  return makeStaffHandler({
    store,
    listTips: makeListTips({ store, cursors: makeCursorCodec(config.CURSOR_SECRET) }),
    triageTip: makeTriageTip({ store, retention: config.RETENTION_POLICY }),
    logger: makeLogger('tipline-staff'),
  });
}
