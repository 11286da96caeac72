import { Aws, CfnOutput, CfnRule, Fn, Stack, Token } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ROUTES } from '#core/api/routes';
import { ORIGIN_VERIFY_HEADER } from '#core/guards/client-address';
import { RateLimitedError } from '#core/http/errors';
import { FILE_PATH_PREFIXES, FILE_RESPONSE_HEADERS } from '#core/uploads/file-response-headers';

/** WAF for CloudFront (scope CLOUDFRONT) exists only in us-east-1. */
export const EDGE_REGION = 'us-east-1';

export interface EdgeRateLimits {
  /** Requests per IP per window, any route. */
  readonly perIp: number;
  /** Requests per IP per window to the receipt routes: the stricter rule. */
  readonly receiptsPerIp: number;
  /** 60, 120, 300 or 600 seconds. */
  readonly windowSeconds: number;
}

export interface TiplineEdgeProps {
  readonly api: HttpApi;
  readonly limits: EdgeRateLimits;
  /** The origin secret's key: the project's customer-managed key. */
  readonly encryptionKey: IKey;
  /** A custom domain and its us-east-1 ACM certificate; both or neither (stack-config.ts checks). */
  readonly domainName?: string | undefined;
  readonly certificateArn?: string | undefined;
}

/**
 * The path prefixes of the receipt routes, from ROUTES (`/receipts/{code}` → `/receipts/`), so
 * the stricter WAF rule covers every receipt route routes.ts has, and nothing else.
 */
export function receiptPathPrefixes(): string[] {
  const prefixes = ROUTES.filter((r) => r.target === 'receipts').map((r) => r.path.split('{')[0] as string);
  return [...new Set(prefixes)];
}

const RATE_LIMITED_BODY = 'rate-limited';

/**
 * What stands in front of the HTTP API: a CloudFront distribution with an AWS WAF web ACL of
 * per-IP rate-based rules. API Gateway's own throttles are shared by every client and spent
 * before any function runs; WAF counts each viewer IP apart, at the edge, before a request
 * reaches API Gateway at all.
 *
 * CloudFront adds `x-tipline-origin-verify` (a generated secret) to every request it sends
 * on; the functions trust the viewer's address (`CloudFront-Viewer-Address`) only on a request
 * carrying it (functions/core/guards/client-address.ts). The execute-api endpoint cannot be
 * turned off for an HTTP API without a custom domain of its own, and WAF cannot be attached to
 * an HTTP API: a client calling it directly bypasses WAF but is keyed on its real address.
 */
export class TiplineEdge extends Construct {
  readonly distribution: Distribution;
  readonly webAcl: CfnWebACL;
  readonly originSecret: Secret;
  /** The public base URL readers and staff use, ending in `/`. */
  readonly url: string;
  /** The same without the path: what a browser sends as `Origin` from the form (CORS). */
  readonly origin: string;
  /** Served on the newsroom's own domain (TLS 1.2 minimum), not the default cloudfront.net name. */
  readonly customDomain: boolean;

  constructor(scope: Construct, id: string, props: TiplineEdgeProps) {
    super(scope, id);
    requireEdgeRegion(this);
    const { limits } = props;

    this.originSecret = new Secret(this, 'OriginVerifySecret', {
      description: 'Sent by CloudFront to the API; proves a request came through the WAF',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      encryptionKey: props.encryptionKey,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Tipline: per-IP rate limits in front of the API',
      defaultAction: { allow: {} },
      // Sampled requests would show viewers' IP addresses in the console: Tipline keeps none.
      visibilityConfig: visibility('TiplineEdge'),
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          // The same body as the functions' own 429 (functions/core/http/errors.ts).
          content: JSON.stringify({
            error: RateLimitedError.code,
            message: 'too many requests from this address; try again later',
          }),
        },
      },
      rules: [
        rateRule('ReceiptsPerIp', 0, limits.receiptsPerIp, limits.windowSeconds, receiptsScope()),
        rateRule('AllRoutesPerIp', 1, limits.perIp, limits.windowSeconds),
      ],
    });

    const origin = new HttpOrigin(`${props.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      // Resolved by CloudFormation at deploy: the value is in no template or repository.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
    });
    this.customDomain = props.domainName !== undefined && props.certificateArn !== undefined;
    const custom =
      props.domainName && props.certificateArn
        ? {
            domainNames: [props.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Tipline: reader form, API and staff inbox behind WAF',
      defaultBehavior: {
        origin,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // Every answer is per request (tips, tokens, receipts): nothing is cached at the edge.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // Every viewer header (Authorization, Idempotency-Key, If-Match...) and CloudFront's own,
        // CloudFront-Viewer-Address among them; not Host, which API Gateway must see as its own.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      additionalBehaviors: {
        // Content-hashed and immutable (GET /assets/{file}): cached at the edge.
        '/assets/*': {
          origin,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        },
      },
      webAclId: this.webAcl.attrArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      // IPv4 only: WAF's rate-based rules count each address alone and cannot count an IPv6
      // prefix, and one client holds a whole /64 (2^64 addresses), so over IPv6 the per-IP limits
      // would stop no one and one client could fill the shared stage throttles again. IPv6-only
      // networks still reach the distribution through their NAT64 gateways.
      enableIpv6: false,
      // Readers write in from everywhere a world desk covers.
      priceClass: PriceClass.PRICE_CLASS_ALL,
      // Access logs would record every reader's IP address (nag-acknowledgements.ts).
      enableLogging: false,
      ...custom,
    });

    this.origin = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    new CfnOutput(scope, 'SiteUrl', {
      value: this.url,
      description: 'Public base URL of Tipline (CloudFront and WAF in front of the API)',
    });
  }
}

/**
 * Serves the clean bucket's `clean/*` and `originals/*` on the site's origin, so a staff download
 * (a SigV4 presigned GET, signed by the staff function for the bucket's regional host) comes with
 * the headers S3 cannot add: nosniff, a sandbox CSP, no referrer, no caching. The origin is the
 * bucket's regional endpoint as a plain HTTPS origin, without origin access control: the
 * presigned query string is the authentication (OAC would re-sign the request as CloudFront, and
 * the bucket stays private to anyone without a signature). Every query string goes on, and every
 * viewer header but Host: CloudFront sends the origin's own host, which is the one signed.
 */
export function serveAttachmentFiles(edge: TiplineEdge, bucket: IBucket): ResponseHeadersPolicy {
  const policy = new ResponseHeadersPolicy(edge, 'FileHeaders', {
    comment: 'Tipline attachment files: never sniffed, never scripted, never cached',
    securityHeadersBehavior: {
      contentTypeOptions: { override: true },
      contentSecurityPolicy: {
        contentSecurityPolicy: FILE_RESPONSE_HEADERS['content-security-policy'],
        override: true,
      },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    },
    customHeadersBehavior: {
      customHeaders: [
        { header: 'Cache-Control', value: FILE_RESPONSE_HEADERS['cache-control'], override: true },
      ],
    },
  });
  const origin = new HttpOrigin(bucket.bucketRegionalDomainName, {
    protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
  });
  for (const prefix of FILE_PATH_PREFIXES) {
    edge.distribution.addBehavior(`/${prefix}*`, origin, {
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      // Each URL is one person's signed, short-lived grant: never cached, never served to another.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: policy,
    });
  }
  return policy;
}

/**
 * A web ACL for CloudFront must be created in us-east-1. A stack with a known region elsewhere
 * fails the synth; an environment-agnostic one gets a template rule that fails the deploy
 * before any resource is made.
 */
function requireEdgeRegion(scope: Construct): void {
  const stack = Stack.of(scope);
  const why =
    'Tipline puts AWS WAF (scope CLOUDFRONT) in front of the API, and such a web ACL exists only in us-east-1: deploy the stack there (docs/operations.md)';
  if (!Token.isUnresolved(stack.region) && stack.region !== EDGE_REGION) {
    throw new Error(`invalid Tipline stack region ${stack.region}: ${why}`);
  }
  new CfnRule(stack, 'EdgeRegionRule', {
    assertions: [{ assert: Fn.conditionEquals(Aws.REGION, EDGE_REGION), assertDescription: why }],
  });
}

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: false,
});

/** The receipt routes' paths, however a client encodes them (`/%72eceipts/`, `//receipts/`). */
function receiptsScope(): CfnWebACL.StatementProperty {
  const matches: CfnWebACL.StatementProperty[] = receiptPathPrefixes().map((prefix) => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: prefix.toLowerCase(),
      textTransformations: [
        { priority: 0, type: 'URL_DECODE' },
        { priority: 1, type: 'NORMALIZE_PATH' },
        { priority: 2, type: 'LOWERCASE' },
      ],
    },
  }));
  const [only] = matches;
  if (matches.length === 1 && only) return only;
  return { orStatement: { statements: matches } };
}

function rateRule(
  name: string,
  priority: number,
  limit: number,
  windowSeconds: number,
  scopeDownStatement?: CfnWebACL.StatementProperty,
): CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    statement: {
      rateBasedStatement: {
        limit,
        evaluationWindowSec: windowSeconds,
        // The viewer's address as CloudFront received it (not a forwarded header a client sets).
        aggregateKeyType: 'IP',
        ...(scopeDownStatement ? { scopeDownStatement } : {}),
      },
    },
    action: {
      block: {
        customResponse: {
          responseCode: RateLimitedError.status,
          customResponseBodyKey: RATE_LIMITED_BODY,
          responseHeaders: [{ name: 'Retry-After', value: String(windowSeconds) }],
        },
      },
    },
    visibilityConfig: visibility(name),
  };
}
