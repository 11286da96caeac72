import type { StaffConfig } from '#core/config/staff-config';
import { type DynamoClients, makeDynamoClients, makeS3Client } from '#core/platform/aws-clients';
import { makeLogger } from '#core/platform/logger';
import { makeAttachmentFiles } from '#core/staff/attachment-files';
import { makeCursorCodec } from '#core/staff/cursor';
import { makeDownloadAttachment } from '#core/staff/download-attachment';
import { makeListTips } from '#core/staff/list-tips';
import { makeTriageTip } from '#core/staff/triage-tip';
import { makeReceiptKeys } from '#core/tips/receipt-key';
import { makeTipStore } from '#core/tips/tip-store';
import { makeAttachmentObjects } from '#core/uploads/attachment-objects';
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
  const s3 = makeS3Client({ region: config.AWS_REGION, endpoint: config.S3_ENDPOINT });
  return makeStaffHandler({
    store,
    listTips: makeListTips({
      store,
      cursors: makeCursorCodec(config.CURSOR_SECRET),
      receiptKeys: makeReceiptKeys(config.RECEIPT_HASH_SECRET),
    }),
    triageTip: makeTriageTip({
      store,
      retention: config.RETENTION_POLICY,
      attachmentObjects: makeAttachmentObjects({ s3, bucket: config.CLEAN_BUCKET }),
    }),
    downloadAttachment: makeDownloadAttachment({
      store,
      files: makeAttachmentFiles({ s3, bucket: config.CLEAN_BUCKET, fileBaseUrl: config.FILE_BASE_URL }),
      malwareScan: config.MALWARE_SCAN,
      urlTtlSeconds: config.DOWNLOAD_URL_MINUTES * 60,
    }),
    logger: makeLogger('tipline-staff'),
  });
}
