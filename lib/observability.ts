import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  AnomalyDetectionAlarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type AlarmProps,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageNames } from './stage-config.js';
import { FUNCTIONS } from './topology.js';

/** Stream records waiting this long mean events reach subscribers late: someone should look. */
const ITERATOR_AGE_ALARM_THRESHOLD = Duration.minutes(5);
/** A routed order is normally seconds old; work this old in a queue means its consumer is stuck or too slow. */
const QUEUE_AGE_ALARM_THRESHOLD = Duration.minutes(5);
/** Percent of API responses that are 5xx, over 5 minutes with at least MIN_REQUESTS requests. */
const API_5XX_RATE_THRESHOLD = 1;
const API_5XX_MIN_REQUESTS = 10;
/** Fulfillment orders past due for this long mean a location is behind, not a parcel running late. */
const OVERDUE_ALARM_PERIODS = 3;
/** Orders per channel are judged in quarter hours; an hour below the band is an hour without sales. */
const ORDERS_ANOMALY_PERIOD = Duration.minutes(15);
const ORDERS_ANOMALY_EVALUATION_PERIODS = 4;
/** The functions whose OrdersReceived (dimensions channel, service) counts a channel's orders. */
const ORDER_INGEST_SERVICES = [FUNCTIONS.postOrder.id, FUNCTIONS.pollAmazon.id];
const ROUTER_SERVICE = FUNCTIONS.routeOrders.id;
const INVENTORY_SYNC_SERVICE = FUNCTIONS.inventorySync.id;
const WIDGET_WIDTH = 8;

export interface NamedFunction {
  name: string;
  fn: IFunction;
}

export interface NamedQueue {
  name: string;
  queue: IQueue;
}

export interface ObservabilityProps {
  names: StageNames;
  api: IHttpApi;
  functions: NamedFunction[];
  /** Functions fed by a table stream: their iterator age is the lag of the outbox. */
  streamConsumers: NamedFunction[];
  workQueues: NamedQueue[];
  /** Every queue where failed work ends up; a message in any of them raises an alarm. */
  deadLetterQueues: NamedQueue[];
  /** Channels whose orders should keep coming; each gets an anomaly-detection alarm. */
  ordersExpectedFrom: readonly string[];
  /** Alarms notify this address through an SNS topic; without it they only change state. */
  alarmEmail?: string;
}

/**
 * The ops dashboard and the alarms that say when work is failing or falling behind
 * (docs/operations.md says what each one means and what to do).
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[];
  readonly alarmTopic: Topic | undefined;
  private readonly names: StageNames;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.names = props.names;
    this.alarms = [
      this.apiServerErrorRateAlarm(props.api),
      ...props.functions.map(({ name }) =>
        this.alarm(`${name}-HandlerFailures`, {
          alarmDescription: `${name} answered requests with a 500 or reported failed batch items (metric HandlerFailures).`,
          metric: this.omsMetric('HandlerFailures', name, { statistic: 'Sum', period: Duration.minutes(5) }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...props.functions.map(({ name, fn }) =>
        this.alarm(`${name}-Errors`, {
          alarmDescription: `The ${name} function failed invocations (unhandled errors or timeouts).`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...props.workQueues.map(({ name, queue }) =>
        this.alarm(`${name}-Age`, {
          alarmDescription: `The oldest message of ${name} waited more than ${QUEUE_AGE_ALARM_THRESHOLD.toMinutes()} minutes: its consumer is failing or can not keep up.`,
          metric: queue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
          threshold: QUEUE_AGE_ALARM_THRESHOLD.toSeconds(),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...props.deadLetterQueues.map(({ name, queue }) =>
        this.alarm(`${name}-NotEmpty`, {
          alarmDescription: `${name} holds failed work: inspect the messages, fix the cause, then redrive.`,
          metric: queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: 'Maximum',
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...props.streamConsumers.map(({ name, fn }) =>
        this.alarm(`${name}-IteratorAge`, {
          alarmDescription: `${name} is more than ${ITERATOR_AGE_ALARM_THRESHOLD.toMinutes()} minutes behind its table stream.`,
          metric: iteratorAge(fn, Duration.minutes(1)),
          threshold: ITERATOR_AGE_ALARM_THRESHOLD.toMilliseconds(),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      ...props.ordersExpectedFrom.map((channelId) => this.ordersStoppedAlarm(channelId)),
      this.overdueFulfillmentAlarm(),
    ];

    if (props.alarmEmail) {
      this.alarmTopic = this.createAlarmTopic(props.alarmEmail);
      const notify = new SnsAction(this.alarmTopic);
      for (const alarm of this.alarms) alarm.addAlarmAction(notify);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.names.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(...this.businessWidgets());
    this.dashboard.addWidgets(...this.plumbingWidgets(props));
  }

  private businessWidgets(): IWidget[] {
    const routed = this.omsMetric('OrdersRouted', ROUTER_SERVICE, { statistic: 'Sum' });
    const rate = (metricName: string, label: string) =>
      new MathExpression({
        expression: `IF(routed > 0, 100 * ${metricName.toLowerCase()} / routed, 0)`,
        usingMetrics: {
          routed,
          [metricName.toLowerCase()]: this.omsMetric(metricName, ROUTER_SERVICE, { statistic: 'Sum' }),
        },
        label,
        period: Duration.minutes(5),
      });
    return [
      new TextWidget({
        markdown: `# ${this.names.dashboardName}\nOrders, routing and stock of stage **${this.names.stage}**; what each graph and alarm means: docs/operations.md.`,
        width: 3 * WIDGET_WIDTH,
        height: 2,
      }),
      graph('Orders received, by channel', [this.searchByChannel('OrdersReceived')]),
      graph('Duplicate deliveries, by channel', [this.searchByChannel('DuplicateDeliveries')]),
      graph(
        'Time from received to routed (ms)',
        ['p50', 'p99'].map((statistic) =>
          this.omsMetric('ReceivedToRouted', ROUTER_SERVICE, { statistic, label: statistic }),
        ),
      ),
      graph('Shipments per order', [
        this.omsMetric('FulfillmentOrdersPerOrder', ROUTER_SERVICE, {
          statistic: 'Average',
          label: 'average',
        }),
        this.omsMetric('FulfillmentOrdersPerOrder', ROUTER_SERVICE, {
          statistic: 'Maximum',
          label: 'maximum',
        }),
      ]),
      graph('Split and backorder rates (% of routed orders)', [
        rate('Splits', 'split %'),
        rate('Backorders', 'backorder %'),
      ]),
      graph('Reservation conflicts', [
        this.omsMetric('ReservationConflicts', ROUTER_SERVICE, { statistic: 'Sum', label: 'stock' }),
        this.omsMetric('CapacityConflicts', ROUTER_SERVICE, { statistic: 'Sum', label: 'capacity' }),
      ]),
      graph('Stock-outs (SKUs out of stock network-wide)', [
        this.omsMetric('StockOuts', INVENTORY_SYNC_SERVICE, { statistic: 'Sum', label: 'stock-outs' }),
      ]),
      graph('Event publish failures', [this.searchByService('EventPublishFailures', 'Sum')]),
      graph('Overdue fulfillment orders', [this.searchByService('OverdueFulfillmentOrders', 'Maximum')]),
      graph('Handler failures', [this.searchByService('HandlerFailures', 'Sum')]),
    ];
  }

  private plumbingWidgets(props: ObservabilityProps): IWidget[] {
    const queues = [...props.workQueues, ...props.deadLetterQueues];
    return [
      graph(
        'Queue depth (visible messages)',
        queues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name }),
        ),
      ),
      graph(
        'Age of oldest message (s)',
        queues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: name }),
        ),
      ),
      graph(
        'Stream iterator age (max, ms)',
        props.streamConsumers.map(({ name, fn }) =>
          iteratorAge(fn, Duration.minutes(1)).with({ label: name }),
        ),
      ),
      graph('API requests and errors', [
        props.api.metricCount({ label: 'requests' }),
        props.api.metricClientError({ label: '4xx' }),
        props.api.metricServerError({ label: '5xx' }),
      ]),
      graph(
        'API latency (ms)',
        ['p50', 'p90', 'p99'].map((statistic) => props.api.metricLatency({ statistic, label: statistic })),
      ),
      graph(
        'Function errors',
        props.functions.map(({ name, fn }) => fn.metricErrors({ label: name })),
      ),
      graph(
        'Function throttles',
        props.functions.map(({ name, fn }) => fn.metricThrottles({ label: name })),
      ),
      graph(
        'Function duration p99 (ms)',
        props.functions.map(({ name, fn }) => fn.metricDuration({ statistic: 'p99', label: name })),
      ),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 3 * WIDGET_WIDTH }),
    ];
  }

  /** Every alarm's name starts with the stage's prefix, which the topic policy relies on. */
  private alarm(name: string, props: Omit<AlarmProps, 'alarmName'>): Alarm {
    return new Alarm(this, name, { ...props, alarmName: `${this.names.alarmPrefix}${name}` });
  }

  private apiServerErrorRateAlarm(api: IHttpApi): Alarm {
    const period = Duration.minutes(5);
    return this.alarm('Api-5xxRate', {
      alarmDescription: `More than ${API_5XX_RATE_THRESHOLD}% of API responses were 5xx (at least ${API_5XX_MIN_REQUESTS} requests in 5 minutes).`,
      metric: new MathExpression({
        expression: `IF(requests >= ${API_5XX_MIN_REQUESTS}, 100 * errors / requests, 0)`,
        usingMetrics: {
          requests: api.metricCount({ period, statistic: 'Sum' }),
          errors: api.metricServerError({ period, statistic: 'Sum' }),
        },
        label: '5xx %',
        period,
      }),
      threshold: API_5XX_RATE_THRESHOLD,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Alarms search no metrics, and channels are data, so each channel to watch is named in the
   * stage settings. Its count sums the ingest functions' series and counts a quarter hour without
   * orders as zero (no order publishes no data point); the band, learned from two weeks of its
   * own history, lets a quiet night pass and catches a Monday morning without orders.
   */
  private ordersStoppedAlarm(channelId: string): Alarm {
    const series = Object.fromEntries(
      ORDER_INGEST_SERVICES.map((service, index) => [
        `ingest${index}`,
        new Metric({
          namespace: this.names.metricsNamespace,
          metricName: 'OrdersReceived',
          dimensionsMap: { channel: channelId, service },
          statistic: 'Sum',
          period: ORDERS_ANOMALY_PERIOD,
        }),
      ]),
    );
    const name = `OrdersReceived-${channelId}-BelowExpected`;
    return new AnomalyDetectionAlarm(this, name, {
      alarmName: `${this.names.alarmPrefix}${name}`,
      alarmDescription: `Channel ${channelId} sent fewer orders than its usual pattern for an hour: check the channel's webhook and the ingest function.`,
      metric: new MathExpression({
        expression: Object.keys(series)
          .map((id) => `FILL(${id}, 0)`)
          .join(' + '),
        usingMetrics: series,
        label: `orders from ${channelId}`,
        period: ORDERS_ANOMALY_PERIOD,
      }),
      stdDevs: 2,
      comparisonOperator: ComparisonOperator.LESS_THAN_LOWER_THRESHOLD,
      evaluationPeriods: ORDERS_ANOMALY_EVALUATION_PERIODS,
      treatMissingData: TreatMissingData.BREACHING,
    });
  }

  /**
   * OverdueFulfillmentOrders is published by the fulfillment capability's scheduled count, under
   * its own function's `service`. A Metrics Insights query (which, unlike a SEARCH, an alarm can
   * watch) reads it whichever function publishes it.
   */
  private overdueFulfillmentAlarm(): Alarm {
    const period = Duration.minutes(5);
    return this.alarm('OverdueFulfillmentOrders', {
      alarmDescription: `Fulfillment orders have been past their due time for ${OVERDUE_ALARM_PERIODS * 5} minutes: a location is behind on its work.`,
      metric: new MathExpression({
        expression: `SELECT MAX(OverdueFulfillmentOrders) FROM SCHEMA("${this.names.metricsNamespace}", service)`,
        usingMetrics: {},
        label: 'overdue fulfillment orders',
        period,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: OVERDUE_ALARM_PERIODS,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  private createAlarmTopic(email: string): Topic {
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `OMS ${this.names.stage} alarms`,
      enforceSSL: true,
    });
    topic.addSubscription(new EmailSubscription(email));
    const stack = Stack.of(this);
    // CloudWatch publishes as its service principal; the conditions keep other accounts' alarms
    // (the confused deputy) and this account's other alarms off the topic.
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${this.names.alarmPrefix}*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms can not publish to a topic encrypted with the AWS-managed SNS key, and the notifications carry alarm names only, no order or customer data.',
    });
    return topic;
  }

  /** A metric the handlers publish through Powertools, which adds the function's `service` dimension. */
  private omsMetric(
    metricName: string,
    service: string,
    options: { statistic: string; label?: string; period?: Duration },
  ): Metric {
    return new Metric({
      namespace: this.names.metricsNamespace,
      metricName,
      dimensionsMap: { service },
      period: options.period ?? Duration.minutes(5),
      statistic: options.statistic,
      ...(options.label && { label: options.label }),
    });
  }

  /** Channels are configured at run time, so a search finds every (channel, service) series. */
  private searchByChannel(metricName: string): IMetric {
    return this.search(
      `{${this.names.metricsNamespace},channel,service} MetricName="${metricName}"`,
      'Sum',
      "${PROP('Dim.channel')} (${PROP('Dim.service')})",
    );
  }

  /** A metric several functions publish (or one another capability adds), whichever they are. */
  private searchByService(metricName: string, statistic: string): IMetric {
    return this.search(
      `{${this.names.metricsNamespace},service} MetricName="${metricName}"`,
      statistic,
      "${PROP('Dim.service')}",
    );
  }

  /** `label` is a dynamic label: each series found is named after its own dimensions. */
  private search(query: string, statistic: string, label: string): IMetric {
    return new MathExpression({
      expression: `SEARCH('${query}', '${statistic}', 300)`,
      usingMetrics: {},
      label,
      period: Duration.minutes(5),
    });
  }
}

function graph(title: string, metrics: IMetric[]): IWidget {
  return new GraphWidget({ title, left: metrics, width: WIDGET_WIDTH });
}

function iteratorAge(fn: IFunction, period: Duration) {
  return fn.metric('IteratorAge', { statistic: 'Maximum', period });
}
