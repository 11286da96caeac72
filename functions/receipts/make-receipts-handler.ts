import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { errorResponse } from '#core/http/error-response';
import { RateLimitedError, RouteNotFoundError, StoreUnavailableError } from '#core/http/errors';
import { parseBody } from '#core/http/request';
import { type HttpResponse, json } from '#core/http/responses';
import type { Logger } from '#core/platform/logger';
import type { FollowUp } from '#core/receipts/follow-up';

/** Whether this source may make another receipt request now. */
export type ReceiptRateLimit = (
  sourceIp: string,
) => Promise<{ allowed: true; degraded?: boolean } | { allowed: false; retryAfterSeconds: number }>;

export interface ReceiptsDeps {
  followUp: FollowUp;
  rateLimit: ReceiptRateLimit;
  logger: Logger;
}

/**
 * The reader's follow-up: GET /receipts/{code} and POST /receipts/{code}/messages. Both are
 * rate limited per client before anything else, so guessing codes costs requests at the
 * limit's pace; the code itself is a secret and never logged.
 */
export function makeReceiptsHandler({ followUp, rateLimit, logger }: ReceiptsDeps) {
  async function guard(event: APIGatewayProxyEventV2): Promise<void> {
    const verdict = await rateLimit(event.requestContext?.http?.sourceIp ?? 'unknown');
    if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
    // Unlike intake (where a lost tip is worse than a bot), an unlimited receipt endpoint is
    // a guessing oracle: when the counter can't be kept, the answer is "try again later".
    if (verdict.degraded) throw new StoreUnavailableError(5);
  }

  return async function handler(
    event: APIGatewayProxyEventV2,
    context?: Pick<Context, 'awsRequestId'>,
  ): Promise<HttpResponse> {
    const requestId = context?.awsRequestId ?? event.requestContext?.requestId ?? 'unknown';
    const code = event.pathParameters?.code ?? '';
    try {
      await guard(event);
      switch (event.routeKey) {
        case 'GET /receipts/{code}': {
          const answer = await followUp.check(code);
          logger.info('receipt checked', { outcome: 'found', status: answer.status });
          return json(200, answer);
        }
        case 'POST /receipts/{code}/messages': {
          const body = parseBody(event);
          const answer = await followUp.addMessage(code, body.value);
          logger.info('reader message added', { outcome: 'added', mediaType: body.mediaType });
          return json(201, answer);
        }
        default:
          throw new RouteNotFoundError(event.routeKey);
      }
    } catch (err) {
      const response = errorResponse(err, requestId);
      const log = response.statusCode >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
      log('receipt request refused', {
        requestId,
        route: event.routeKey,
        status: response.statusCode,
        error: err instanceof Error ? err.name : 'unknown',
      });
      return response;
    }
  };
}

export type ReceiptsHandler = ReturnType<typeof makeReceiptsHandler>;
