import { Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  LogGroupLogDestination,
  type CfnStage,
  type HttpRoute,
  type HttpStage,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { requiresToken } from '../functions/domain/access.js';
import type { StageNames, StageSettings } from './stage-config.js';
import { ROUTES, type FunctionKey } from './topology.js';

export interface OmsApiProps {
  functions: Record<FunctionKey, IFunction>;
  /** The JWT authorizer of every route whose access (functions/routes) needs a token. */
  authorizer: IHttpRouteAuthorizer;
  /** Limits for every route, and for the routes (keyed `METHOD /path`) that need their own. */
  throttle: StageSettings['throttle'];
  names: StageNames;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/**
 * The HTTP API: one route per entry of ROUTES, throttled (per route where the stage says so) and
 * access-logged. A route that needs a token gets the JWT authorizer; the others (channel ingest,
 * the API document) say why not in their access, which is also the reason given to cdk-nag.
 */
export class OmsApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: OmsApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: props.names.apiName,
      description: 'Order-management API: channel ingest, orders, routing and inventory',
      // The stage is created below, with the throttling and access logs the default one lacks.
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `${props.names.logGroupPrefix}api-access`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle.default,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
    const routesByKey = new Map<string, HttpRoute>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${route.function}Integration`,
          props.functions[route.function],
        );
        integrations.set(route.function, integration);
      }
      const access = route.access;
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(requiresToken(access) && { authorizer: props.authorizer }),
      });
      if (!httpRoute) continue;
      routesByKey.set(`${route.method} ${route.path}`, httpRoute);
      if (!requiresToken(access)) {
        const reason = 'public' in access ? access.public : access.signature;
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason });
      }
    }
    this.throttleRoutes(props.throttle.routes, routesByKey);
  }

  /**
   * Route settings are a property of the stage that the L2 construct does not expose. API Gateway
   * refuses settings for a route that does not exist yet, so the stage waits for those routes.
   */
  private throttleRoutes(
    limits: StageSettings['throttle']['routes'],
    routesByKey: ReadonlyMap<string, HttpRoute>,
  ): void {
    const entries = Object.entries(limits);
    if (entries.length === 0) return;
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      entries.map(([routeKey, { rateLimit, burstLimit }]) => {
        const route = routesByKey.get(routeKey);
        if (!route) throw new Error(`Throttle for unknown route "${routeKey}".`);
        cfnStage.node.addDependency(route);
        // RouteSettings is plain JSON to the CDK, passed through as is: CloudFormation's casing.
        return [routeKey, { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }];
      }),
    );
  }

  get url(): string {
    return this.stage.url;
  }
}

/** One JSON line per request: what was called, by whom, the outcome and where time went. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);
