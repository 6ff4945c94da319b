import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { requiresToken } from '../../functions/domain/access.js';
import {
  EVENT_RULES,
  FUNCTIONS,
  QUEUES,
  ROUTES,
  STREAM_SUBSCRIPTIONS,
  type QueueKey,
  type QueueSpec,
} from '../../lib/topology.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

describe('the HTTP API', () => {
  const { stack, template } = synthesizeOms();
  const resources = template.toJSON().Resources;

  it.each(ROUTES)('routes $method $path to its function', (route) => {
    const [routeResource] = Object.values(
      template.findResources('AWS::ApiGatewayV2::Route', {
        Properties: { RouteKey: `${route.method} ${route.path}` },
      }),
    );
    const integrationId = routeResource!.Properties.Target['Fn::Join'][1][1].Ref as string;
    expect(resources[integrationId].Properties.IntegrationUri).toEqual(
      arnOf(logicalIdOf(stack.functions[route.function])),
    );
  });

  it.each(ROUTES)('puts the JWT authorizer on $method $path unless its access needs no token', (route) => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    template.hasResourceProperties(
      'AWS::ApiGatewayV2::Route',
      requiresToken(route.access)
        ? {
            RouteKey: `${route.method} ${route.path}`,
            AuthorizationType: 'JWT',
            AuthorizerId: { Ref: authorizerId },
          }
        : { RouteKey: `${route.method} ${route.path}`, AuthorizationType: 'NONE' },
    );
  });

  it('throttles and access-logs the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('\\$context.requestId'),
      },
    });
  });
});

describe('the stream outbox', () => {
  const { stack, template } = synthesizeOms();

  it.each(STREAM_SUBSCRIPTIONS)(
    'feeds the $table stream to $function in order, with bounded retries and a dead-letter queue',
    (subscription) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack.tables[subscription.table]), 'StreamArn'] },
        FunctionName: { Ref: logicalIdOf(stack.functions[subscription.function]) },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: subscription.batchSize,
        MaximumBatchingWindowInSeconds: subscription.maxBatchingWindowSeconds,
        MaximumRetryAttempts: subscription.retryAttempts,
        MaximumRecordAgeInSeconds: subscription.maxRecordAgeSeconds,
        BisectBatchOnFunctionError: subscription.bisectBatchOnError,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } } },
      });
    },
  );

  it('archives every OMS event on the bus for replays', () => {
    template.hasResourceProperties('AWS::Events::Archive', { EventPattern: { source: ['oms'] } });
  });
});

describe('the work queues', () => {
  const { stack, template } = synthesizeOms();
  const queueSpecs = Object.values(QUEUES);

  it.each(queueSpecs)(
    '$id moves a message to its dead-letter queue after $maxReceiveCount receives',
    (spec) => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: spec.maxReceiveCount },
        SqsManagedSseEnabled: true,
      });
    },
  );

  const consumedQueues = (Object.keys(QUEUES) as QueueKey[]).flatMap((key) => {
    const spec: QueueSpec = QUEUES[key];
    return spec.consumer ? [{ key, id: spec.id, consumer: spec.consumer }] : [];
  });

  it.each(consumedQueues)(
    '$id is drained by its consumer in bounded batches with partial failures',
    (queue) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(logicalIdOf(stack.queues[queue.key].queue)),
        FunctionName: { Ref: logicalIdOf(stack.functions[queue.consumer.function]) },
        BatchSize: queue.consumer.batchSize,
        MaximumBatchingWindowInSeconds: queue.consumer.maxBatchingWindowSeconds,
        ScalingConfig: { MaximumConcurrency: queue.consumer.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    },
  );

  it('refuses unencrypted connections to every queue', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    for (const queueId of Object.keys(queues)) {
      const policy = policies.find((candidate) =>
        (candidate.Properties.Queues as { Ref: string }[]).some((queue) => queue.Ref === queueId),
      );
      expect(JSON.stringify(policy?.Properties.PolicyDocument), queueId).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });

  it.each(EVENT_RULES)('$id sends the events it matches to its queue', (rule) => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: rule.pattern,
      Targets: [
        Match.objectLike({
          Arn: arnOf(logicalIdOf(stack.queues[rule.target.queue].queue)),
          DeadLetterConfig: { Arn: arnOf(logicalIdOf(stack.queues[rule.target.queue].deadLetterQueue)) },
        }),
      ],
    });
  });
});

describe('the dashboard and alarms', () => {
  const { template } = synthesizeOms();
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  const metricNames = alarms.map((alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`);

  it('alarms on a message in any dead-letter queue', () => {
    const deadLetterQueueCount = Object.keys(QUEUES).length + STREAM_SUBSCRIPTIONS.length;
    const onDeadLetters = alarms.filter(
      (alarm) =>
        alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        alarm.Properties.Threshold === 0,
    );
    expect(onDeadLetters).toHaveLength(deadLetterQueueCount);
  });

  it('alarms on errors of every function and on the lag of every stream consumer', () => {
    expect(metricNames.filter((name) => name === 'AWS/Lambda/Errors')).toHaveLength(
      Object.keys(FUNCTIONS).length,
    );
    expect(metricNames.filter((name) => name === 'AWS/Lambda/IteratorAge')).toHaveLength(
      STREAM_SUBSCRIPTIONS.length,
    );
  });

  it('charts orders and duplicate deliveries per channel from the OMS metrics', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    expect(body).toMatch(/SEARCH\('\{OMS,channel,service\} MetricName=.*OrdersReceived/);
    expect(body).toMatch(/SEARCH\('\{OMS,channel,service\} MetricName=.*DuplicateDeliveries/);
    expect(body).toContain('IteratorAge');
    expect(body).toContain('ApproximateAgeOfOldestMessage');
  });

  it('creates no alarm topic unless an address is given', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('sends every alarm to the topic when an address is given', () => {
    const withEmail = synthesizeOms({ alarmEmail: 'ops@example.com' }).template;
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    const topicId = Object.keys(withEmail.findResources('AWS::SNS::Topic'))[0]!;
    for (const alarm of Object.values(withEmail.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });
});
