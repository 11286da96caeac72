import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { withHttpEdge } from '#core/http/edge';
import { ValidationError } from '#core/http/errors';
import { json } from '#core/http/responses';
import type { SubmitTip } from '#core/intake/submit-tip';
import type { MetricsRecorder } from '#core/platform/metrics';
import type { FollowUp } from '#core/receipts/follow-up';
import type { DownloadAttachment } from '#core/staff/download-attachment';
import type { ListTips } from '#core/staff/list-tips';
import type { TriageTip } from '#core/staff/triage-tip';
import type { TipStore } from '#core/tips/tip-store';
import { makeIntakeHandler } from '../../../functions/intake/make-intake-handler';
import { makeReceiptsHandler } from '../../../functions/receipts/make-receipts-handler';
import { makeStaffHandler } from '../../../functions/staff/make-staff-handler';
import { httpEvent } from '../../support/events';
import { capturingLogger } from '../../support/quiet-logger';

type Line = Record<string, unknown>;
const parseLines = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);

function countingMetrics(): MetricsRecorder & { flushes: number } {
  return {
    flushes: 0,
    count() {},
    flush() {
      this.flushes++;
    },
  };
}

const lambdaContext = { awsRequestId: 'lambda-req-1' };

describe('the request edge', () => {
  it('answers a bug with a generic 500 naming the request id, logged at error with both ids', async () => {
    const { logger, lines } = capturingLogger();
    const metrics = countingMetrics();
    const handler = withHttpEdge(
      async () => {
        throw new TypeError('secret detail of the bug');
      },
      { logger, metrics },
    );
    const event = httpEvent({ method: 'GET', path: '/x' });

    const res = await handler(event, lambdaContext);
    const logged = parseLines(lines());

    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body as string)).toEqual({
      error: 'internal',
      message: 'something went wrong on our side',
      requestId: 'lambda-req-1',
    });
    expect(res.body).not.toContain('secret detail');
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'request failed',
        status: 500,
        error: 'TypeError',
        requestId: 'lambda-req-1',
        route: 'GET /x',
        correlation_id: event.requestContext.requestId,
      }),
    ]);
    expect(JSON.stringify(logged)).not.toContain('secret detail');
    expect(metrics.flushes).toBe(1);
  });

  it('answers a refusal with its status and message, logged at info', async () => {
    const { logger, lines } = capturingLogger();
    const handler = withHttpEdge(
      async () => {
        throw new ValidationError([{ path: 'email', message: 'must be an email address' }]);
      },
      { logger },
    );

    const res = await handler(httpEvent(), lambdaContext);
    const logged = parseLines(lines());

    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body as string)).toMatchObject({ error: 'validation_failed' });
    expect(logged).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'request refused', status: 400 }),
    ]);
  });

  it('passes the answer through, flushes metrics once, and leaves no request keys behind', async () => {
    const { logger, lines } = capturingLogger();
    const metrics = countingMetrics();
    const seen: { requestId: string; remainingMs?: number }[] = [];
    const handler = withHttpEdge(
      async (_event, scope) => {
        seen.push(scope);
        logger.info('inside');
        return json(200, { ok: true });
      },
      { logger, metrics },
    );

    const res = await handler(httpEvent({ method: 'GET', path: '/y' }), {
      awsRequestId: 'lambda-req-2',
      getRemainingTimeInMillis: () => 1234,
    });
    logger.info('after');
    const logged = parseLines(lines());

    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([{ requestId: 'lambda-req-2', remainingMs: 1234 }]);
    expect(metrics.flushes).toBe(1);
    expect(logged[0]).toMatchObject({ message: 'inside', requestId: 'lambda-req-2', route: 'GET /y' });
    expect(logged[1]?.message).toBe('after');
    expect(logged[1]).not.toHaveProperty('requestId');
    expect(logged[1]).not.toHaveProperty('route');
  });
});

const bug = () => {
  throw new TypeError('a bug');
};

function staffEvent(): APIGatewayProxyEventV2 {
  const event = httpEvent({
    method: 'GET',
    path: '/tips/01JTEST0000000000000000000',
    routeKey: 'GET /tips/{id}',
  });
  event.pathParameters = { id: '01JTEST0000000000000000000' };
  (event.requestContext as unknown as Record<string, unknown>).authorizer = {
    jwt: { claims: { username: 'alice', 'cognito:groups': '[staff]' }, scopes: null },
  };
  return event;
}

/** Each HTTP function, with a dependency that has a bug, and a request that reaches it. */
const FUNCTIONS = {
  intake: (logger: ReturnType<typeof capturingLogger>['logger']) => ({
    handler: makeIntakeHandler({
      submitTip: Object.assign(bug, { validated: bug }) as unknown as SubmitTip,
      storeHealth: async () => ({ ok: true }),
      logger,
    }),
    event: httpEvent({
      body: JSON.stringify({
        kind: 'tip',
        topic: 'europe',
        message: 'A long enough message.',
        consent: true,
      }),
    }),
  }),
  staff: (logger: ReturnType<typeof capturingLogger>['logger']) => ({
    handler: makeStaffHandler({
      store: { getTip: bug } as unknown as TipStore,
      listTips: bug as unknown as ListTips,
      triageTip: bug as unknown as TriageTip,
      downloadAttachment: bug as unknown as DownloadAttachment,
      logger,
    }),
    event: staffEvent(),
  }),
  receipts: (logger: ReturnType<typeof capturingLogger>['logger']) => ({
    handler: makeReceiptsHandler({
      followUp: { check: bug, addMessage: bug } as unknown as FollowUp,
      guard: async () => {},
      logger,
    }),
    event: Object.assign(
      httpEvent({ method: 'GET', path: '/receipts/X', routeKey: 'GET /receipts/{code}' }),
      {
        pathParameters: { code: 'X' },
      },
    ),
  }),
};

describe.each(Object.entries(FUNCTIONS))('the %s function behind the edge', (_name, make) => {
  it('answers a bug like every other function: 500, the request id, one error line', async () => {
    const { logger, lines } = capturingLogger();
    const { handler, event } = make(logger);

    const res = await handler(event, { awsRequestId: 'lambda-req-3' });
    const errors = parseLines(lines()).filter((l) => l.level === 'ERROR');

    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body as string)).toEqual({
      error: 'internal',
      message: 'something went wrong on our side',
      requestId: 'lambda-req-3',
    });
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'request failed',
        error: 'TypeError',
        requestId: 'lambda-req-3',
        correlation_id: event.requestContext.requestId,
      }),
    ]);
  });
});
