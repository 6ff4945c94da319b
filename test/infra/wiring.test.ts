import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { FunctionKey } from '../../lib/topology.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

// The wiring is stated here rather than read from lib/topology.ts, so that a change there that
// alters what the stack deploys has to be made here too.
const ROUTES: { method: string; path: string; function: FunctionKey; token: boolean }[] = [
  { method: 'POST', path: '/v1/channels/{channelId}/orders', function: 'postOrder', token: false },
  { method: 'GET', path: '/v1/orders/{orderId}', function: 'getOrder', token: true },
  { method: 'GET', path: '/openapi.json', function: 'openApi', token: false },
  { method: 'GET', path: '/v1/routing/rule-sets/active', function: 'routingApi', token: true },
  { method: 'POST', path: '/v1/routing/rule-sets', function: 'routingApi', token: true },
  { method: 'POST', path: '/v1/routing/rule-sets/validate', function: 'routingApi', token: true },
  {
    method: 'GET',
    path: '/v1/routing/rule-sets/{ruleSetId}/versions/{version}',
    function: 'routingApi',
    token: true,
  },
  {
    method: 'POST',
    path: '/v1/routing/rule-sets/{ruleSetId}/versions/{version}/activate',
    function: 'routingApi',
    token: true,
  },
  { method: 'POST', path: '/v1/routing/simulate', function: 'routingApi', token: true },
  { method: 'POST', path: '/v1/inventory/movements', function: 'postInventoryMovement', token: true },
  { method: 'POST', path: '/v1/locations/{locationId}/pos-sales', function: 'postPosSales', token: true },
  { method: 'GET', path: '/v1/inventory/{sku}', function: 'getSkuInventory', token: true },
  {
    method: 'GET',
    path: '/v1/locations/{locationId}/inventory',
    function: 'getLocationInventory',
    token: true,
  },
  {
    method: 'GET',
    path: '/v1/channels/{channelId}/availability',
    function: 'getChannelAvailability',
    token: true,
  },
  {
    method: 'GET',
    path: '/v1/replenishment/suggestions',
    function: 'getReplenishmentSuggestions',
    token: true,
  },
  { method: 'PUT', path: '/v1/machine-clients/{clientId}', function: 'machineClientsApi', token: true },
  { method: 'GET', path: '/v1/machine-clients/{clientId}', function: 'machineClientsApi', token: true },
  { method: 'GET', path: '/v1/machine-clients', function: 'machineClientsApi', token: true },
  ...['/v1/locations', '/v1/products', '/v1/channels'].flatMap((collection) => {
    const id = { '/v1/locations': '{locationId}', '/v1/products': '{sku}', '/v1/channels': '{channelId}' }[
      collection
    ];
    return [
      { method: 'GET', path: collection, function: 'adminApi' as const, token: true },
      { method: 'GET', path: `${collection}/${id}`, function: 'adminApi' as const, token: true },
      { method: 'PUT', path: `${collection}/${id}`, function: 'adminApi' as const, token: true },
    ];
  }),
  { method: 'PUT', path: '/v1/channels/{channelId}/secret', function: 'adminApi', token: true },
  {
    method: 'GET',
    path: '/v1/locations/{locationId}/fulfillment-orders',
    function: 'getWorkQueue',
    token: true,
  },
  {
    method: 'GET',
    path: '/v1/fulfillment-orders/{fulfillmentOrderId}',
    function: 'getFulfillmentOrder',
    token: true,
  },
  ...[
    'accept',
    'reject',
    'pick',
    'pack',
    'ship',
    'ready-for-pickup',
    'picked-up',
    'receive',
    'accept-cancel',
    'refuse-cancel',
  ].map((action) => ({
    method: 'POST',
    path: `/v1/fulfillment-orders/{fulfillmentOrderId}/${action}`,
    function: 'postFulfillmentAction' as const,
    token: true,
  })),
  { method: 'POST', path: '/v1/orders/{orderId}/cancel', function: 'serviceApi', token: true },
  { method: 'PUT', path: '/v1/orders/{orderId}/shipping-address', function: 'serviceApi', token: true },
  { method: 'GET', path: '/v1/orders/{orderId}/history', function: 'serviceApi', token: true },
  { method: 'POST', path: '/v1/returns', function: 'serviceApi', token: true },
  { method: 'POST', path: '/v1/returns/{returnId}/receive', function: 'serviceApi', token: true },
  { method: 'GET', path: '/v1/returns/{returnId}', function: 'serviceApi', token: true },
  { method: 'GET', path: '/v1/orders/{orderId}/tracking', function: 'getOrderTracking', token: true },
  {
    method: 'POST',
    path: '/v1/fulfillment-orders/{fulfillmentOrderId}/labels',
    function: 'buyLabel',
    token: true,
  },
  { method: 'POST', path: '/v1/carriers/shippo/tracking', function: 'shippoTracking', token: false },
  { method: 'GET', path: '/v1/fulfillment-orders', function: 'listOverdueFulfillmentOrders', token: true },
  { method: 'GET', path: '/v1/orders', function: 'listOrders', token: true },
  { method: 'GET', path: '/v1/customers', function: 'customersApi', token: true },
  { method: 'GET', path: '/v1/customers/{customerId}', function: 'customersApi', token: true },
  { method: 'POST', path: '/v1/customers/{customerId}/export', function: 'customersApi', token: true },
  { method: 'POST', path: '/v1/customers/{customerId}/erase', function: 'customersApi', token: true },
  { method: 'GET', path: '/v1/reports/sales', function: 'reportsApi', token: true },
  { method: 'GET', path: '/v1/reports/bestsellers', function: 'reportsApi', token: true },
  { method: 'GET', path: '/v1/reports/fulfillment', function: 'reportsApi', token: true },
  { method: 'POST', path: '/v1/orders/{orderId}/route', function: 'rerouteOrder', token: true },
  { method: 'GET', path: '/v1/ops/dead-letters', function: 'deadLettersApi', token: true },
  {
    method: 'POST',
    path: '/v1/ops/dead-letters/{queue}/redrive',
    function: 'deadLettersApi',
    token: true,
  },
];

const STREAM_SUBSCRIPTIONS = [
  {
    table: 'Orders',
    function: 'publishOrderEvents',
    batchSize: 100,
    retryAttempts: 5,
    bisectBatchOnError: true,
  },
  {
    table: 'Inventory',
    function: 'inventorySync',
    batchSize: 100,
    retryAttempts: 10,
    bisectBatchOnError: false,
  },
  {
    table: 'Orders',
    function: 'reportsStream',
    batchSize: 100,
    retryAttempts: 10,
    bisectBatchOnError: true,
  },
] as const;

const FUNCTION_COUNT = 36;

describe('the HTTP API', () => {
  const { stack, template } = synthesizeOms();
  const resources = template.toJSON().Resources;

  it('has exactly these routes', () => {
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it.each(ROUTES)('routes $method $path to $function', (route) => {
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

  it.each(ROUTES)('puts the JWT authorizer on $method $path only if it needs a token', (route) => {
    const [authorizerId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    template.hasResourceProperties(
      'AWS::ApiGatewayV2::Route',
      route.token
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
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: subscription.retryAttempts,
        MaximumRecordAgeInSeconds: 3600,
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
  it('moves a routing message to its dead-letter queue after 5 receives, hidden 180 s while routed', () => {
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() }, 4);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 180,
      RedrivePolicy: {
        deadLetterTargetArn: arnOf(logicalIdOf(stack.queues.routing.deadLetterQueue)),
        maxReceiveCount: 5,
      },
      SqsManagedSseEnabled: true,
    });
  });

  it('drains the routing queue into route-orders ten at a time, at most 300 at once, with partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalIdOf(stack.queues.routing.queue)),
      FunctionName: { Ref: logicalIdOf(stack.functions.routeOrders) },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 300 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('drains the channel-changes queue into apply-channel-changes, fed by ChannelOrderChangeReceived', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalIdOf(stack.queues.channelChanges.queue)),
      FunctionName: { Ref: logicalIdOf(stack.functions.applyChannelChanges) },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 10 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['oms'], 'detail-type': ['ChannelOrderChangeReceived'] },
      Targets: [Match.objectLike({ Arn: arnOf(logicalIdOf(stack.queues.channelChanges.queue)) })],
    });
  });

  it('drains the customers queue into link-customers ten at a time, at most 5 at once, fed by OrderReceived', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalIdOf(stack.queues.customers.queue)),
      FunctionName: { Ref: logicalIdOf(stack.functions.linkCustomers) },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['oms'], 'detail-type': ['OrderReceived'] },
      Targets: [Match.objectLike({ Arn: arnOf(logicalIdOf(stack.queues.customers.queue)) })],
    });
  });

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

  it('sends new, backordered-and-restocked, rejected, readdressed, ops-released and pre-order-released orders to the routing queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['oms'],
        'detail-type': [
          'OrderReceived',
          'BackorderRetry',
          'FulfillmentOrderRejected',
          'FulfillmentOrderRerouteRequested',
          'OrderRerouteRequested',
          'PreorderReleased',
        ],
      },
      Targets: [
        Match.objectLike({
          Arn: arnOf(logicalIdOf(stack.queues.routing.queue)),
          DeadLetterConfig: { Arn: arnOf(logicalIdOf(stack.queues.routing.deadLetterQueue)) },
        }),
      ],
    });
  });
});

describe('the channel-updates queue', () => {
  const { stack, template } = synthesizeOms();

  it('moves a channel update to its dead-letter queue after 8 receives, hidden 360 s between tries', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: arnOf(logicalIdOf(stack.queues.channelUpdates.deadLetterQueue)),
        maxReceiveCount: 8,
      },
      SqsManagedSseEnabled: true,
    });
  });

  it('drains into channel-updates five at a time, at most 5 at once, with partial failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalIdOf(stack.queues.channelUpdates.queue)),
      FunctionName: { Ref: logicalIdOf(stack.functions.channelUpdates) },
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('is fed shipments, pick-ups, cancellations and refunds from the bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['oms'],
        'detail-type': [
          'ShipmentCreated',
          'OrderReadyForPickup',
          'OrderCanceled',
          'OrderLinesCanceled',
          'RefundRecorded',
        ],
      },
      Targets: [
        Match.objectLike({
          Arn: arnOf(logicalIdOf(stack.queues.channelUpdates.queue)),
          DeadLetterConfig: { Arn: arnOf(logicalIdOf(stack.queues.channelUpdates.deadLetterQueue)) },
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
    const deadLetterQueueCount = 4 + STREAM_SUBSCRIPTIONS.length;
    const onDeadLetters = alarms.filter(
      (alarm) =>
        alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        alarm.Properties.Threshold === 0,
    );
    expect(onDeadLetters).toHaveLength(deadLetterQueueCount);
  });

  it('alarms on errors of every function and on the lag of every stream consumer', () => {
    expect(metricNames.filter((name) => name === 'AWS/Lambda/Errors')).toHaveLength(FUNCTION_COUNT);
    expect(metricNames.filter((name) => name === 'AWS/Lambda/IteratorAge')).toHaveLength(
      STREAM_SUBSCRIPTIONS.length,
    );
  });

  it('charts orders and duplicate deliveries per channel from the OMS metrics', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    expect(body).toMatch(/SEARCH\('\{OMS\/test,channel,service\} MetricName=.*OrdersReceived/);
    expect(body).toMatch(/SEARCH\('\{OMS\/test,channel,service\} MetricName=.*DuplicateDeliveries/);
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
