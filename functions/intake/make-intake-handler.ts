import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { openApiDocument } from '#core/api/openapi';
import type { FormTokens } from '#core/guards/form-token';
import { logOutcome, type RequestScope, withHttpEdge } from '#core/http/edge';
import {
  IdempotencyInProgressError,
  MalformedBodyError,
  PayloadTooLargeError,
  RateLimitedError,
  StoreUnavailableError,
  ValidationError,
} from '#core/http/errors';
import { header, parseBody, wantsHtml } from '#core/http/request';
import { type HttpResponse, html, json } from '#core/http/responses';
import { type GuardedIntake, makeGuardedIntake } from '#core/intake/guarded-intake';
import type { SubmitTip } from '#core/intake/submit-tip';
import type { Logger } from '#core/platform/logger';
import { METRIC, type MetricsRecorder } from '#core/platform/metrics';
import type { StoreHealth } from '#core/tips/store-health';
import { followUpPage } from '../../web/pages/follow-up';
import { readerFormPage, receiptPage } from '../../web/pages/reader-form';
import { assetResponse } from '../../web/pages/serve-assets';
import { type StaffPageOptions, staffInboxPage } from '../../web/pages/staff-inbox';

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
}

/** Errors a reader can fix or wait out are shown on the form; anything else is JSON. */
function htmlErrorPage(err: unknown, values: Record<string, unknown>): HttpResponse | undefined {
  if (err instanceof ValidationError) return html(400, readerFormPage({ values, issues: err.issues }));
  if (err instanceof StoreUnavailableError) {
    return html(
      503,
      readerFormPage({
        values,
        problem:
          'We could not save your message just now. Nothing was lost: please send it again in a minute.',
      }),
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof RateLimitedError) {
    return html(
      429,
      readerFormPage({
        values,
        problem: 'Too many messages were sent from your connection. Please try again later.',
      }),
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  if (err instanceof IdempotencyInProgressError) {
    return html(
      409,
      readerFormPage({
        values,
        problem:
          'We are still saving the message you sent a moment ago. Send it again in a few seconds: it will not be stored twice.',
      }),
      { 'retry-after': String(err.retryAfterSeconds) },
    );
  }
  // A browser gets a page even when the body could not be read (never raw JSON).
  if (err instanceof PayloadTooLargeError) {
    return html(
      413,
      readerFormPage({ problem: 'Your message is too long to send. Please shorten it and send it again.' }),
    );
  }
  if (err instanceof MalformedBodyError) {
    return html(400, readerFormPage({ problem: 'Your browser sent the form in a way we could not read.' }));
  }
  return undefined;
}

export function makeIntakeHandler({
  submitTip,
  storeHealth,
  logger,
  staffPage,
  intake = makeGuardedIntake({ submitTip }),
  formTokens,
  metrics,
}: IntakeDeps) {
  async function postTip(
    event: APIGatewayProxyEventV2,
    { remainingMs }: RequestScope,
  ): Promise<HttpResponse> {
    const asHtml = wantsHtml(event);
    let values: Record<string, unknown> = {};
    try {
      // Counted before parsing: a flood of garbage uses up the limit as well.
      const clientKey = intake.clientKey(event.requestContext?.http?.sourceIp);
      if ((await intake.admit(clientKey)) === 'degraded')
        logger.warn('rate limit counters unavailable; admitted');
      const body = parseBody(event);
      values = body.value as Record<string, unknown>;
      const tip = await intake.submit({
        input: body.value,
        clientKey,
        idempotencyKey: header(event, 'idempotency-key'),
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
      return json(
        201,
        { id: tip.id, receipt: tip.receipt, status: 'received' },
        { location: `/tips/${tip.id}`, ...replayed },
      );
    } catch (err) {
      if (err instanceof RateLimitedError) metrics?.count(METRIC.SubmitsRateLimited);
      // A browser's plain form post gets the form again with the problem on it; the rest is the edge's.
      const page = asHtml ? htmlErrorPage(err, values) : undefined;
      if (!page) throw err;
      logOutcome(logger, page, err);
      return page;
    }
  }

  async function route(event: APIGatewayProxyEventV2, scope: RequestScope): Promise<HttpResponse> {
    switch (event.routeKey) {
      case 'POST /tips':
        return postTip(event, scope);
      case 'GET /health': {
        const health = await storeHealth();
        return health.ok
          ? json(200, { ok: true })
          : json(
              503,
              { ok: false, error: 'unavailable', message: 'the store does not answer' },
              { 'retry-after': '5' },
            );
      }
      case 'GET /assets/{file}':
        return assetResponse(event.pathParameters?.file);
      case 'GET /staff':
        return html(200, staffInboxPage(staffPage ?? {}));
      case 'GET /follow-up':
        return html(200, followUpPage());
      case 'GET /openapi.json':
        return json(200, openApiDocument(), { 'cache-control': 'public, max-age=300' });
      case 'GET /':
        return html(200, readerFormPage({ formToken: formTokens?.issue() }));
      default:
        return json(404, { error: 'not_found', message: `no route ${event.routeKey}` });
    }
  }

  return withHttpEdge(route, { logger, ...(metrics ? { metrics } : {}) });
}

export type IntakeHandler = ReturnType<typeof makeIntakeHandler>;
