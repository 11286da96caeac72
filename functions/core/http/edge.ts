import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Logger } from '#core/platform/logger';
import type { MetricsRecorder } from '#core/platform/metrics';
import { errorResponse } from './error-response';
import type { HttpResponse } from './responses';

/** What Lambda passes; locally the gateway passes the request id alone. */
export type EdgeContext = Pick<Context, 'awsRequestId'> & Partial<Context>;

/** What a route handler gets besides the event: the ids the edge logs with. */
export interface RequestScope {
  requestId: string;
  /** Lambda's remaining time, when the runtime tells it (local runs may not). */
  remainingMs?: number;
}

export type HttpRoute = (event: APIGatewayProxyEventV2, scope: RequestScope) => Promise<HttpResponse>;

export interface HttpEdgeDeps {
  logger: Logger;
  metrics?: MetricsRecorder;
}

/**
 * How an answered error is logged: a 4xx is a refusal (info), anything else a bug (error). A
 * route that renders its own error page (the reader form) logs it the same way.
 */
export function logOutcome(logger: Logger, response: HttpResponse, err: unknown): void {
  const fields = { status: response.statusCode, error: err instanceof Error ? err.name : 'unknown' };
  if (response.statusCode >= 500) logger.error('request failed', fields);
  else logger.info('request refused', fields);
}

/**
 * The one request edge of every HTTP function. Each request is logged with Lambda's request id
 * and API Gateway's (the `apigw-requestid` a client sees) as correlation id; whatever the route
 * throws becomes HTTP through errorResponse: a 4xx is a refusal, logged at info, anything else
 * a bug, logged at error and answered with a generic 500 that names the request id. Metrics
 * counted during the request are flushed once at its end, whatever happened.
 */
export function withHttpEdge(route: HttpRoute, { logger, metrics }: HttpEdgeDeps) {
  return async function handler(event: APIGatewayProxyEventV2, context?: EdgeContext): Promise<HttpResponse> {
    const requestId = context?.awsRequestId ?? event.requestContext?.requestId ?? 'unknown';
    if (context?.functionName) logger.addContext(context as Context);
    logger.setCorrelationId(event.requestContext?.requestId ?? requestId);
    logger.appendKeys({ requestId, route: event.routeKey });
    try {
      const remainingMs = context?.getRemainingTimeInMillis?.();
      return await route(event, { requestId, ...(remainingMs !== undefined ? { remainingMs } : {}) });
    } catch (err) {
      const response = errorResponse(err, requestId);
      logOutcome(logger, response, err);
      return response;
    } finally {
      logger.removeKeys(['requestId', 'route']);
      metrics?.flush();
    }
  };
}
