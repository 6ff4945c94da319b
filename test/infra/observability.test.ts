import { describe, expect, it } from 'vitest';
import { FUNCTIONS, QUEUES, STREAM_SUBSCRIPTIONS } from '../../lib/topology.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[]; markdown?: string; alarms?: unknown[] };
}

/** The dashboard body is JSON joined with tokens; the tokens become placeholders so it parses. */
function widgetsOf(template: ReturnType<typeof synthesizeOms>['template']): Widget[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

const NAMESPACE = 'OMS/test';

// Each expected widget, with the metric names its graph must draw (stated literally, as ops read them).
const EXPECTED_WIDGETS: [title: string, metrics: string[]][] = [
  ['Orders received, by channel', [`{${NAMESPACE},channel,service} MetricName="OrdersReceived"`]],
  ['Duplicate deliveries, by channel', ['MetricName="DuplicateDeliveries"']],
  ['Time from received to routed (ms)', ['ReceivedToRouted', '"stat":"p50"', '"stat":"p99"']],
  ['Shipments per order', ['FulfillmentOrdersPerOrder']],
  ['Split and backorder rates (% of routed orders)', ['Splits', 'Backorders', 'OrdersRouted']],
  ['Reservation conflicts', ['ReservationConflicts', 'CapacityConflicts']],
  ['Stock-outs (SKUs out of stock network-wide)', ['StockOuts']],
  ['Event publish failures', [`{${NAMESPACE},service} MetricName="EventPublishFailures"`]],
  ['Overdue fulfillment orders', [`{${NAMESPACE},service} MetricName="OverdueFulfillmentOrders"`]],
  ['Handler failures', [`{${NAMESPACE},service} MetricName="HandlerFailures"`]],
  ['Queue depth (visible messages)', ['ApproximateNumberOfMessagesVisible']],
  ['Age of oldest message (s)', ['ApproximateAgeOfOldestMessage']],
  ['Stream iterator age (max, ms)', ['IteratorAge']],
  ['API requests and errors', ['"Count"', '"4xx"', '"5xx"']],
  ['API latency (ms)', ['Latency', '"stat":"p99"']],
  ['Function errors', ['Errors']],
  ['Function throttles', ['Throttles']],
  ['Function duration p99 (ms)', ['Duration']],
];

describe('the ops dashboard', () => {
  const { template } = synthesizeOms();
  const widgets = widgetsOf(template);

  it('has a fixed name that carries the stage', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'OMS-test' });
  });

  it.each(EXPECTED_WIDGETS)('graphs "%s" from its metrics', (title, metrics) => {
    const widget = widgets.find((candidate) => candidate.properties.title === title);
    expect(widget, title).toBeDefined();
    const drawn = JSON.stringify(widget!.properties.metrics).replaceAll('\\"', '"');
    for (const metric of metrics) expect(drawn).toContain(metric);
  });

  it('reads the business metrics from the stage’s own namespace', () => {
    const routed = widgets.find(({ properties }) => properties.title === 'Time from received to routed (ms)');
    expect(JSON.stringify(routed!.properties.metrics)).toContain(
      `["${NAMESPACE}","ReceivedToRouted","service","route-orders"`,
    );
  });

  it('shows every alarm', () => {
    const status = widgets.find(({ properties }) => properties.title === 'Alarms');
    const alarmCount = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length;
    expect(status!.properties.alarms).toHaveLength(alarmCount);
  });
});

describe('the alarms', () => {
  const { stack, template } = synthesizeOms({ ordersExpectedFrom: ['web', 'shopify'] });
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
    (alarm) => alarm.Properties as Record<string, unknown>,
  );
  const named = (name: string) => alarms.find((alarm) => alarm.AlarmName === `OMS-test-${name}`);
  const functionIds = Object.values(FUNCTIONS).map((spec) => spec.id);

  it('are all named with the stage prefix', () => {
    for (const alarm of alarms) expect(alarm.AlarmName).toMatch(/^OMS-test-/);
  });

  it('fire on more than 1% of API responses being 5xx', () => {
    const alarm = named('Api-5xxRate');
    expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' });
    const metrics = JSON.stringify(alarm!.Metrics);
    expect(metrics).toContain('100 * errors / requests');
    expect(metrics).toContain('"MetricName":"5xx"');
    expect(metrics).toContain('"MetricName":"Count"');
  });

  it.each(functionIds)('fire on a handler failure that %s survived (metric HandlerFailures)', (id) => {
    expect(named(`${id}-HandlerFailures`)).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'HandlerFailures',
      Dimensions: [{ Name: 'service', Value: id }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each(functionIds)('fire on failed invocations of %s', (id) => {
    expect(named(`${id}-Errors`)).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
  });

  it('fire when the routing queue’s oldest message is more than 5 minutes old', () => {
    expect(named(`${QUEUES.routing.id}-Age`)).toMatchObject({
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(stack.queues.routing.queue), 'QueueName'] },
        },
      ],
      Threshold: 300,
    });
  });

  it('fire on a message in every dead-letter queue: each work queue’s and each stream’s failed batches', () => {
    const onDeadLetters = alarms.filter((alarm) => String(alarm.AlarmName).endsWith('-NotEmpty'));
    expect(onDeadLetters).toHaveLength(Object.keys(QUEUES).length + STREAM_SUBSCRIPTIONS.length);
    const queues = onDeadLetters.map((alarm) => JSON.stringify(alarm.Dimensions));
    expect(
      queues.some((dimension) => dimension.includes(logicalIdOf(stack.queues.routing.deadLetterQueue))),
    ).toBe(true);
    for (const alarm of onDeadLetters) {
      expect(alarm).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it.each(STREAM_SUBSCRIPTIONS.map((subscription) => FUNCTIONS[subscription.function].id))(
    'fire when %s is more than 5 minutes behind its stream',
    (id) => {
      expect(named(`${id}-IteratorAge`)).toMatchObject({ MetricName: 'IteratorAge', Threshold: 300_000 });
    },
  );

  it.each(['web', 'shopify'])(
    'fire when channel %s sends fewer orders than its learned pattern (anomaly detection)',
    (channelId) => {
      const alarm = named(`OrdersReceived-${channelId}-BelowExpected`);
      expect(alarm).toMatchObject({
        ComparisonOperator: 'LessThanLowerThreshold',
        TreatMissingData: 'breaching',
      });
      const metrics = alarm!.Metrics as { Id: string; Expression?: string; MetricStat?: unknown }[];
      expect(metrics.find((metric) => metric.Id === alarm!.ThresholdMetricId)?.Expression).toMatch(
        /^ANOMALY_DETECTION_BAND\(/,
      );
      expect(metrics.some((metric) => metric.Expression === 'FILL(ingest0, 0) + FILL(ingest1, 0)')).toBe(
        true,
      );
      const series = JSON.stringify(metrics.filter((metric) => metric.MetricStat));
      for (const service of ['post-order', 'poll-amazon']) {
        expect(series).toContain(
          `"Dimensions":[{"Name":"channel","Value":"${channelId}"},{"Name":"service","Value":"${service}"}]`,
        );
      }
    },
  );

  it('fire when fulfillment orders stay overdue, whichever function counts them', () => {
    const alarm = named('OverdueFulfillmentOrders');
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
    });
    expect(alarm!.Metrics).toEqual([
      expect.objectContaining({
        Expression: `SELECT MAX(OverdueFulfillmentOrders) FROM SCHEMA("${NAMESPACE}", service)`,
        Period: 300,
      }),
    ]);
  });

  it('watch no channel’s orders unless the stage names it', () => {
    const { template: plain } = synthesizeOms();
    const anomalyAlarms = Object.values(plain.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.ComparisonOperator === 'LessThanLowerThreshold',
    );
    expect(anomalyAlarms).toEqual([]);
  });
});

describe('the alarm topic', () => {
  const { template } = synthesizeOms({ alarmEmail: 'ops@example.com' });

  it('lets CloudWatch alarms of this account and stage publish to it', () => {
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const statements = policy!.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    const fromCloudWatch = statements.find(
      (statement) =>
        JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
    );
    expect(fromCloudWatch).toMatchObject({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    expect(JSON.stringify(fromCloudWatch!.Condition)).toContain(':alarm:OMS-test-*');
  });
});
