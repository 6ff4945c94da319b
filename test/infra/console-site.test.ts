import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Source } from 'aws-cdk-lib/aws-s3-deployment';
import { ConsoleSite, type ConsoleSiteProps } from '../../lib/console-site.js';
import { logicalIdOf } from './oms-app.js';

/** The console's static site in a stack of its own, from a made-up build, so no Vite build is needed to synthesize. */
function synthesizeSite(customDomain?: ConsoleSiteProps['customDomain']) {
  const siteDirectory = mkdtempSync(join(tmpdir(), 'console-site-'));
  mkdirSync(join(siteDirectory, 'assets'));
  writeFileSync(join(siteDirectory, 'index.html'), '<!doctype html><title>OMS console</title>');
  writeFileSync(join(siteDirectory, 'assets', 'index-abc.js'), 'console.log(1)');
  const app = new App();
  const stack = new Stack(app, 'ConsoleSiteTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const site = new ConsoleSite(stack, 'Console', {
    files: Source.asset(siteDirectory),
    apiEndpoint: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
    auth: { domain: 'oms-prod.auth.eu-west-1.amazoncognito.com', clientId: 'console-client' },
    ...(customDomain && { customDomain }),
    deploymentLogs: { logGroupName: '/oms/test/console-deployment', retention: RetentionDays.ONE_MONTH },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return { app, stack, site, template: Template.fromStack(stack) };
}

function findingsOf(app: App) {
  const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return report.violations.map(
    (violation) => `${violation.ruleName} ${violation.violatingResources[0]?.constructPath}`,
  );
}

describe('the console as a static site in AWS', { timeout: 60_000 }, () => {
  const { app, stack, site, template } = synthesizeSite();

  it('keeps the files in a private, encrypted bucket that only this distribution may read', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({})] },
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('serves over HTTPS only, GET and HEAD, with the security headers', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          ResponseHeadersPolicyId: Match.anyValue(),
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
      }),
    });
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0] as {
      Properties: {
        ResponseHeadersPolicyConfig: { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
      };
    };
    const security = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy!.ContentSecurityPolicy).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self' https://oms-prod.auth.eu-west-1.amazoncognito.com; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self' https://oms-prod.auth.eu-west-1.amazoncognito.com",
    );
    expect(security).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY' },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true },
    });
  });

  it('passes /v1/ on to the API, uncached, every method, with the Authorization header but not the Host', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as {
      Properties: {
        DistributionConfig: {
          CacheBehaviors: { TargetOriginId: string }[];
          Origins: { Id: string; DomainName: unknown; CustomOriginConfig?: unknown }[];
        };
      };
    };
    const { CacheBehaviors, Origins } = distribution.Properties.DistributionConfig;
    expect(CacheBehaviors).toEqual([
      expect.objectContaining({
        PathPattern: '/v1/*',
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        // The managed CachingDisabled and AllViewerExceptHostHeader policies.
        CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        // The same security headers as the console's own files.
        ResponseHeadersPolicyId: { Ref: expect.stringMatching(/^ConsoleSecurityHeaders/) },
      }),
    ]);
    expect(Origins.find((origin) => origin.Id === CacheBehaviors[0]!.TargetOriginId)).toMatchObject({
      DomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
  });

  it('answers /console/ with the page and sends / and /console to /console/', () => {
    const fn = Object.values(template.findResources('AWS::CloudFront::Function'))[0] as {
      Properties: { FunctionCode: string };
    };
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (event: unknown) => {
      uri?: string;
      statusCode?: number;
      headers?: { location: { value: string } };
    };
    const request = (uri: string) => handler({ request: { uri } });
    expect(request('/console/').uri).toBe('/console/index.html');
    expect(request('/console/assets/index-abc.js').uri).toBe('/console/assets/index-abc.js');
    expect(request('/')).toMatchObject({ statusCode: 308, headers: { location: { value: '/console/' } } });
    expect(request('/console')).toMatchObject({ statusCode: 308 });
  });

  it('deploys the assets as immutable and the page and a config.json of this stack as no-cache, then invalidates them', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'console/',
      Exclude: ['index.html'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'console/',
      Exclude: ['*'],
      Include: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/console/', '/console/index.html', '/console/config.json'],
    });
    expect(stack.resolve(site.url)).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleDistribution/), 'DomainName'] },
          '/console/',
        ],
      ],
    });
  });

  it('copies the files with a role of its own that writes only to its own log group', () => {
    const role = logicalIdOf(site.node.findChild('DeploymentRole'));
    const logs = logicalIdOf(site.node.findChild('DeploymentLogs'));
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/oms/test/console-deployment',
      RetentionInDays: 30,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [role, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: logs } },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it("writes config.json from the stack's user pool, for the hosted-UI sign-in, with the API on the same origin", () => {
    const configs = readdirSync(app.outdir)
      .map((entry) => join(app.outdir, entry, 'config.json'))
      .filter((file) => existsSync(file));
    expect(configs.map((file) => JSON.parse(readFileSync(file, 'utf8')) as unknown)).toEqual([
      {
        apiUrl: '',
        auth: {
          type: 'cognito',
          domain: 'oms-prod.auth.eu-west-1.amazoncognito.com',
          clientId: 'console-client',
        },
      },
    ]);
  });

  it('finds no unacknowledged error or warning in the AWS Solutions checks (cdk-nag)', () => {
    expect(findingsOf(app)).toEqual([]);
  });
});

describe("the console on the retailer's own host name", { timeout: 60_000 }, () => {
  const certificateArn =
    'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-0000-4000-8000-123456789abc';
  const { app, stack, site, template } = synthesizeSite({
    domainName: 'console.example.com',
    certificateArn,
  });

  it('serves that name with its certificate and TLS 1.2 at least, and signs in there', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['console.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    expect(stack.resolve(site.url)).toBe('https://console.example.com/console/');
  });

  it('needs no acknowledgement of the default certificate (cdk-nag)', () => {
    expect(findingsOf(app)).toEqual([]);
  });
});
