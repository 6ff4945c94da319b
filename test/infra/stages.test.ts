import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { OmsStack, stackPropsFor } from '../../lib/oms-stack.js';
import { DEFAULT_STAGE, stageConfigFrom, stageNames } from '../../lib/stage-config.js';

/** Both stages in one app, as two `cdk deploy -c stage=…` into one account would create them. */
function synthesizeStages(...stages: string[]) {
  const app = new App({ context: { [BUNDLING_STACKS]: [] } });
  const stacks = stages.map((stage) => {
    const config = stageConfigFrom(
      (key) => ({ stage, alarmEmail: 'ops@example.com', ordersExpectedFrom: 'web' })[key],
    );
    return { stage, stack: new OmsStack(app, config.names.stackName, stackPropsFor(config)) };
  });
  // Templates only once every stack exists: synthesis freezes the app.
  return stacks.map(({ stage, stack }) => ({
    stage,
    stack,
    template: Template.fromStack(stack).toJSON() as SynthesizedTemplate,
  }));
}

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };
interface SynthesizedTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, Json> }>;
}

/**
 * A name as AWS will see it, or undefined when it is made of this stack's own resources (a Ref
 * or GetAtt of a logical id): those are unique per stack by construction. Pseudo parameters
 * (account, region, partition) are the same for both stages, so they stay in, as placeholders.
 */
function literalName(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if ('Ref' in value) return String(value.Ref).startsWith('AWS::') ? `<${String(value.Ref)}>` : undefined;
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, Json[]];
    const resolved = parts.map(literalName);
    return resolved.some((part) => part === undefined) ? undefined : resolved.join(separator);
  }
  return undefined;
}

/**
 * Properties whose value is unique only within its parent, never in the account: a user pool's
 * groups and resource server, an HTTP API's stage and authorizer, a role's inline policy, a log
 * group's streams.
 */
const SCOPED_BY_PARENT: Record<string, string[]> = {
  'AWS::Cognito::UserPoolGroup': ['GroupName'],
  'AWS::Cognito::UserPoolResourceServer': ['Name'],
  'AWS::ApiGatewayV2::Stage': ['StageName'],
  'AWS::ApiGatewayV2::Authorizer': ['Name'],
  'AWS::IAM::Policy': ['PolicyName'],
  'AWS::Logs::LogStream': ['LogStreamName'],
};
/** Names of things that are not resources (a metric an alarm reads), whatever the resource. */
const NOT_RESOURCE_NAMES = ['MetricName'];

/** Every account- or region-unique name a template gives AWS, as `Type.Property=value`. */
function physicalNamesOf(template: SynthesizedTemplate) {
  const names: string[] = [];
  for (const { Type, Properties = {} } of Object.values(template.Resources)) {
    for (const [key, value] of Object.entries(Properties)) {
      if (!/Name$|^Domain$/.test(key) || NOT_RESOURCE_NAMES.includes(key)) continue;
      if (SCOPED_BY_PARENT[Type]?.includes(key)) continue;
      const name = literalName(value);
      if (name !== undefined) names.push(`${Type}.${key}=${name}`);
    }
  }
  return names;
}

/** A variable of every function of ours (by its service name): not of CDK's own, such as the console's file copier. */
function environmentValues(template: SynthesizedTemplate, name: string) {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map(
      (resource) =>
        (resource.Properties?.Environment as { Variables?: Record<string, string> } | undefined)?.Variables,
    )
    .filter((variables) => variables?.POWERTOOLS_SERVICE_NAME)
    .map((variables) => variables![name]);
}

function secretResources(template: object): string[] {
  return [...JSON.stringify(template).matchAll(/:secret:([^"*]*)\*/g)].map((match) => match[1]!);
}

describe('two stages in one account', () => {
  const [dev, prod] = synthesizeStages('dev', 'prod');

  it('are two stacks named after their stage', () => {
    expect(dev!.stack.stackName).toBe('Oms-dev');
    expect(prod!.stack.stackName).toBe('Oms-prod');
  });

  it('give AWS no physical name in common', () => {
    const devNames = physicalNamesOf(dev!.template);
    const prodNames = new Set(physicalNamesOf(prod!.template));
    // The comparison means something only if there are names to compare.
    expect(devNames.length).toBeGreaterThan(20);
    expect(devNames.filter((name) => prodNames.has(name))).toEqual([]);
  });

  it('name every log group, alarm, dashboard and the user pool domain after the stage', () => {
    for (const { stage, template } of [dev!, prod!]) {
      const named = physicalNamesOf(template).filter((name) =>
        /^AWS::(Logs::LogGroup|CloudWatch::Alarm|CloudWatch::Dashboard|Cognito::UserPoolDomain)\./.test(name),
      );
      expect(named.length).toBeGreaterThan(10);
      for (const name of named) expect(name, name).toContain(stage);
    }
  });

  it('publish metrics to namespaces of their own, which their alarms read', () => {
    for (const { stage, template } of [dev!, prod!]) {
      expect(new Set(environmentValues(template, 'POWERTOOLS_METRICS_NAMESPACE'))).toEqual(
        new Set([`OMS/${stage}`]),
      );
      const customNamespaces = Object.values(template.Resources)
        .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
        .map((resource) => JSON.stringify(resource.Properties))
        .flatMap((text) => [...text.matchAll(/"Namespace":"(OMS[^"]*)"/g)].map((match) => match[1]));
      expect(customNamespaces.length).toBeGreaterThan(0);
      expect(new Set(customNamespaces)).toEqual(new Set([`OMS/${stage}`]));
    }
  });

  it('read channel and carrier secrets under prefixes of their own', () => {
    expect(new Set(secretResources(dev!.template))).toEqual(
      new Set(['oms/dev/channels/', 'oms/dev/carriers/']),
    );
    expect(new Set(secretResources(prod!.template))).toEqual(
      new Set(['oms/prod/channels/', 'oms/prod/carriers/']),
    );
  });
});

describe('the stage configuration', () => {
  const contextOf =
    (values: Record<string, unknown>) =>
    (key: string): unknown =>
      values[key];

  it(`is stage ${DEFAULT_STAGE} with the defaults when nothing is given`, () => {
    const { names, settings } = stageConfigFrom(contextOf({}));
    expect(names).toMatchObject({
      stage: 'dev',
      stackName: 'Oms-dev',
      metricsNamespace: 'OMS/dev',
      channelSecretsPrefix: 'oms/dev/channels/',
      dashboardName: 'OMS-dev',
    });
    expect(settings).toMatchObject({
      retainData: true,
      reserveConcurrency: true,
      throttle: {
        default: { rateLimit: 500, burstLimit: 1000 },
        routes: { 'POST /v1/channels/{channelId}/orders': { rateLimit: 500, burstLimit: 500 } },
      },
    });
  });

  it('reads a stage’s settings from the context, and lets -c values override them', () => {
    const { settings } = stageConfigFrom(
      contextOf({
        stage: 'prod',
        stages: { prod: { alarmEmail: 'ops@example.com', ordersExpectedFrom: ['web'] } },
        ordersExpectedFrom: 'web, shopify',
        retainData: 'false',
      }),
    );
    expect(settings).toMatchObject({
      alarmEmail: 'ops@example.com',
      ordersExpectedFrom: ['web', 'shopify'],
      retainData: false,
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a stage name that can not be part of a name', { stage: 'Prod_1' }, /lower-case letters/],
    ['an unknown setting', { stages: { dev: { alarmMail: 'ops@example.com' } } }, /alarmMail/],
    ['an address that is not one', { alarmEmail: 'ops' }, /alarmEmail/],
    [
      'a throttle for a route that does not exist',
      {
        stages: {
          dev: {
            throttle: {
              default: { rateLimit: 1, burstLimit: 1 },
              routes: { 'GET /nope': { rateLimit: 1, burstLimit: 1 } },
            },
          },
        },
      },
      /must be a route key/,
    ],
    ['an identity provider without an audience', { jwtIssuer: 'https://retailer.okta.com' }, /jwtAudience/],
  ])('refuses %s, saying what is wrong', (_name, context, message) => {
    expect(() => stageConfigFrom(contextOf(context))).toThrow(message);
  });

  it('keeps raw channel payloads 90 days unless the stage says otherwise, and no less than a week', () => {
    expect(stageConfigFrom(contextOf({})).settings.payloadRetentionDays).toBe(90);
    expect(stageConfigFrom(contextOf({ payloadRetentionDays: '30' })).settings.payloadRetentionDays).toBe(30);
    expect(() => stageConfigFrom(contextOf({ payloadRetentionDays: '1' }))).toThrow(/payloadRetentionDays/);
  });

  it('accepts every stage cdk.json defines', () => {
    const cdkJson = JSON.parse(readFileSync('cdk.json', 'utf8')) as {
      context: { stages: Record<string, unknown> };
    };
    const stages = Object.keys(cdkJson.context.stages);
    expect(stages).toContain('prod');
    for (const stage of stages) {
      expect(stageConfigFrom(contextOf({ ...cdkJson.context, stage })).names.stage).toBe(stage);
    }
  });

  it('keeps the Cognito domain prefix within its 63 characters for the longest stage name', () => {
    const prefix = stageNames('abcdefghijkl').userPoolDomainPrefix('123456789012', 'ap-southeast-2');
    expect(prefix.length).toBeLessThanOrEqual(63);
  });
});
