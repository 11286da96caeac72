import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROUTES, routeKey } from '#core/api/routes';
import { ENV } from '#core/config/env-names';
import { STAFF_GROUP, STAFF_SCOPE } from '#core/staff/staff-claims';
import { LIST_INDEXES, RECEIPT_INDEX } from '#core/tips/table-design';
import { CLEAN_PREFIX, ORIGINALS_PREFIX } from '#core/uploads/storage-layout';
import { makeTiplineApp } from '../../infra/tipline-app';
import type { TiplineStack } from '../../infra/tipline-stack';
import { logicalId, roleStatements, sortStatements, TEST_CONTEXT, templateOnly } from './template-helpers';

// Template assertions only: no bundling (stack.test.ts checks the bundles), no nag (nag.test.ts).
let stack: TiplineStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = templateOnly());
});

const props = (construct: Parameters<typeof logicalId>[1]) =>
  template.toJSON().Resources[logicalId(stack, construct)].Properties;
const envOf = (construct: Parameters<typeof logicalId>[1]) => props(construct).Environment.Variables;
const routes = () => Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
const routeFor = (key: string) => routes().find((r) => r.Properties.RouteKey === key);

describe('staff authorizer', () => {
  test('is a JWT authorizer for the Cognito pool, with the staff app client as audience', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(stack, stack.staffAuth.client) }],
        Issuer: {
          'Fn::Join': [
            '',
            Match.arrayWith(['https://cognito-idp.', { Ref: logicalId(stack, stack.staffAuth.userPool) }]),
          ],
        },
      },
    });
  });

  test('guards every staff route of ROUTES', () => {
    const authorizerId = logicalId(
      stack,
      stack.api.node.findChild('HttpApi').node.findChild('StaffAuthorizer'),
    );
    const staffRoutes = ROUTES.filter((r) => r.auth === 'staff');
    expect(staffRoutes.length).toBeGreaterThanOrEqual(4);
    for (const spec of staffRoutes) {
      expect(routeFor(routeKey(spec))?.Properties, routeKey(spec)).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
        // Only an access token with the staff API's scope: an id token (no scope) is refused.
        AuthorizationScopes: [STAFF_SCOPE],
      });
    }
  });

  test('is absent from every public route, POST /tips above all', () => {
    expect(routeFor('POST /tips')?.Properties).toMatchObject({ AuthorizationType: 'NONE' });
    expect(routeFor('POST /tips')?.Properties.AuthorizerId).toBeUndefined();
    for (const spec of ROUTES.filter((r) => r.auth === 'public')) {
      const route = routeFor(routeKey(spec))?.Properties;
      expect(route?.AuthorizationType, routeKey(spec)).toBe('NONE');
      expect(route?.AuthorizerId, routeKey(spec)).toBeUndefined();
    }
  });
});

describe('user pool', () => {
  test('admits no self sign-up, demands strong passwords, offers authenticator-app MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      DeletionProtection: 'ACTIVE',
    });
  });

  test('has the staff group the handler requires, a public app client and a hosted UI domain', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: STAFF_GROUP });
    expect(STAFF_GROUP).toBe('staff');
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      // The code grant only (the inbox sends a PKCE challenge): no token in a URL fragment.
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    // openid and the resource server's scope (`tipline/staff` once the server's id resolves).
    const [resourceServerId] = Object.keys(template.findResources('AWS::Cognito::UserPoolResourceServer'));
    expect(props(stack.staffAuth.client).AllowedOAuthScopes).toEqual([
      'openid',
      { 'Fn::Join': ['', [{ Ref: resourceServerId }, `/${STAFF_SCOPE.split('/')[1]}`]] },
    ]);
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'tipline-world-desk' });
  });

  test('declares the staff API as a resource server with the one scope the staff routes require', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolResourceServer', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: STAFF_SCOPE.split('/')[0],
      Scopes: [{ ScopeName: STAFF_SCOPE.split('/')[1], ScopeDescription: Match.anyValue() }],
      UserPoolId: { Ref: logicalId(stack, stack.staffAuth.userPool) },
    });
    expect(STAFF_SCOPE).toBe('tipline/staff');
  });

  test('the hosted UI sends an editor back to the /staff page behind CloudFront, whose sign-in link intake serves', () => {
    const client = props(stack.staffAuth.client);
    const inbox = stack.resolve(`${stack.edge.url}staff`);
    expect(client.CallbackURLs).toEqual([inbox]);
    const signIn = JSON.stringify(envOf(stack.intake)[ENV.STAFF_SIGN_IN_URL]);
    expect(signIn).toContain('/oauth2/authorize?response_type=code&client_id=');
    expect(signIn).not.toContain('response_type=token');
    expect(signIn).toContain(JSON.stringify({ Ref: logicalId(stack, stack.staffAuth.client) }));
    expect(signIn).toContain('&scope=openid+tipline%2Fstaff&redirect_uri=https://');
    // The page trades the code (with its PKCE verifier) at the same domain's token endpoint.
    const tokenUrl = JSON.stringify(envOf(stack.intake)[ENV.STAFF_TOKEN_URL]);
    expect(tokenUrl).toContain('.auth.');
    expect(tokenUrl).toContain('/oauth2/token');
  });

  test('a domain prefix Cognito would refuse fails the synth', () => {
    expect(() =>
      makeTiplineApp({
        bundle: false,
        nag: false,
        context: { ...TEST_CONTEXT, authDomainPrefix: 'my-cognito-desk' },
      }),
    ).toThrow(/context "authDomainPrefix"/);
  });
});

describe('staff function', () => {
  test('may read and update tips, query the 8 list indexes and the receipt index (GET /tips?receipt=), delete attachment copies: no PutItem, DeleteItem or Scan', () => {
    const table = { 'Fn::GetAtt': [logicalId(stack, stack.tips.table), 'Arn'] };
    const cleanArn = { 'Fn::GetAtt': [logicalId(stack, stack.attachments.clean), 'Arn'] };
    const statements = roleStatements(template, stack, stack.staff);
    expect(statements).toEqual(
      sortStatements([
        { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resource: table },
        ...[...LIST_INDEXES, RECEIPT_INDEX].map((i) => ({
          actions: ['dynamodb:Query'],
          resource: { 'Fn::Join': ['', [table, `/index/${i.indexName}`]] },
        })),
        // eraseAttachments: delete only, the clean copies and the kept originals, nothing else in S3.
        ...[CLEAN_PREFIX, ORIGINALS_PREFIX].map((prefix) => ({
          actions: ['s3:DeleteObject'],
          resource: { 'Fn::Join': ['', [cleanArn, `/${prefix}*`]] },
        })),
        {
          actions: [
            'kms:Decrypt',
            'kms:DescribeKey',
            'kms:Encrypt',
            'kms:GenerateDataKey*',
            'kms:ReEncrypt*',
          ],
          resource: { 'Fn::GetAtt': [logicalId(stack, stack.key), 'Arn'] },
        },
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resource: stack.resolve(stack.staff.logGroup.logGroupArn),
        },
        // The cursor secret, and the receipt-hash secret of GET /tips?receipt=.
        ...[ENV.CURSOR_SECRET, ENV.RECEIPT_HASH_SECRET].flatMap((name) => [
          {
            actions: ['secretsmanager:GetSecretValue'],
            resource: { Ref: logicalId(stack, stack.secrets.of(name)) },
          },
          {
            actions: ['kms:Decrypt'],
            resource: { 'Fn::GetAtt': [logicalId(stack, stack.key), 'Arn'] },
            condition: {
              StringEquals: {
                'kms:ViaService': {
                  'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
                },
                'kms:EncryptionContext:SecretARN': { Ref: logicalId(stack, stack.secrets.of(name)) },
              },
            },
          },
        ]),
        // Attachment downloads: presigned GETs of the clean copies and kept originals, GuardDuty's
        // verdict tag on them, and ListBucket so a missing original reads 404 (issue 12).
        ...[CLEAN_PREFIX, ORIGINALS_PREFIX].map((prefix) => ({
          actions: ['s3:GetObject', 's3:GetObjectTagging'],
          resource: {
            'Fn::Join': [
              '',
              [{ 'Fn::GetAtt': [logicalId(stack, stack.attachments.clean), 'Arn'] }, `/${prefix}*`],
            ],
          },
        })),
        {
          actions: ['s3:ListBucket'],
          resource: { 'Fn::GetAtt': [logicalId(stack, stack.attachments.clean), 'Arn'] },
        },
      ]),
    );
    const actions = statements.flatMap((s) => s.actions);
    // No write to S3; the one delete is eraseAttachments' s3:DeleteObject, in the list above.
    expect(actions.filter((a) => a.startsWith('s3:') && /Put/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('s3:') && /Delete/.test(a))).toEqual([
      's3:DeleteObject',
      's3:DeleteObject',
    ]);
    for (const forbidden of [
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  test("gets the table name and the cursor secret's ARN, never its value", () => {
    const fn = props(stack.staff);
    expect(fn.Environment.Variables[ENV.TIPS_TABLE]).toEqual({ Ref: logicalId(stack, stack.tips.table) });
    expect(fn.Environment.Variables[ENV.CURSOR_SECRET_ARN]).toEqual({
      Ref: logicalId(stack, stack.secrets.of(ENV.CURSOR_SECRET)),
    });
    expect(fn.Environment.Variables[ENV.CURSOR_SECRET]).toBeUndefined();
    // The bucket eraseAttachments deletes from.
    expect(fn.Environment.Variables[ENV.CLEAN_BUCKET]).toEqual({
      Ref: logicalId(stack, stack.attachments.clean),
    });
  });
});
