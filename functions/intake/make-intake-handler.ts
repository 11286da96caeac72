import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { openApiDocument } from '#core/api/openapi';
import type { Accepted, Health } from '#core/api/response-schemas';
import { type ClientAddress, makeClientAddress } from '#core/guards/client-address';
import type { FormTokens } from '#core/guards/form-token';
import { logOutcome, type RequestScope, withHttpEdge } from '#core/http/edge';
import { RateLimitedError, RouteNotFoundError, StoreUnhealthyError } from '#core/http/errors';
import { header, parseBody, wantsHtml } from '#core/http/request';
import { type HttpResponse, html, json } from '#core/http/responses';
import { type GuardedIntake, makeGuardedIntake } from '#core/intake/guarded-intake';
import type { SubmitTip } from '#core/intake/submit-tip';
import type { Logger } from '#core/platform/logger';
import { METRIC, type MetricsRecorder } from '#core/platform/metrics';
import type { StoreHealth } from '#core/tips/store-health';
import type { RequestUpload, UploadGrantBody } from '#core/uploads/request-upload';
import type { UploadLimits } from '#core/uploads/upload-limits';
import { followUpPage } from '../../web/pages/follow-up';
import { readerFormPage, receiptPage } from '../../web/pages/reader-form';
import { readerFormErrorPage } from '../../web/pages/reader-form-errors';
import { assetResponse } from '../../web/pages/serve-assets';
import { type StaffPageOptions, staffInboxConnectSources, staffInboxPage } from '../../web/pages/staff-inbox';

export interface IntakeDeps {
  submitTip: SubmitTip;
  storeHealth: StoreHealth;
  logger: Logger;
  /** How the staff inbox page signs in: the Cognito hosted UI in AWS, a local token locally. */
  staffPage?: StaffPageOptions;
  /** Client key, rate limit and idempotency around submitTip (guarded-intake.ts); absent: submitTip alone. */
  intake?: GuardedIntake;
  /** Signs the reader form's render time (the minimum fill time check). */
  formTokens?: FormTokens;
  metrics?: MetricsRecorder;
  /** The address the client key hashes (the viewer's, behind CloudFront); default: API Gateway's sourceIp. */
  clientAddress?: ClientAddress;
  /** POST /uploads (attachments); absent when UPLOADS_BUCKET is unset, and the route is then 404. */
  requestUpload?: RequestUpload;
  /** The file limits the pages show and their script enforces (upload-limits.ts); with requestUpload. */
  uploadLimits?: UploadLimits;
  /** Where the pages' script posts the files (UploadGrants.uploadOrigin): added to their connect-src. */
  uploadOrigin?: () => Promise<string>;
}

export function makeIntakeHandler({
  submitTip,
  storeHealth,
  logger,
  staffPage,
  intake = makeGuardedIntake({ submitTip }),
  formTokens,
  metrics,
  clientAddress = makeClientAddress(),
  requestUpload,
  uploadLimits,
  uploadOrigin,
}: IntakeDeps) {
  /**
   * A page's file picker: the limits, and the uploads origin for its CSP connect-src. None on a
   * tip line that takes no files, and none when the origin cannot be had (no credentials to sign
   * with): the page then works for text, as without JavaScript, rather than failing.
   */
  async function pageFiles(): Promise<{ fileLimits?: UploadLimits; csp: { connectSrc: string[] } }> {
    if (!requestUpload || !uploadLimits || !uploadOrigin) return { csp: { connectSrc: [] } };
    try {
      return { fileLimits: uploadLimits, csp: { connectSrc: [await uploadOrigin()] } };
    } catch (err) {
      logger.warn('upload origin unavailable; pages served without the file picker', {
        error: err instanceof Error ? err.name : 'unknown',
      });
      return { csp: { connectSrc: [] } };
    }
  }
  async function postUpload(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    if (!requestUpload) throw new RouteNotFoundError(event.routeKey);
    // Counted before parsing, as submits are (requestUpload counts first).
    const clientKey = intake.clientKey(clientAddress(event));
    try {
      const { grant, degraded } = await requestUpload(parseBody(event).value, clientKey);
      if (degraded) logger.warn('upload rate limit counters unavailable; admitted');
      logger.info('upload granted', { maxBytes: grant.maxBytes });
      return json(201, grant satisfies UploadGrantBody);
    } catch (err) {
      if (err instanceof RateLimitedError) metrics?.count(METRIC.SubmitsRateLimited);
      throw err;
    }
  }

  async function postTip(
    event: APIGatewayProxyEventV2,
    { remainingMs }: RequestScope,
  ): Promise<HttpResponse> {
    const asHtml = wantsHtml(event);
    let values: Record<string, unknown> = {};
    try {
      // Counted before parsing: a flood of garbage uses up the limit as well.
      const clientKey = intake.clientKey(clientAddress(event));
      if ((await intake.admit(clientKey)) === 'degraded')
        logger.warn('rate limit counters unavailable; admitted');
      const body = parseBody(event);
      values = body.value as Record<string, unknown>;
      const tip = await intake.submit({
        input: body.value,
        clientKey,
        idempotencyKey: header(event, 'idempotency-key'),
        viaForm: body.mediaType === 'form',
        ...(remainingMs !== undefined ? { remainingMs } : {}),
      });
      if (!tip.replayed) {
        metrics?.count(METRIC.TipsReceived);
        if (tip.status === 'quarantined') metrics?.count(METRIC.TipsQuarantined);
      }
      logger.info(tip.replayed ? 'tip replayed' : 'tip stored', {
        tipId: tip.id,
        kind: tip.kind,
        status: tip.status,
        quarantineReason: tip.quarantineReason,
        mediaType: body.mediaType,
      });
      const replayed: Record<string, string> = tip.replayed ? { 'idempotent-replayed': 'true' } : {};
      if (asHtml) return html(201, receiptPage({ receipt: tip.receipt, kind: tip.kind }), replayed);
      // A quarantined tip gets the same answer as any other: bots learn nothing.
      return json(201, { id: tip.id, receipt: tip.receipt, status: 'received' } satisfies Accepted, {
        location: `/tips/${tip.id}`,
        ...replayed,
      });
    } catch (err) {
      if (err instanceof RateLimitedError) metrics?.count(METRIC.SubmitsRateLimited);
      // A browser's plain form post gets the form again with the problem on it; the rest is the edge's.
      const files = asHtml ? await pageFiles() : undefined;
      const page = files ? readerFormErrorPage(err, values, files.fileLimits, files.csp) : undefined;
      if (!page) throw err;
      logOutcome(logger, page, err);
      return page;
    }
  }

  async function route(event: APIGatewayProxyEventV2, scope: RequestScope): Promise<HttpResponse> {
    switch (event.routeKey) {
      case 'POST /tips':
        return postTip(event, scope);
      case 'POST /uploads':
        return postUpload(event);
      case 'GET /health': {
        const health = await storeHealth();
        if (!health.ok) throw new StoreUnhealthyError(5);
        return json(200, { ok: true } satisfies Health);
      }
      case 'GET /assets/{file}':
        return assetResponse(event.pathParameters?.file);
      case 'GET /staff':
        return html(
          200,
          staffInboxPage(staffPage ?? {}),
          {},
          {
            connectSrc: staffInboxConnectSources(staffPage ?? {}),
            // The tip page shows cleaned photos and videos from the site's own /clean/*.
            files: true,
          },
        );
      case 'GET /follow-up': {
        const { fileLimits, csp } = await pageFiles();
        return html(200, followUpPage({ fileLimits }), {}, csp);
      }
      case 'GET /openapi.json':
        return json(200, openApiDocument(), { 'cache-control': 'public, max-age=300' });
      case 'GET /': {
        const { fileLimits, csp } = await pageFiles();
        return html(
          200,
          readerFormPage({
            formToken: formTokens?.issue(),
            minFillSeconds: formTokens?.minFillSeconds,
            fileLimits,
          }),
          {},
          csp,
        );
      }
      default:
        throw new RouteNotFoundError(event.routeKey);
    }
  }

  return withHttpEdge(route, { logger, ...(metrics ? { metrics } : {}) });
}

export type IntakeHandler = ReturnType<typeof makeIntakeHandler>;
