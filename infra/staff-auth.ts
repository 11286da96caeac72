import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { STAFF_GROUP, STAFF_RESOURCE_SERVER, STAFF_SCOPE, STAFF_SCOPE_NAME } from '#core/staff/staff-claims';

export interface StaffAuthProps {
  /** Prefix of the hosted sign-in page, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  /** The staff inbox page (`<api>/staff`): the hosted UI sends an editor back there with a token. */
  readonly inboxUrl: string;
  /** More places the hosted UI may send an editor back to (a CLI's local listener). */
  readonly extraCallbackUrls: string[];
}

/**
 * Who may use the staff API: a Cognito user pool that only an administrator adds people to,
 * its `staff` group (the handler requires it: 403 otherwise), and the JWT authorizer that
 * API Gateway runs on every staff route before the function is even invoked.
 */
export class StaffAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly authorizer: HttpJwtAuthorizer;
  /** The hosted UI's authorize URL (code grant) that brings an editor back to the inbox with a code. */
  readonly signInUrl: string;
  /** Where the inbox trades that code and its PKCE verifier for a token. */
  readonly tokenUrl: string;

  constructor(scope: Construct, id: string, props: StaffAuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      // Editors are invited; nobody signs themselves up to read tips.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Authenticator apps only: SMS codes can be intercepted by SIM swap.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });

    new UserPoolGroup(this, 'StaffGroup', {
      userPool: this.userPool,
      groupName: STAFF_GROUP,
      description: 'Editors who may list, read, triage and export tips',
    });

    const domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });

    // The staff API's own scope: API Gateway requires it on every staff route, so only an access
    // token issued to this client for the staff API passes (an id token carries no scope).
    const staffScope = new ResourceServerScope({
      scopeName: STAFF_SCOPE_NAME,
      scopeDescription: 'List, read, triage and export tips',
    });
    const staffApi = this.userPool.addResourceServer('StaffApi', {
      identifier: STAFF_RESOURCE_SERVER,
      userPoolResourceServerName: 'Tipline staff API',
      scopes: [staffScope],
    });

    this.client = this.userPool.addClient('StaffClient', {
      // A public client (browser inbox, CLI): no secret to leak; the code flow uses PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        // The authorization code grant only: no implicit grant, so no token ever travels in a URL
        // fragment (history, referrers, extensions). The inbox page sends a PKCE challenge and
        // trades the code with its verifier at the token endpoint.
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.resourceServer(staffApi, staffScope)],
        callbackUrls: [props.inboxUrl, ...props.extraCallbackUrls],
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    this.signInUrl = [
      `${domain.baseUrl()}/oauth2/authorize?response_type=code`,
      `client_id=${this.client.userPoolClientId}`,
      `scope=openid+${encodeURIComponent(STAFF_SCOPE)}`,
      `redirect_uri=${props.inboxUrl}`,
    ].join('&');
    this.tokenUrl = `${domain.baseUrl()}/oauth2/token`;

    const issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    // Cognito access tokens carry the app client in `client_id`, id tokens in `aud`; API
    // Gateway accepts either against this audience list, and the routes' authorizationScopes
    // (STAFF_SCOPE) then admit access tokens only.
    this.authorizer = new HttpJwtAuthorizer('StaffAuthorizer', issuer, {
      jwtAudience: [this.client.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });

    new CfnOutput(scope, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(scope, 'StaffClientId', { value: this.client.userPoolClientId });
  }
}
