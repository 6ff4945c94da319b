import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { NotFoundError } from '../../../functions/domain/errors.js';
import { handler as routeOrdersHandler } from '../../../functions/routing/route-orders.js';
import { errorResponse } from '../../../functions/shared/http.js';
import { withObservability } from '../../../functions/shared/middleware.js';
import { metrics } from '../../../functions/shared/observability.js';
import { aRoutingMessage, anSqsEvent } from '../../helpers/routing-messages.js';

const context = { functionName: 'route-orders', awsRequestId: 'req-1' } as Context;

function handlerFailureCalls(addMetric: MockInstance<typeof metrics.addMetric>) {
  return addMetric.mock.calls.filter(([name]) => name === 'HandlerFailures');
}

afterEach(() => vi.restoreAllMocks());

describe('the HandlerFailures metric', () => {
  it('counts one failure when an API handler answers an unexpected error with a 500', () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');

    const response = errorResponse(new Error('the database is gone'));

    expect(response.statusCode).toBe(500);
    expect(handlerFailureCalls(addMetric)).toEqual([['HandlerFailures', MetricUnit.Count, 1]]);
  });

  it('counts nothing when the error is the caller’s (a 4xx)', () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');

    const response = errorResponse(new NotFoundError('Order o-1 not found.'));

    expect(response.statusCode).toBe(404);
    expect(handlerFailureCalls(addMetric)).toEqual([]);
  });

  it('counts the failed items of a partial batch response, before the metrics are flushed', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const flush = vi.spyOn(metrics, 'publishStoredMetrics');
    const consumer = withObservability(async (): Promise<SQSBatchResponse> => ({
      batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }],
    }));

    await consumer({ Records: [] } as SQSEvent, context);

    const calls = handlerFailureCalls(addMetric);
    expect(calls).toEqual([['HandlerFailures', MetricUnit.Count, 2]]);
    const recordedAt = addMetric.mock.invocationCallOrder[addMetric.mock.calls.indexOf(calls[0]!)]!;
    expect(flush).toHaveBeenCalled();
    expect(recordedAt).toBeLessThan(flush.mock.invocationCallOrder.at(-1)!);
  });

  it('counts nothing when every item of a batch succeeded', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const consumer = withObservability(async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [] }));

    await consumer({ Records: [] } as SQSEvent, context);

    expect(handlerFailureCalls(addMetric)).toEqual([]);
  });

  it('counts a routing message the router could not handle, once', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const event = anSqsEvent(aRoutingMessage('OrderShipped', {}, 'not-a-routing-message'));

    const response = (await routeOrdersHandler(event, context)) as SQSBatchResponse;

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'not-a-routing-message' }]);
    expect(handlerFailureCalls(addMetric)).toEqual([['HandlerFailures', MetricUnit.Count, 1]]);
  });
});
