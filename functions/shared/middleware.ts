import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './observability.js';

/**
 * Wraps a handler with the observability every function must have: a trace segment, the Lambda
 * context and a correlation id in every log line, and metrics flushed (with a cold-start metric)
 * when the invocation ends.
 */
export function withObservability<Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
) {
  return middy(handler)
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
