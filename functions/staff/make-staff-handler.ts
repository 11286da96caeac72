import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { withHttpEdge } from '#core/http/edge';
import { RouteNotFoundError } from '#core/http/errors';
import { header, parseBody } from '#core/http/request';
import { type HttpResponse, json } from '#core/http/responses';
import type { Logger } from '#core/platform/logger';
import {
  type DownloadAttachment,
  type DownloadGrant,
  parseDownloadRequest,
} from '#core/staff/download-attachment';
import { CONTENT_TYPES, collectExport, parseExportQuery } from '#core/staff/export-tips';
import { type ListTips, parseListQuery, summarise } from '#core/staff/list-tips';
import { requireStaff } from '#core/staff/staff-claims';
import type { TipList } from '#core/staff/tip-summary';
import { parseIfMatch, parseTriagePatch, type TriageTip } from '#core/staff/triage-tip';
import { parseTipId } from '#core/tips/tip-id';
import type { TipRecord } from '#core/tips/tip-record';
import type { TipStore } from '#core/tips/tip-store';

export interface StaffDeps {
  store: TipStore;
  listTips: ListTips;
  triageTip: TriageTip;
  downloadAttachment: DownloadAttachment;
  logger: Logger;
  clock?: () => Date;
}

const tipId = (event: APIGatewayProxyEventV2) => parseTipId(event.pathParameters?.id);

const withVersion = (tip: TipRecord) => ({ etag: `"${tip.version}"` });

export function makeStaffHandler({
  store,
  listTips,
  triageTip,
  downloadAttachment,
  logger,
  clock = () => new Date(),
}: StaffDeps) {
  async function route(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const staff = requireStaff(event);
    switch (event.routeKey) {
      case 'GET /tips': {
        const query = parseListQuery(event.queryStringParameters);
        const page = await listTips(query);
        logger.info('tips listed', {
          user: staff.username,
          count: page.items.length,
          scanned: page.scanned,
          consumedCapacity: page.consumedCapacity,
          filters: {
            status: query.status,
            kind: query.kind,
            topic: query.topic,
            text: query.q !== undefined,
            // That a lookup by receipt happened, never the code.
            receipt: query.receipt !== undefined,
          },
        });
        // The key is always there: null, not absent, on the last page (as the schema says).
        return json(200, {
          items: page.items.map(summarise),
          nextCursor: page.nextCursor ?? null,
        } satisfies TipList);
      }
      case 'GET /tips/{id}': {
        const tip = await store.getTip(tipId(event));
        // Who opened which tip (ids only): the audit trail a source-protecting desk wants.
        logger.info('tip read', { user: staff.username, tipId: tip.id, status: tip.status });
        return json(200, tip, withVersion(tip));
      }
      case 'PATCH /tips/{id}': {
        const id = tipId(event);
        const expectedVersion = parseIfMatch(header(event, 'if-match'));
        const patch = parseTriagePatch(parseBody(event).value);
        const tip = await triageTip({ id, expectedVersion, patch, by: staff.username });
        logger.info('tip triaged', {
          user: staff.username,
          tipId: id,
          status: tip.status,
          version: tip.version,
        });
        return json(200, tip, withVersion(tip));
      }
      case 'POST /tips/{id}/attachments/{attachmentId}/download': {
        // No body is the plain download; a body is JSON as on every other write.
        const request = parseDownloadRequest(event.body ? parseBody(event).value : {});
        const id = tipId(event);
        const outcome = await downloadAttachment({
          tipId: id,
          attachmentId: event.pathParameters?.attachmentId ?? '',
          request,
          by: staff.username,
        });
        // Ids and the copy only: who took which file is the audit trail; an original apart.
        const fields = {
          user: staff.username,
          tipId: id,
          attachmentId: outcome.attachment.id,
          copy: outcome.copy,
          disposition: outcome.disposition,
          version: outcome.version,
        };
        if (outcome.copy === 'original') logger.warn('attachment original downloaded', fields);
        else if (outcome.disposition === 'inline') logger.info('attachment viewed inline', fields);
        else logger.info('attachment downloaded', fields);
        return json(200, {
          url: outcome.url,
          expiresAt: outcome.expiresAt,
          disposition: outcome.disposition,
          version: outcome.version,
        } satisfies DownloadGrant);
      }
      case 'GET /tips/export': {
        const query = parseExportQuery(event.queryStringParameters);
        const exported = await collectExport(listTips, query);
        logger.info('tips exported', {
          user: staff.username,
          format: query.format,
          lines: exported.lines,
          bytes: exported.bytes,
        });
        const stamp = clock().toISOString().slice(0, 19).replace(/[:T]/g, '-');
        return {
          statusCode: 200,
          headers: {
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
            'content-type': CONTENT_TYPES[query.format],
            'content-disposition': `attachment; filename="tips-${stamp}.${query.format}"`,
          },
          body: exported.body,
        };
      }
      default:
        throw new RouteNotFoundError(event.routeKey);
    }
  }

  return withHttpEdge(route, { logger });
}

export type StaffHandler = ReturnType<typeof makeStaffHandler>;
