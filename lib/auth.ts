import { Duration, Lazy, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolGroup,
  LambdaVersion,
  UserPoolOperation,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ROLES, SCOPES } from '../functions/domain/access.js';
import type { StageNames } from './stage-config.js';

/** The resource server of the API: machine clients' scopes are `oms/<name>` (functions/domain/access.ts). */
export const RESOURCE_SERVER_ID = 'oms';

export interface OmsAuthProps {
  /**
   * Another identity provider (Okta, Entra ID, Auth0, …): its issuer URL. Without it the stack
   * creates a Cognito user pool and uses that.
   */
  issuer?: string;
  /** Accepted `aud` (or Cognito `client_id`) values; with `issuer`, required, else added to the pool's clients. */
  audience?: readonly string[];
  /**
   * More URLs the console's sign-in may return to (authorization code + PKCE), beside the console
   * sites added with `acceptConsoleAt` (a development server, a second host name).
   */
  consoleCallbackUrls?: readonly string[];
  /** The hosted UI's domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); the stage's by default. */
  domainPrefix?: string;
  /** The pre-token-generation trigger that puts a user's locations into the access token. */
  preTokenGeneration: IFunction;
  /** The stage's names: the pool's domain prefix, unique across AWS, carries the stage. */
  names: StageNames;
  retainData: boolean;
  removalPolicy: RemovalPolicy;
}

/**
 * Who the callers of the API are: the JWT authorizer every route that needs a token uses, and,
 * unless the retailer brings its own identity provider, the Cognito user pool behind it, with a
 * group per role, a `locations` attribute for store staff, a console client (authorization code
 * with PKCE) and a resource server whose scopes machine clients get with client credentials.
 */
export class OmsAuth extends Construct {
  readonly authorizer: HttpJwtAuthorizer;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly userPool?: UserPool;
  readonly consoleClient?: UserPoolClient;
  readonly integrationClient?: UserPoolClient;
  /** The OAuth token endpoint of the pool's domain, where machine clients get tokens (client credentials). */
  readonly tokenUrl?: string;
  /** The hosted UI's host name, `<prefix>.auth.<region>.amazoncognito.com`, where people sign in. */
  readonly hostedUiDomain?: string;
  /** Where the console client's sign-in and sign-out may return: the configured URLs, then each site's. */
  private readonly consoleUrls: string[];

  constructor(scope: Construct, id: string, props: OmsAuthProps) {
    super(scope, id);
    this.consoleUrls = [...(props.consoleCallbackUrls ?? [])];
    if (props.issuer) {
      if (!props.audience?.length)
        throw new Error('An identity provider of your own needs its audience too.');
      this.issuer = props.issuer;
      this.audience = props.audience;
    } else {
      const pool = this.createUserPool(props);
      this.userPool = pool.userPool;
      this.consoleClient = pool.consoleClient;
      this.integrationClient = pool.integrationClient;
      this.hostedUiDomain = `${pool.domain.domainName}.auth.${Stack.of(this).region}.amazoncognito.com`;
      this.tokenUrl = `https://${this.hostedUiDomain}/oauth2/token`;
      this.issuer = pool.userPool.userPoolProviderUrl;
      this.audience = [
        pool.consoleClient.userPoolClientId,
        pool.integrationClient.userPoolClientId,
        ...(props.audience ?? []),
      ];
    }
    this.authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, { jwtAudience: [...this.audience] });
  }

  /**
   * Lets the console client's sign-in and sign-out return to a console site (its `/console/`
   * URL). The client's URLs are read when the template is written, not when the client is made:
   * the site's distribution serves the API, whose authorizer needs this client's id first. In
   * CloudFormation that is no cycle: the client waits for the distribution, nothing waits for
   * the client but the authorizer and the site's config.json.
   */
  acceptConsoleAt(url: string): void {
    this.consoleUrls.push(url);
  }

  private createUserPool(props: OmsAuthProps) {
    const userPool = new UserPool(this, 'UserPool', {
      // Staff are invited by an admin; nobody signs themselves up to move stock.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      customAttributes: { locations: new StringAttribute({ mutable: true, maxLen: 2048 }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus adds threat protection (compromised passwords, risky sign-ins); a staff pool is small,
      // so its per-user price is little against an account that can move every store's stock.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.retainData,
      removalPolicy: props.removalPolicy,
    });
    userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      props.preTokenGeneration,
      LambdaVersion.V3_0,
    );
    ROLES.filter((role) => role !== 'integration').forEach((role, precedence) => {
      new UserPoolGroup(this, `Group-${role}`, {
        userPool,
        groupName: role,
        precedence,
        description: `People with the ${role} role (docs/security.md)`,
      });
    });
    const scopes = Object.entries(SCOPES).map(
      ([name, description]) =>
        new ResourceServerScope({
          scopeName: name.slice(RESOURCE_SERVER_ID.length + 1),
          scopeDescription: description,
        }),
    );
    const resourceServer = userPool.addResourceServer('Api', { identifier: RESOURCE_SERVER_ID, scopes });
    const stack = Stack.of(this);
    const domain = userPool.addDomain('Domain', {
      cognitoDomain: {
        domainPrefix: props.domainPrefix ?? props.names.userPoolDomainPrefix(stack.account, stack.region),
      },
    });
    const consoleUrls = Lazy.list({ produce: () => this.consoleUrls });
    const consoleClient = userPool.addClient('Console', {
      // A browser app can not keep a secret; PKCE protects its authorization code instead.
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: consoleUrls,
        logoutUrls: consoleUrls,
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });
    const integrationClient = userPool.addClient('Integration', {
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: scopes.map((scope) => OAuthScope.resourceServer(resourceServer, scope)),
      },
      accessTokenValidity: Duration.hours(1),
    });
    this.node.addValidation({
      validate: () =>
        this.consoleUrls.length > 0
          ? []
          : [
              'The console client needs a URL to return to: a console site (acceptConsoleAt) or consoleCallbackUrls.',
            ],
    });
    return { userPool, consoleClient, integrationClient, domain };
  }
}
