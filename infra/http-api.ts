import { CfnOutput } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionName, ROUTES, type RouteSpec, routeKey } from '#core/api/routes';

export interface ApiThrottle {
  /** Requests per second, steady state, across the whole stage. */
  readonly rateLimit: number;
  /** Requests admitted at once above the steady rate (the first minutes of a breaking story). */
  readonly burstLimit: number;
}

export interface TiplineApiProps {
  readonly throttle: ApiThrottle;
  readonly accessLogs: ILogGroup;
}

export interface RouteTargets {
  /** The function serving each route target of functions/core/api/routes.ts. */
  readonly functions: Record<FunctionName, IFunction>;
  /** Put on every route whose `auth` is 'staff'; a stack with staff routes must provide it. */
  readonly staffAuthorizer?: IHttpRouteAuthorizer;
  /** The OAuth scopes every staff route requires of the token (one of them); @default none. */
  readonly staffScopes?: string[];
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
 * token) is exactly what the local gateway serves and the tests exercise. The routes are
 * added once the functions exist, which themselves may need the API's URL (the staff
 * sign-in redirect).
 */
export class TiplineApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** Each route by its route key (`POST /tips`), for the checks that speak of one route. */
  readonly routes = new Map<string, HttpRoute>();

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
    new CfnOutput(scope, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the Tipline API' });
  }

  /** The stage's base URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }

  /**
   * A tighter limit on some routes, for the whole API (every client together), on top of the
   * stage's. Per-client limits live in the functions; this caps what many clients together
   * (one attacker behind many IPs) can do.
   */
  throttleRoutes(routeKeys: string[], throttle: ApiThrottle): void {
    checkThrottle(throttle);
    const stage = this.stage.node.defaultChild as CfnStage;
    const settings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {
      ...(stage.routeSettings as Record<
        string,
        { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
      >),
    };
    for (const key of routeKeys) {
      const route = this.routes.get(key);
      if (!route) throw new Error(`cannot throttle ${key}: the API has no such route`);
      settings[key] = { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit };
      // Route settings name a route key that must already exist when the stage is updated.
      this.stage.node.addDependency(route);
    }
    stage.routeSettings = settings;
  }

  addTiplineRoutes(props: RouteTargets): void {
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of props.routes ?? ROUTES) {
      const fn = props.functions[route.target];
      // A route list from outside the type system (a test, a JSON file) is checked here too.
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
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'staff'
          ? { authorizer: props.staffAuthorizer, authorizationScopes: props.staffScopes ?? [] }
          : {}),
      });
      if (added) this.routes.set(routeKey(route), added);
    }
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
