import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROLES, SCOPES } from '../../functions/domain/access.js';
import { ROUTES } from '../../lib/topology.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

describe('who may call the API, in AWS', { timeout: 60_000 }, () => {
  const { stack, template } = synthesizeOms();
  const auth = stack.node.findChild('Auth');

  it('creates a user pool without self sign-up, with MFA, threat protection and a locations attribute', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'locations', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
  });

  it("copies a user's locations into the access token with a V2 pre-token-generation trigger", () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaVersion: 'V3_0',
          LambdaArn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.preTokenGeneration), 'Arn'] },
        },
      },
    });
  });

  it.each(ROLES.filter((role) => role !== 'integration'))('has a group for the role %s', (role) => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: role });
  });

  it('declares every scope of the access table on the resource server', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'oms',
      Scopes: Object.keys(SCOPES).map((scope) => Match.objectLike({ ScopeName: scope.slice('oms/'.length) })),
    });
  });

  it('has a console client for the authorization code flow, without a secret (PKCE)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      GenerateSecret: false,
    });
  });

  it('has a machine client for client credentials, granted the resource server scopes', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['client_credentials'],
      GenerateSecret: true,
      AllowedOAuthScopes: Object.keys(SCOPES).map(() => Match.anyValue()),
    });
  });

  it("points the JWT authorizer at the pool's issuer and its clients", () => {
    const pool = logicalIdOf(auth.node.findChild('UserPool'));
    const clients = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [pool, 'ProviderURL'] },
        Audience: Match.arrayWith(clients.map((client) => ({ Ref: client }))),
      },
    });
  });

  it('counts one authorized route per route whose access needs a token', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    const authorized = routes.filter((route) => route.Properties.AuthorizationType === 'JWT');
    expect(authorized).toHaveLength(ROUTES.filter((route) => 'roles' in route.access).length);
    expect(routes).toHaveLength(ROUTES.length);
  });

  it('deploys none of the local runtime’s own endpoints', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey as string,
    );
    expect(routeKeys.filter((key) => key.includes('/_local') || key.endsWith(' /health'))).toEqual([]);
  });
});

describe('another identity provider', { timeout: 60_000 }, () => {
  it('replaces the user pool: the authorizer takes the issuer and audience given', () => {
    const { template } = synthesizeOms({
      auth: { issuer: 'https://retailer.okta.com/oauth2/default', audience: ['api://oms'] },
    });

    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    // The console signs in through the pool's hosted UI only (docs/console.md, "What is left").
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://retailer.okta.com/oauth2/default', Audience: ['api://oms'] },
    });
  });

  it('adds audiences to those of the user pool', () => {
    const { template } = synthesizeOms({ auth: { audience: ['extra-client'] } });

    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Audience: Match.arrayWith(['extra-client']) },
    });
  });

  it('refuses an issuer without an audience, since every token would fail', () => {
    expect(() => synthesizeOms({ auth: { issuer: 'https://retailer.okta.com' } })).toThrow(/audience/);
  });
});
