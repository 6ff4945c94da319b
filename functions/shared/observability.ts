import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer per function container. The service name comes from
 * POWERTOOLS_SERVICE_NAME (set per function by the stack and by the local runtime), so every
 * log line, metric and trace says which function it came from.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'oms' });
// Metrics' own warnings (e.g. an invocation that recorded none) go through the logger, so they are
// structured and follow POWERTOOLS_LOG_LEVEL like every other line.
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'OMS', logger });
export const tracer = new Tracer();

/**
 * A failure a handler survived without failing its invocation, so Lambda's Errors metric never
 * sees it: a 500 answered to an API caller, or batch items reported back for a retry. The
 * HandlerFailures alarm of each function (lib/observability.ts) fires on this.
 */
export function recordHandlerFailures(count: number): void {
  if (count > 0) metrics.addMetric('HandlerFailures', MetricUnit.Count, count);
}
