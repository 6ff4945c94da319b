import { Duration, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from './functions.js';

/** Stream records waiting this long mean events reach subscribers late: someone should look. */
const ITERATOR_AGE_ALARM_THRESHOLD = Duration.minutes(5);
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
  api: IHttpApi;
  functions: NamedFunction[];
  /** Functions fed by a table stream: their iterator age is the lag of the outbox. */
  streamConsumers: NamedFunction[];
  workQueues: NamedQueue[];
  /** Every queue where failed work ends up; a message in any of them raises an alarm. */
  deadLetterQueues: NamedQueue[];
  /** Alarms notify this address through an SNS topic; without it they only change state. */
  alarmEmail?: string;
}

/** The ops dashboard and the alarms that say when work is failing or falling behind. */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[];
  readonly alarmTopic: Topic | undefined;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarms = [
      ...props.deadLetterQueues.map(
        ({ name, queue }) =>
          new Alarm(this, `${name}NotEmpty`, {
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
      ...props.functions.map(
        ({ name, fn }) =>
          new Alarm(this, `${name}Errors`, {
            alarmDescription: `The ${name} function failed invocations (unhandled errors or timeouts).`,
            metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
            threshold: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      ),
      ...props.streamConsumers.map(
        ({ name, fn }) =>
          new Alarm(this, `${name}IteratorAge`, {
            alarmDescription: `${name} is more than ${ITERATOR_AGE_ALARM_THRESHOLD.toMinutes()} minutes behind its table stream.`,
            metric: iteratorAge(fn, Duration.minutes(1)),
            threshold: ITERATOR_AGE_ALARM_THRESHOLD.toMilliseconds(),
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 3,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      ),
    ];

    if (props.alarmEmail) {
      this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'OMS alarms', enforceSSL: true });
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
      Validations.of(this.alarmTopic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms can not publish to a topic encrypted with the AWS-managed SNS key, and the notifications carry alarm names only, no order or customer data.',
      });
      const notify = new SnsAction(this.alarmTopic);
      for (const alarm of this.alarms) alarm.addAlarmAction(notify);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      graph('Orders received, by channel', [omsMetricByChannel('OrdersReceived')]),
      graph('Duplicate deliveries, by channel', [omsMetricByChannel('DuplicateDeliveries')]),
      graph('API requests and errors', [
        props.api.metricCount({ label: 'requests' }),
        props.api.metricClientError({ label: '4xx' }),
        props.api.metricServerError({ label: '5xx' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'API latency',
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
    );
    this.dashboard.addWidgets(
      graph(
        'Function duration p99',
        props.functions.map(({ name, fn }) => fn.metricDuration({ statistic: 'p99', label: name })),
      ),
      graph(
        'Stream iterator age (max)',
        props.streamConsumers.map(({ name, fn }) =>
          iteratorAge(fn, Duration.minutes(1)).with({ label: name }),
        ),
      ),
      graph(
        'Queue depth (visible messages)',
        [...props.workQueues, ...props.deadLetterQueues].map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Age of oldest message',
        [...props.workQueues, ...props.deadLetterQueues].map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: name }),
        ),
      ),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 2 * WIDGET_WIDTH }),
    );
  }
}

function graph(title: string, metrics: IMetric[]): IWidget {
  return new GraphWidget({ title, left: metrics, width: WIDGET_WIDTH });
}

function iteratorAge(fn: IFunction, period: Duration) {
  return fn.metric('IteratorAge', { statistic: 'Maximum', period });
}

/**
 * Powertools publishes with the function's `service` as a dimension besides `channel`, and
 * channels are configured at run time, so a search finds every (channel, service) series.
 */
function omsMetricByChannel(metricName: string): IMetric {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},channel,service} MetricName="${metricName}"', 'Sum', 300)`,
    usingMetrics: {},
    label: metricName,
    period: Duration.minutes(5),
  });
}
