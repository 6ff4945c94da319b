import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { OmsApi } from './api.js';
import { OmsAuth } from './auth.js';
import { ConsoleSite, consoleBuild, type ConsoleSiteProps } from './console-site.js';
import { OmsEventBus } from './event-bus.js';
import { OmsFunctions } from './functions.js';
import { Observability } from './observability.js';
import { Outbox } from './outbox.js';
import { Routing, type WorkQueue } from './routing.js';
import { Schedules } from './schedules.js';
import { StageSettings, type StageConfig, type StageNames } from './stage-config.js';
import { failedBatchesOutputKey } from './stream-replay.js';
import { Stateful } from './stateful.js';
import { Analytics } from './analytics.js';
import { TABLES } from './tables.js';
import { FUNCTIONS, type FunctionKey, type QueueKey, type TableId } from './topology.js';

export interface OmsStackProps extends StackProps {
  /** The stage's physical names (lib/stage-config.ts): the stack name carries the stage. */
  names: StageNames;
  /** Keep tables (deletion protection, RETAIN) and logs when the stack is deleted. */
  retainData: boolean;
  /** Where alarms are sent; without it no SNS topic is created. */
  alarmEmail?: string;
  /** API limits, for every route and per route; the stage settings' defaults without it. */
  apiThrottle?: StageSettings['throttle'];
  /** Apply the reserved concurrency FUNCTIONS asks for (default true). */
  reserveConcurrency?: boolean;
  /** Channels whose silence raises an anomaly-detection alarm. */
  ordersExpectedFrom?: readonly string[];
  /** Days raw channel payloads and delivery keys are kept; the stage settings' default without it. */
  payloadRetentionDays?: number;
  logRetention?: RetentionDays;
  eventArchiveRetention?: Duration;
  /**
   * The identity provider whose tokens the API accepts (docs/security.md). Without an issuer the
   * stack creates a Cognito user pool; with one (Okta, Entra ID, Auth0, …) no pool is created and
   * `audience` names the accepted `aud` values. With the pool, `audience` adds client ids.
   */
  auth?: {
    issuer?: string;
    audience?: readonly string[];
    consoleCallbackUrls?: readonly string[];
    domainPrefix?: string;
  };
  /** The console on the retailer's own host name (docs/deploy.md); the distribution's without it. */
  consoleDomain?: ConsoleSiteProps['customDomain'];
  /** The reporting time zone (IANA); UTC without it. */
  reportsTimeZone?: string;
}

/**
 * The whole OMS in one stack: stateful resources first (tables, bus), then the functions built
 * from lib/topology.ts and what invokes them (API routes, table streams, queues).
 */
export class OmsStack extends Stack {
  readonly tables: Record<TableId, Table>;
  readonly functions: Record<FunctionKey, NodejsFunction>;
  readonly queues: Record<QueueKey, WorkQueue>;

  constructor(scope: Construct, id: string, props: OmsStackProps) {
    super(scope, id, { stackName: props.names.stackName, ...props });
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    const { tables } = new Stateful(this, 'Stateful', { retainData: props.retainData });
    this.tables = tables;
    const { bus } = new OmsEventBus(this, 'Events', {
      archiveRetention: props.eventArchiveRetention ?? Duration.days(90),
    });
    const functions = new OmsFunctions(this, 'Functions', {
      names: props.names,
      reserveConcurrency: props.reserveConcurrency ?? true,
      tables,
      eventBus: bus,
      logRetention,
      logRemovalPolicy: removalPolicy,
      payloadRetentionDays: props.payloadRetentionDays ?? StageSettings.parse({}).payloadRetentionDays,
    }).byKey;
    this.functions = functions;
    const auth = new OmsAuth(this, 'Auth', {
      ...props.auth,
      preTokenGeneration: functions.preTokenGeneration,
      names: props.names,
      retainData: props.retainData,
      removalPolicy,
    });
    const api = new OmsApi(this, 'Api', {
      functions,
      authorizer: auth.authorizer,
      throttle: props.apiThrottle ?? StageSettings.parse({}).throttle,
      names: props.names,
      logRetention,
      logRemovalPolicy: removalPolicy,
    });
    const outbox = new Outbox(this, 'Outbox', { tables, functions });
    const routing = new Routing(this, 'Routing', { eventBus: bus, functions });
    new Schedules(this, 'Schedules', { functions });

    this.queues = routing.queues;
    const workQueues = Object.values(routing.queues);
    const observability = new Observability(this, 'Observability', {
      names: props.names,
      ordersExpectedFrom: props.ordersExpectedFrom ?? [],
      api: api.httpApi,
      functions: (Object.keys(FUNCTIONS) as FunctionKey[]).map((key) => ({
        name: FUNCTIONS[key].id,
        fn: functions[key],
      })),
      streamConsumers: outbox.subscriptions.map(({ spec, consumer }) => ({
        name: FUNCTIONS[spec.function].id,
        fn: consumer,
      })),
      workQueues: workQueues.map(({ spec, queue }) => ({ name: spec.id, queue })),
      deadLetterQueues: [
        ...workQueues.map(({ spec, deadLetterQueue }) => ({ name: `${spec.id}Dlq`, queue: deadLetterQueue })),
        ...outbox.subscriptions.map(({ name, failedBatches }) => ({
          name: `${name}-failed-batches`,
          queue: failedBatches,
        })),
      ],
      ...(props.alarmEmail && { alarmEmail: props.alarmEmail }),
    });

    // The console signs people in through the user pool's hosted UI; with another identity
    // provider there is no pool, and no console site (docs/console.md, "What is left").
    if (auth.hostedUiDomain && auth.consoleClient) {
      const site = new ConsoleSite(this, 'Console', {
        files: consoleBuild(),
        apiEndpoint: api.httpApi.apiEndpoint,
        auth: { domain: auth.hostedUiDomain, clientId: auth.consoleClient.userPoolClientId },
        ...(props.consoleDomain && { customDomain: props.consoleDomain }),
        deploymentLogs: {
          logGroupName: `${props.names.logGroupPrefix}console-deployment`,
          retention: logRetention,
        },
        removalPolicy,
      });
      auth.acceptConsoleAt(site.url);
      new CfnOutput(this, 'ConsoleUrl', { value: site.url, description: 'The OMS console (sign in here)' });
      new CfnOutput(this, 'ConsoleDistributionDomainName', {
        value: site.distribution.distributionDomainName,
        description: "CloudFront's host name of the console: the target of a custom domain's DNS record",
      });
    }
    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'JwtIssuer', { value: auth.issuer, description: 'Issuer of the accepted tokens' });
    if (auth.userPool && auth.consoleClient && auth.integrationClient) {
      new CfnOutput(this, 'UserPoolId', { value: auth.userPool.userPoolId });
      new CfnOutput(this, 'ConsoleClientId', { value: auth.consoleClient.userPoolClientId });
      new CfnOutput(this, 'IntegrationClientId', { value: auth.integrationClient.userPoolClientId });
    }
    if (auth.tokenUrl) {
      new CfnOutput(this, 'TokenUrl', {
        value: auth.tokenUrl,
        description:
          'OAuth token endpoint: machine clients (and the ops CLI) get tokens here with client credentials',
      });
    }
    new CfnOutput(this, 'EventBusName', {
      value: bus.eventBusName,
      description: 'Subscribe to OMS events here',
    });
    for (const definition of TABLES) {
      new CfnOutput(this, `${definition.id}TableName`, { value: tables[definition.id].tableName });
    }
    for (const { spec, queue, deadLetterQueue } of workQueues) {
      new CfnOutput(this, `${spec.id}Url`, { value: queue.queueUrl });
      new CfnOutput(this, `${spec.id}DlqUrl`, { value: deadLetterQueue.queueUrl });
    }
    for (const { name, failedBatches } of outbox.subscriptions) {
      new CfnOutput(this, failedBatchesOutputKey(name), {
        value: failedBatches.queueUrl,
        description: `Failed batches of ${name}, for oms streams replay`,
      });
    }
    new CfnOutput(this, 'Stage', { value: props.names.stage });
    new CfnOutput(this, 'MetricsNamespace', { value: props.names.metricsNamespace });
    new CfnOutput(this, 'ChannelSecretsPrefix', {
      value: props.names.channelSecretsPrefix,
      description: 'Channel signing secrets are named <prefix><channelId>',
    });
    new CfnOutput(this, 'DashboardName', { value: observability.dashboard.dashboardName });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${observability.dashboard.dashboardName}`,
    });
    if (observability.alarmTopic) {
      new CfnOutput(this, 'AlarmTopicArn', { value: observability.alarmTopic.topicArn });
    }

    // Reports and the analytics export (#14, items 2 and 3).
    const analytics = new Analytics(this, 'Analytics', {
      names: props.names,
      exporter: functions.reportsStream,
      reportFunctions: [functions.reportsStream, functions.reportsApi],
      timeZone: props.reportsTimeZone ?? 'UTC',
      retainData: props.retainData,
      logRetention,
    });
    new CfnOutput(this, 'AnalyticsBucketName', { value: analytics.bucket.bucketName });
    new CfnOutput(this, 'AnalyticsDatabase', { value: analytics.databaseName });
    new CfnOutput(this, 'AthenaWorkGroup', { value: analytics.workGroupName });
  }
}

/** The stack's properties for a stage's configuration (bin/oms.ts, and the tests). */
export function stackPropsFor({ names, settings }: StageConfig): OmsStackProps {
  const consoleCallbackUrls = settings.consoleCallbackUrls;
  return {
    names,
    description: `Serverless order-management system (stage ${names.stage}): multi-channel ingest, rule-based routing, inventory`,
    retainData: settings.retainData,
    ...(settings.alarmEmail && { alarmEmail: settings.alarmEmail }),
    apiThrottle: settings.throttle,
    reserveConcurrency: settings.reserveConcurrency,
    ordersExpectedFrom: settings.ordersExpectedFrom,
    payloadRetentionDays: settings.payloadRetentionDays,
    reportsTimeZone: settings.reportsTimeZone,
    auth: {
      ...(settings.jwtIssuer && { issuer: settings.jwtIssuer }),
      audience: settings.jwtAudience,
      ...(consoleCallbackUrls && { consoleCallbackUrls }),
      ...(settings.authDomainPrefix && { domainPrefix: settings.authDomainPrefix }),
    },
    ...(settings.consoleDomain && { consoleDomain: settings.consoleDomain }),
  };
}
