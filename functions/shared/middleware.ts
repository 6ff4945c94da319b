import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { routeAuthorization } from './access.js';
import type { HttpResponse } from './http.js';
import { logger, metrics, recordHandlerFailures } from './observability.js';
import { tracedWhenSampled } from './tracing.js';

/**
 * Wraps a handler with the observability every function must have: a trace segment, the Lambda
 * context and a correlation id in every log line, and metrics flushed (with a cold-start metric)
 * when the invocation ends.
 */
export function withObservability<Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
) {
  return middy(handler)
    .use(tracedWhenSampled())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(batchItemFailureMetrics());
}

/**
 * A queue or stream consumer that reports failed batch items succeeds as an invocation; the
 * failures are counted here, once per invocation, for every consumer. Used after logMetrics, so
 * its `after` runs first and the count is in the flush.
 */
function batchItemFailureMetrics(): MiddlewareObj {
  return {
    after: (request) => {
      const failures = (request.response as { batchItemFailures?: unknown } | undefined)?.batchItemFailures;
      if (Array.isArray(failures)) recordHandlerFailures(failures.length);
    },
  };
}

/** An HTTP API handler: the observability above, then the route's access checked before it runs. */
export function withApiAccess(
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>,
) {
  return withObservability(handler).use(routeAuthorization());
}
