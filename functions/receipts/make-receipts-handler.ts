import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ClientAddress, makeClientAddress } from '#core/guards/client-address';
import { withHttpEdge } from '#core/http/edge';
import { RouteNotFoundError } from '#core/http/errors';
import { parseBody } from '#core/http/request';
import { type HttpResponse, json } from '#core/http/responses';
import type { Logger } from '#core/platform/logger';
import type { FollowUp } from '#core/receipts/follow-up';
import type { ReceiptGuard } from '#core/receipts/receipt-guard';

export interface ReceiptsDeps {
  followUp: FollowUp;
  /** Rate limit per client, before anything else (core/receipts/receipt-guard.ts). */
  guard: ReceiptGuard;
  logger: Logger;
  /** The address the guard keys on (the viewer's, behind CloudFront); default: API Gateway's sourceIp. */
  clientAddress?: ClientAddress;
}

/**
 * The reader's follow-up: GET /receipts/{code} and POST /receipts/{code}/messages. The code
 * itself is a secret and never logged.
 */
export function makeReceiptsHandler({
  followUp,
  guard,
  logger,
  clientAddress = makeClientAddress(),
}: ReceiptsDeps) {
  async function route(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
    const code = event.pathParameters?.code ?? '';
    await guard(clientAddress(event));
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
  }

  return withHttpEdge(route, { logger });
}

export type ReceiptsHandler = ReturnType<typeof makeReceiptsHandler>;
