import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ROUTES, routeKey } from '#core/api/routes';
import { ENV } from '#core/config/env-names';
import { ORIGIN_VERIFY_HEADER } from '#core/guards/client-address';
import { FILE_PATH_PREFIXES, FILE_RESPONSE_HEADERS } from '#core/uploads/file-response-headers';
import { receiptPathPrefixes } from '../../infra/edge';
import { SHARED_THROTTLE_HEADROOM, stackConfigSchema } from '../../infra/stack-config';
import type { TiplineStack } from '../../infra/tipline-stack';
import { logicalId, TEST_CONTEXT, templateOnly } from './template-helpers';

// From the CloudFront developer guide's managed policies: these ids are fixed by AWS.
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

const LIMITS = { wafRateLimit: 240, wafReceiptsRateLimit: 30, wafWindowSeconds: 120 };
const { stack, template } = templateOnly(LIMITS);

const resources = (t: Template, type: string) => Object.values(t.findResources(type));
const [webAcl] = resources(template, 'AWS::WAFv2::WebACL');
const [distribution] = resources(template, 'AWS::CloudFront::Distribution');
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read by the assertions below
const rules: Record<string, any>[] = webAcl?.Properties.Rules ?? [];
const ruleNamed = (name: string) => rules.find((r) => r.Name === name);

function envOf(s: TiplineStack, fn: Parameters<typeof logicalId>[1]) {
  return template.toJSON().Resources[logicalId(s, fn)].Properties.Environment.Variables;
}

afterEach(() => vi.unstubAllEnvs());

describe('WAF web ACL in front of the API', () => {
  test('one web ACL, scope CLOUDFRONT, allowing by default, associated with the one distribution', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 1);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    expect(webAcl?.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(distribution?.Properties.DistributionConfig.WebACLId).toEqual({
      'Fn::GetAtt': [logicalId(stack, stack.edge.webAcl), 'Arn'],
    });
  });

  test('the distribution takes IPv4 only: a per-IP limit means nothing when one client holds a /64', () => {
    expect(distribution?.Properties.DistributionConfig.IPV6Enabled).toBe(false);
  });

  test('a general per-IP rate-based rule with the limit and window from context', () => {
    expect(ruleNamed('AllRoutesPerIp')?.Statement).toEqual({
      RateBasedStatement: { Limit: 240, EvaluationWindowSec: 120, AggregateKeyType: 'IP' },
    });
  });

  test('a stricter per-IP rule on the receipt routes, first, covering every receipts route of ROUTES', () => {
    const receipts = ruleNamed('ReceiptsPerIp');
    expect(receipts?.Priority).toBeLessThan(ruleNamed('AllRoutesPerIp')?.Priority);
    const rate = receipts?.Statement.RateBasedStatement;
    expect(rate).toMatchObject({ Limit: 30, EvaluationWindowSec: 120, AggregateKeyType: 'IP' });
    const match = rate.ScopeDownStatement.ByteMatchStatement;
    expect(match).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH' });
    // Decoded and normalised first: `/%72eceipts/…` or `//receipts/…` cannot slip past it.
    expect(match.TextTransformations.map((t: { Type: string }) => t.Type)).toEqual([
      'URL_DECODE',
      'NORMALIZE_PATH',
      'LOWERCASE',
    ]);
    const receiptPaths = ROUTES.filter((r) => r.target === 'receipts').map((r) => r.path);
    expect(receiptPaths.length).toBeGreaterThan(0);
    for (const path of receiptPaths) expect(path.startsWith(match.SearchString), path).toBe(true);
    const otherPaths = ROUTES.filter((r) => r.target !== 'receipts').map((r) => r.path);
    for (const path of otherPaths) expect(path.startsWith(match.SearchString), path).toBe(false);
    expect(receiptPathPrefixes()).toEqual([match.SearchString]);
  });

  test("a blocked client gets 429 with Retry-After and the API's own rate_limited JSON body", () => {
    for (const rule of rules) {
      expect(rule.Action.Block.CustomResponse).toEqual({
        ResponseCode: 429,
        CustomResponseBodyKey: 'rate-limited',
        ResponseHeaders: [{ Name: 'Retry-After', Value: '120' }],
      });
    }
    const body = webAcl?.Properties.CustomResponseBodies['rate-limited'];
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toMatchObject({ error: 'rate_limited' });
  });

  test("keeps no viewer's address: no sampled requests, no WAF logging, no CloudFront access logs", () => {
    for (const v of [webAcl?.Properties.VisibilityConfig, ...rules.map((r) => r.VisibilityConfig)]) {
      expect(v).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
    }
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    expect(distribution?.Properties.DistributionConfig.Logging).toBeUndefined();
  });

  test('the defaults are limits WAF accepts, the receipts one the stricter', () => {
    const d = stackConfigSchema.parse({ deskAddress: 'a@example.org', senderAddress: 'b@example.org' });
    expect(d.wafRateLimit).toBeGreaterThanOrEqual(10);
    expect(d.wafReceiptsRateLimit).toBeLessThan(d.wafRateLimit);
    expect([60, 120, 300, 600]).toContain(d.wafWindowSeconds);
    expect(() => templateOnly({ wafWindowSeconds: 90 })).toThrow(/context "wafWindowSeconds"/);
    expect(() => templateOnly({ wafReceiptsRateLimit: 5 })).toThrow(/context "wafReceiptsRateLimit"/);
  });
});

describe('CloudFront in front of the HTTP API', () => {
  const config = distribution?.Properties.DistributionConfig;
  const [origin] = config?.Origins ?? [];

  test('its first origin is the HTTP API over HTTPS only, carrying the origin secret (the other: the clean bucket)', () => {
    expect(config.Origins).toHaveLength(2);
    expect(JSON.stringify(origin.DomainName)).toContain(logicalId(stack, stack.api.httpApi));
    expect(JSON.stringify(origin.DomainName)).toContain('execute-api');
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    const headers = origin.OriginCustomHeaders;
    expect(headers.map((h: { HeaderName: string }) => h.HeaderName)).toEqual([ORIGIN_VERIFY_HEADER]);
    // A dynamic reference, resolved at deploy: the value is not in the template.
    expect(JSON.stringify(headers[0].HeaderValue)).toContain('{{resolve:secretsmanager:');
    expect(JSON.stringify(headers[0].HeaderValue)).toContain(logicalId(stack, stack.edge.originSecret));
  });

  test('forwards every viewer header but Host, with CloudFront-Viewer-Address, and caches nothing but assets', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      CachePolicyId: CACHING_DISABLED,
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PATCH', 'OPTIONS']),
    });
    expect(config.CacheBehaviors).toEqual([
      expect.objectContaining({ PathPattern: '/assets/*', AllowedMethods: ['GET', 'HEAD'] }),
      expect.objectContaining({ PathPattern: '/clean/*', CachePolicyId: CACHING_DISABLED }),
      expect.objectContaining({ PathPattern: '/originals/*', CachePolicyId: CACHING_DISABLED }),
    ]);
    expect(ROUTES.some((r) => r.path === '/assets/{file}' && r.method === 'GET')).toBe(true);
  });

  test('intake and receipts get the ARN of the very secret CloudFront sends, and no other function does', () => {
    const secretRef = logicalId(stack, stack.edge.originSecret);
    for (const fn of [stack.intake, stack.receipts]) {
      expect(envOf(stack, fn)[ENV.ORIGIN_VERIFY_SECRET_ARN]).toEqual({ Ref: secretRef });
      expect(envOf(stack, fn)).not.toHaveProperty(ENV.ORIGIN_VERIFY_SECRET);
    }
    for (const fn of [stack.staff, stack.alerts.notifier]) {
      expect(envOf(stack, fn)).not.toHaveProperty(ENV.ORIGIN_VERIFY_SECRET);
      expect(envOf(stack, fn)).not.toHaveProperty(ENV.ORIGIN_VERIFY_SECRET_ARN);
    }
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [logicalId(stack, stack.key), 'Arn'] },
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  test('the hosted UI sends editors back to the inbox behind CloudFront, not the execute-api URL', () => {
    const client = resources(template, 'AWS::Cognito::UserPoolClient')[0];
    expect(client?.Properties.CallbackURLs).toEqual([stack.resolve(`${stack.edge.url}staff`)]);
    expect(JSON.stringify(client?.Properties.CallbackURLs)).toContain(
      logicalId(stack, stack.edge.distribution),
    );
    expect(template.toJSON().Outputs.SiteUrl).toBeDefined();
  });

  test('a custom domain: its alias, its us-east-1 certificate, TLS 1.2 at least', () => {
    const certificateArn =
      'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const { template: custom } = templateOnly({ domainName: 'tips.newsroom.example', certificateArn });
    const cfg = resources(custom, 'AWS::CloudFront::Distribution')[0]?.Properties.DistributionConfig;
    expect(cfg.Aliases).toEqual(['tips.newsroom.example']);
    expect(cfg.ViewerCertificate).toMatchObject({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(custom.toJSON().Outputs.SiteUrl.Value).toBe('https://tips.newsroom.example/');
  });

  test('a domain without its certificate, or a certificate outside us-east-1, fails the synth', () => {
    expect(() => templateOnly({ domainName: 'tips.newsroom.example' })).toThrow(
      /"domainName" and "certificateArn"/,
    );
    expect(() =>
      templateOnly({
        domainName: 'tips.newsroom.example',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d',
      }),
    ).toThrow(/context "certificateArn".*us-east-1/);
  });
});

describe('the region: a CLOUDFRONT web ACL exists only in us-east-1', () => {
  test('a stack in another region fails the synth, saying why', () => {
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '123456789012');
    vi.stubEnv('CDK_DEFAULT_REGION', 'eu-west-1');
    expect(() => templateOnly()).toThrow(/region eu-west-1.*us-east-1/);
  });

  test('in us-east-1 it synthesizes', () => {
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '123456789012');
    vi.stubEnv('CDK_DEFAULT_REGION', 'us-east-1');
    expect(() => templateOnly()).not.toThrow();
  });

  test('an environment-agnostic template carries a rule that fails the deploy outside us-east-1', () => {
    const rule = template.toJSON().Rules?.EdgeRegionRule;
    expect(rule.Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
        AssertDescription: expect.stringContaining('us-east-1'),
      },
    ]);
  });
});

describe('API Gateway stage throttles: shared by all clients, so well above any one of them', () => {
  const [stage] = resources(template, 'AWS::ApiGatewayV2::Stage');
  const perIpPerSecond = (limit: number) => limit / LIMITS.wafWindowSeconds;

  test(`the stage admits at least ${SHARED_THROTTLE_HEADROOM} clients at their WAF limit`, () => {
    const rate = stage?.Properties.DefaultRouteSettings.ThrottlingRateLimit;
    expect(rate).toBe(TEST_CONTEXT.apiRateLimit);
    expect(rate).toBeGreaterThanOrEqual(SHARED_THROTTLE_HEADROOM * perIpPerSecond(LIMITS.wafRateLimit));
  });

  test('so do the receipt routes, with their defaults', () => {
    const d = stackConfigSchema.parse({ deskAddress: 'a@example.org', senderAddress: 'b@example.org' });
    for (const key of ROUTES.filter((r) => r.target === 'receipts').map(routeKey)) {
      const setting = stage?.Properties.RouteSettings[key];
      expect(setting).toEqual({
        ThrottlingRateLimit: d.receiptsRateLimit,
        ThrottlingBurstLimit: d.receiptsBurstLimit,
      });
      expect(setting.ThrottlingRateLimit).toBeGreaterThanOrEqual(
        SHARED_THROTTLE_HEADROOM * perIpPerSecond(LIMITS.wafReceiptsRateLimit),
      );
    }
    expect(d.receiptsRateLimit).toBeGreaterThanOrEqual(
      (SHARED_THROTTLE_HEADROOM * d.wafReceiptsRateLimit) / d.wafWindowSeconds,
    );
  });

  test("a shared throttle a few clients could fill fails the synth (old main's 5/s on the receipt routes)", () => {
    expect(() => templateOnly({ receiptsRateLimit: 5, receiptsBurstLimit: 10 })).toThrow(
      /context "receiptsRateLimit" \(5\/s\) must be at least/,
    );
    expect(() => templateOnly({ apiRateLimit: 50 })).toThrow(/context "apiRateLimit"/);
  });
});

describe('attachment files on the site origin (serveAttachmentFiles)', () => {
  const config = distribution?.Properties.DistributionConfig;
  const cleanId = logicalId(stack, stack.attachments.clean);
  const fileOrigin = (config?.Origins ?? []).find((o: { DomainName: unknown }) =>
    JSON.stringify(o.DomainName).includes(cleanId),
  );
  const [policy] = resources(template, 'AWS::CloudFront::ResponseHeadersPolicy');
  const behaviours = (config?.CacheBehaviors ?? []).filter((b: { PathPattern: string }) =>
    FILE_PATH_PREFIXES.some((p) => b.PathPattern === `/${p}*`),
  );

  test("clean/* and originals/* go to the clean bucket's regional endpoint, HTTPS only, without OAC", () => {
    expect(fileOrigin?.DomainName).toEqual({ 'Fn::GetAtt': [cleanId, 'RegionalDomainName'] });
    expect(fileOrigin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    // The presigned query string authenticates: no origin access control re-signs the request.
    expect(fileOrigin?.OriginAccessControlId).toBeUndefined();
    expect(fileOrigin?.S3OriginConfig).toBeUndefined();
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
    expect(behaviours.map((b: { PathPattern: string }) => b.PathPattern)).toEqual([
      '/clean/*',
      '/originals/*',
    ]);
  });

  test('each behaviour: GET/HEAD, HTTPS only, no caching, every query string and viewer header but Host', () => {
    for (const b of behaviours) {
      expect(b).toMatchObject({
        AllowedMethods: ['GET', 'HEAD'],
        ViewerProtocolPolicy: 'https-only',
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ResponseHeadersPolicyId: { Ref: logicalId(stack, findPolicy(stack)) },
      });
      expect(b.TargetOriginId).toBe(fileOrigin?.Id);
    }
  });

  test('the response headers policy adds nosniff, the sandbox CSP, no referrer and no-store, overriding S3', () => {
    const c = policy?.Properties.ResponseHeadersPolicyConfig;
    expect(c.SecurityHeadersConfig).toEqual({
      ContentTypeOptions: { Override: true },
      ContentSecurityPolicy: { ContentSecurityPolicy: "sandbox; default-src 'none'", Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    expect(c.CustomHeadersConfig.Items).toEqual([
      { Header: 'Cache-Control', Value: 'no-store', Override: true },
    ]);
    expect(FILE_RESPONSE_HEADERS['content-security-policy']).toBe("sandbox; default-src 'none'");
  });

  test('the staff function gets the clean bucket, the site URL as the file origin and MALWARE_SCAN=guardduty', () => {
    const env = envOf(stack, stack.staff);
    expect(env[ENV.CLEAN_BUCKET]).toEqual({ Ref: cleanId });
    expect(JSON.stringify(env[ENV.FILE_BASE_URL])).toContain(logicalId(stack, stack.edge.distribution));
    expect(env[ENV.MALWARE_SCAN]).toBe('guardduty');
  });
});

function findPolicy(s: TiplineStack) {
  const found = s.edge.node.tryFindChild('FileHeaders');
  if (!found) throw new Error('no FileHeaders policy on the edge');
  return found as Parameters<typeof logicalId>[1];
}
