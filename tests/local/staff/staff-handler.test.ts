import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeS3Client } from '#core/platform/aws-clients';
import { makeAttachmentFiles } from '#core/staff/attachment-files';
import { makeCursorCodec } from '#core/staff/cursor';
import { makeDownloadAttachment } from '#core/staff/download-attachment';
import { MAX_EXPORT_BYTES } from '#core/staff/export-tips';
import type { ListTips } from '#core/staff/list-tips';
import { makeListTips } from '#core/staff/list-tips';
import { makeTriageTip } from '#core/staff/triage-tip';
import type { TipRecord } from '#core/tips/tip-record';
import { makeStaffHandler } from '../../../functions/staff/make-staff-handler';
import { attachmentRecord } from '../../support/attachment-fixtures';
import { httpEvent } from '../../support/events';
import { makeTestTable, type TestTable, testReceiptKeys } from '../../support/local-env';
import { capturingLogger, quietLogger } from '../../support/quiet-logger';
import { batchWriteTips, seedTip } from '../../support/staff-seed';

/** A staff request as API Gateway hands it over: claims as strings, groups as "[a b]". */
function staffEvent(
  routeKey: string,
  {
    path = {},
    query,
    headers = {},
    body,
  }: {
    path?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
  } = {},
) {
  const [method = 'GET', route = '/'] = routeKey.split(' ');
  const event = httpEvent({
    method,
    path: route.replace('{id}', path.id ?? ''),
    routeKey,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (Object.keys(path).length) event.pathParameters = path;
  if (query) event.queryStringParameters = query;
  (event.requestContext as unknown as Record<string, unknown>).authorizer = {
    jwt: {
      claims: { username: 'alice', 'cognito:groups': '[admin staff]', token_use: 'access' },
      scopes: null,
    },
  };
  return event;
}

describe('the staff handler (Lambda entry, real dynalite)', () => {
  let table: TestTable;
  const secretText = 'The source is Mykola Petrenko at the Odesa grain terminal';
  const tip = {
    ...seedTip({
      createdAt: new Date('2026-11-20T10:00:00Z'),
      message: secretText,
      attachments: [attachmentRecord({ id: 'handler-photo' })],
    }),
    anonymous: false,
    name: 'Mykola Petrenko',
    email: 'mykola@example.org',
  } as TipRecord;

  beforeAll(async () => {
    table = await makeTestTable('staff-handler');
    await batchWriteTips(table.dynamo.doc, table.tableName, [tip]);
  });
  afterAll(() => table?.dynamo.client.destroy());

  const deps = (logger = quietLogger()) => ({
    store: table.store,
    listTips: makeListTips({
      receiptKeys: testReceiptKeys,
      store: table.store,
      cursors: makeCursorCodec('handler-test-cursor-key-0123456789abcdef'),
    }),
    triageTip: makeTriageTip({ store: table.store }),
    // Signing needs no S3 server; the downloads' own tests (staff-downloads.test.ts) fetch the files.
    downloadAttachment: makeDownloadAttachment({
      store: table.store,
      files: makeAttachmentFiles({
        s3: makeS3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }),
        bucket: 'tipline-clean',
      }),
      malwareScan: 'none',
      urlTtlSeconds: 300,
    }),
    logger,
  });

  it('logs ids, counts and statuses, never the tip text, contact details or notes', async () => {
    const { logger, lines } = capturingLogger('tipline-staff');
    const handler = makeStaffHandler(deps(logger));
    const note = 'Petrenko prefers Signal, call after 18:00';

    const responses = [
      await handler(staffEvent('GET /tips', { query: { q: 'Petrenko' } })),
      await handler(staffEvent('GET /tips/{id}', { path: { id: tip.id } })),
      await handler(
        staffEvent('PATCH /tips/{id}', {
          path: { id: tip.id },
          headers: { 'if-match': '1' },
          body: { note },
        }),
      ),
      await handler(staffEvent('GET /tips/export', { query: { format: 'jsonl' } })),
      await handler(
        staffEvent('POST /tips/{id}/attachments/{attachmentId}/download', {
          path: { id: tip.id, attachmentId: 'handler-photo' },
          body: {},
        }),
      ),
    ];
    const logged = lines();

    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    // The download is logged by ids; the URL (a bearer grant until it expires) never.
    expect(JSON.parse(responses[4]?.body ?? '{}').url).toContain('X-Amz-Signature=');
    expect(logged.join('\n')).toContain('"attachmentId":"handler-photo"');
    expect(logged.join('\n')).not.toContain('X-Amz-');
    expect(responses[3]?.body).toContain(secretText);
    expect(logged.length).toBeGreaterThanOrEqual(4);
    expect(logged.join('\n')).toContain(tip.id);
    for (const needle of ['Petrenko', 'Odesa', 'mykola@', 'Signal']) {
      expect(logged.join('\n')).not.toContain(needle);
    }
  });

  it('refuses an export larger than a Lambda response can carry, asking for narrower filters', async () => {
    const big = { ...tip, message: 'x'.repeat(9_000) };
    // A list that never ends: the limit, not the data, has to stop the export.
    const endless: ListTips = async () => ({
      items: Array.from({ length: 100 }, () => big),
      nextCursor: 'more',
      scanned: 100,
    });
    const handler = makeStaffHandler({ ...deps(), listTips: endless });

    const res = await handler(staffEvent('GET /tips/export', { query: { format: 'csv' } }));

    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ error: 'export_too_large' });
    expect(MAX_EXPORT_BYTES).toBeLessThan(6 * 1024 * 1024);
  });

  it('answers an unknown route with 404 and a missing identity with 401', async () => {
    const handler = makeStaffHandler(deps());
    const anonymous = staffEvent('GET /tips');
    (anonymous.requestContext as unknown as Record<string, unknown>).authorizer = undefined;

    const unknown = await handler(staffEvent('DELETE /tips/{id}', { path: { id: tip.id } }));
    const noClaims = await handler(anonymous);

    expect(unknown.statusCode).toBe(404);
    expect(noClaims.statusCode).toBe(401);
    expect(JSON.parse(noClaims.body ?? '{}')).toMatchObject({ error: 'unauthorized' });
  });
});
