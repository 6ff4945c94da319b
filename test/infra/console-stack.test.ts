import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { consoleBuild } from '../../lib/console-site.js';
import { stackPropsFor } from '../../lib/oms-stack.js';
import { stageConfigFrom } from '../../lib/stage-config.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

type Resources = Record<string, { Type: string; Properties?: unknown; DependsOn?: string | string[] }>;

/** The logical ids a resource refers to (Ref, Fn::GetAtt) or waits for (DependsOn). */
function dependenciesOf(resource: Resources[string], ids: ReadonlySet<string>): Set<string> {
  const found = new Set<string>([resource.DependsOn ?? []].flat());
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && ids.has(inner)) found.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner) && ids.has(inner[0] as string))
        found.add(inner[0] as string);
      else visit(inner);
    }
  };
  visit(resource.Properties);
  return found;
}

/** A cycle of resources that refer to each other (CloudFormation refuses the template), or undefined. */
function cycleIn(template: Template): string[] | undefined {
  const resources = template.toJSON().Resources as Resources;
  const ids = new Set(Object.keys(resources));
  const edges = new Map([...ids].map((id) => [id, dependenciesOf(resources[id]!, ids)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const walk = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const next of edges.get(id)!) {
      const cycle = walk(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = walk(id);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the console deployed by the OMS stack', { timeout: 120_000 }, () => {
  // One synthesis for the whole file (each takes seconds): a stage with a hosted-UI prefix of its
  // own and a development server's URL to return to as well.
  const settings: Record<string, unknown> = {
    stage: 'test',
    stages: {
      test: { authDomainPrefix: 'acme-staff', consoleCallbackUrls: ['http://localhost:5173/console/'] },
    },
  };
  const { app, stack, template } = synthesizeOms(stackPropsFor(stageConfigFrom((key) => settings[key])));
  const logicalIdOfType = (type: string) => Object.keys(template.findResources(type));
  const [distribution] = logicalIdOfType('AWS::CloudFront::Distribution');
  const consoleUrl = {
    'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/console/']],
  };
  const consoleClient = logicalIdOf(
    stack.node.findChild('Auth').node.findChild('UserPool').node.findChild('Console'),
  );
  const poolDomain = logicalIdOf(
    stack.node.findChild('Auth').node.findChild('UserPool').node.findChild('Domain'),
  );

  it('is one distribution in front of a private bucket it reads through origin access control', () => {
    expect(logicalIdOfType('AWS::CloudFront::Distribution')).toHaveLength(1);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: Match.arrayWith([
          Match.objectLike({
            DomainName: {
              'Fn::GetAtt': [
                logicalIdOf(stack.node.findChild('Console').node.findChild('Bucket')),
                'RegionalDomainName',
              ],
            },
            OriginAccessControlId: Match.anyValue(),
          }),
        ]),
      }),
    });
  });

  it("passes /v1/ on to this stack's HTTP API, so the console calls its own origin and needs no CORS", () => {
    const httpApi = logicalIdOf(stack.node.findChild('Api').node.findChild('HttpApi'));
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: [Match.objectLike({ PathPattern: '/v1/*', ViewerProtocolPolicy: 'https-only' })],
        Origins: Match.arrayWith([
          Match.objectLike({
            DomainName: {
              'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [httpApi, 'ApiEndpoint'] }] }],
            },
          }),
        ]),
      }),
    });
  });

  it('gives the user pool the hosted-UI domain the stage names, which the content security policy allows', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-staff' });
    const [policy] = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    const csp = stack.resolve(
      policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
        .ContentSecurityPolicy,
    ) as { 'Fn::Join': [string, unknown[]] };
    expect(csp['Fn::Join'][1]).toEqual(
      expect.arrayContaining([expect.stringContaining("connect-src 'self' https://"), { Ref: poolDomain }]),
    );
  });

  it("returns the console client's sign-in and sign-out to the distribution's /console/, and to the configured URLs", () => {
    const urls = ['http://localhost:5173/console/', consoleUrl];
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      CallbackURLs: urls,
      LogoutURLs: urls,
    });
  });

  it('writes config.json with the hosted-UI domain and the console client, resolved at deploy time', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      Include: ['index.html', 'config.json'],
      SourceMarkers: [
        {},
        {
          '<<marker:0xbaba:0>>': { Ref: poolDomain },
          '<<marker:0xbaba:1>>': { Ref: 'AWS::Region' },
          '<<marker:0xbaba:2>>': { Ref: consoleClient },
        },
      ],
      DistributionId: { Ref: distribution },
    });
    const configs = readdirSync(app.outdir)
      .map((entry) => join(app.outdir, entry, 'config.json'))
      .filter((file) => existsSync(file));
    expect(configs.map((file) => JSON.parse(readFileSync(file, 'utf8')) as unknown)).toEqual([
      {
        apiUrl: '',
        auth: {
          type: 'cognito',
          domain: '<<marker:0xbaba:0>>.auth.<<marker:0xbaba:1>>.amazoncognito.com',
          clientId: '<<marker:0xbaba:2>>',
        },
      },
    ]);
  });

  it('says where the console is', () => {
    template.hasOutput('ConsoleUrl', { Value: consoleUrl });
    template.hasOutput('ConsoleDistributionDomainName', {
      Value: { 'Fn::GetAtt': [distribution, 'DomainName'] },
    });
  });

  it('has no cycle among its resources, though the client names the distribution that serves the API it authorizes', () => {
    expect(cycleIn(template)).toBeUndefined();
  });
});

describe("the console's stage settings", () => {
  const certificateArn =
    'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-0000-4000-8000-123456789abc';

  it("put the console on the retailer's host name (ConsoleSite's customDomain, test/infra/console-site.test.ts)", () => {
    const consoleDomain = { domainName: 'console.example.com', certificateArn };
    const config = stageConfigFrom((key) => ({ stages: { dev: { consoleDomain } } })[key]);
    expect(stackPropsFor(config).consoleDomain).toEqual(consoleDomain);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a prefix Cognito reserves',
      { authDomainPrefix: 'oms-aws' },
      /aws, amazon or cognito\n.*at authDomainPrefix/,
    ],
    ['a prefix with upper case', { authDomainPrefix: 'Acme' }, /lower-case.*\n.*at authDomainPrefix/],
    [
      'a certificate outside us-east-1',
      {
        consoleDomain: {
          domainName: 'console.example.com',
          certificateArn: certificateArn.replace('us-east-1', 'eu-west-1'),
        },
      },
      /us-east-1\n.*at consoleDomain\.certificateArn/,
    ],
  ])('refuse %s', (_name, stageSettings, message) => {
    expect(() => stageConfigFrom((key) => ({ stages: { dev: stageSettings } })[key])).toThrow(message);
  });
});

describe("the console's build at synthesis", { timeout: 120_000 }, () => {
  it('is made by Vite into the asset itself, without web/dist or Docker', () => {
    const app = new App();
    const stack = new Stack(app, 'ConsoleBuild');
    new BucketDeployment(stack, 'Files', {
      sources: [consoleBuild()],
      destinationBucket: new Bucket(stack, 'Bucket'),
    });
    const assembly = app.synth();
    const [asset] = readdirSync(assembly.directory).filter((entry) =>
      existsSync(join(assembly.directory, entry, 'index.html')),
    );
    const files = readdirSync(join(assembly.directory, asset!, 'assets'));

    expect(readFileSync(join(assembly.directory, asset!, 'index.html'), 'utf8')).toMatch(
      /<script type="module" crossorigin src="\/console\/assets\/index-[\w-]+\.js">/,
    );
    expect(files).toEqual(expect.arrayContaining([expect.stringMatching(/^index-[\w-]+\.js$/)]));
  });
});
