import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics per function container (the tracer: tracing.ts). The service name comes from
 * POWERTOOLS_SERVICE_NAME (set per function by the stack and by the local runtime), so every
 * log line, metric and trace says which function it came from.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'oms' });
/**
 * Metrics' own warnings (an invalid dimension, a metric CloudWatch would drop) go through the
 * logger, so they are structured and follow POWERTOOLS_LOG_LEVEL like every other line. One is
 * left out: "No application metrics to publish", which Powertools writes for every invocation
 * that recorded none. Most of ours record none by design (a metric is a signal, such as
 * HandlerFailures), so it would be one useless line per request, paid for in CloudWatch Logs.
 * Powertools offers the custom logger for exactly this (powertools-lambda-typescript#2036).
 */
const EMPTY_METRICS_WARNING = 'No application metrics to publish';
const metricsLogger = {
  trace: logger.trace.bind(logger),
  debug: logger.debug.bind(logger),
  info: logger.info.bind(logger),
  warn: (input: LogItemMessage, ...extraInput: LogItemExtraInput) => {
    if (typeof input === 'string' && input.startsWith(EMPTY_METRICS_WARNING)) return;
    logger.warn(input, ...extraInput);
  },
  error: logger.error.bind(logger),
};
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'OMS',
  logger: metricsLogger,
});

/**
 * A failure a handler survived without failing its invocation, so Lambda's Errors metric never
 * sees it: a 500 answered to an API caller, or batch items reported back for a retry. The
 * HandlerFailures alarm of each function (lib/observability.ts) fires on this.
 */
export function recordHandlerFailures(count: number): void {
  if (count > 0) metrics.addMetric('HandlerFailures', MetricUnit.Count, count);
}
