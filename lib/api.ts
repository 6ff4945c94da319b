import { Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  LogGroupLogDestination,
  type HttpStage,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type FunctionKey } from './topology.js';

/**
 * Routes whose callers are authenticated by the function itself, or that are public on purpose,
 * and why. Every other route requires IAM (SigV4) authorization, so a new route is private until
 * someone decides otherwise here.
 */
export const ROUTES_WITHOUT_GATEWAY_AUTH: ReadonlyMap<FunctionKey, string> = new Map([
  [
    'postOrder',
    'Channels authenticate every order in the function with the HMAC signature or key their platform sends (secrets in Secrets Manager); platforms like Shopify can not sign with SigV4.',
  ],
  ['openApi', 'The OpenAPI document is the public contract channel integrators read; it holds no data.'],
] satisfies [FunctionKey, string][]);

export interface OmsApiProps {
  functions: Record<FunctionKey, IFunction>;
  throttle: ThrottleSettings;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/** The HTTP API: one route per entry of ROUTES, throttled and access-logged. */
export class OmsApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: OmsApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Order-management API: channel ingest and order lookup',
      // The stage is created below, with the throttling and access logs the default one lacks.
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    const iamAuthorizer = new HttpIamAuthorizer();
    const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(
          `${route.function}Integration`,
          props.functions[route.function],
        );
        integrations.set(route.function, integration);
      }
      const reasonWithoutAuth = ROUTES_WITHOUT_GATEWAY_AUTH.get(route.function);
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(!reasonWithoutAuth && { authorizer: iamAuthorizer }),
      });
      if (reasonWithoutAuth && httpRoute) {
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: reasonWithoutAuth });
      }
    }
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
