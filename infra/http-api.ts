import { CfnOutput } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, ROUTES, type RouteSpec, routeKey } from '../functions/core/routes';

export interface ApiThrottle {
  /** Requests per second, steady state, across the whole stage. */
  readonly rateLimit: number;
  /** Requests admitted at once above the steady rate (the first minutes of a breaking story). */
  readonly burstLimit: number;
}

export interface TiplineApiProps {
  /** The function serving each route target of functions/core/routes.ts. */
  readonly functions: Partial<Record<FunctionName, IFunction>>;
  readonly throttle: ApiThrottle;
  readonly accessLogs: ILogGroup;
  /** Put on every route whose `auth` is 'staff'; a stack with staff routes must provide it. */
  readonly staffAuthorizer?: IHttpRouteAuthorizer;
  /** @default ROUTES */
  readonly routes?: readonly RouteSpec[];
}

/**
 * Fields of the access log. Deliberately no `$context.identity.sourceIp` or user agent:
 * Tipline stores no reader's IP anywhere (a source's IP can identify them).
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTimeEpoch',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
});

/**
 * The HTTP API, its routes built from ROUTES, so what AWS serves (and what needs a staff
 * token) is exactly what the local gateway serves and the tests exercise.
 */
export class TiplineApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: TiplineApiProps) {
    super(scope, id);
    checkThrottle(props.throttle);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Tipline: reader tips in, staff triage',
      // The stage is declared below with throttling and access logs; the implicit one has neither.
      createDefaultStage: false,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(props.accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of props.routes ?? ROUTES) {
      const fn = props.functions[route.target];
      if (!fn)
        throw new Error(
          `route ${routeKey(route)} targets the ${route.target} function, which the stack does not define`,
        );
      if (route.auth === 'staff' && !props.staffAuthorizer) {
        throw new Error(`route ${routeKey(route)} is a staff route but the API has no staff authorizer`);
      }
      let integration = integrations.get(route.target);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${capitalise(route.target)}Integration`, fn);
        integrations.set(route.target, integration);
      }
      this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'staff' ? { authorizer: props.staffAuthorizer } : {}),
      });
    }

    new CfnOutput(scope, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the Tipline API' });
  }
}

function checkThrottle({ rateLimit, burstLimit }: ApiThrottle) {
  if (!Number.isFinite(rateLimit) || rateLimit <= 0)
    throw new Error(`API rateLimit must be > 0, got ${rateLimit}`);
  if (!Number.isInteger(burstLimit) || burstLimit < 1) {
    throw new Error(`API burstLimit must be a positive integer, got ${burstLimit}`);
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
