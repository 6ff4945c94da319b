import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { orderEvents } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import { toOrder } from '../data/orders-repository.js';
import { publishEvents } from '../shared/event-publisher.js';
import { withObservability } from '../shared/middleware.js';
import { logger, metrics, tracer } from '../shared/observability.js';

const eventBridge = tracer.captureAWSv3Client(new EventBridgeClient({}));

/**
 * The Orders stream outbox: each committed order write becomes its event(s) on the bus. Records
 * whose events could not be published are reported as batch item failures, so Lambda retries
 * from the first of them; earlier ones are not published twice, later ones may be (subscribers
 * drop duplicates by detail.eventId).
 */
export async function publishOrderEvents(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const pending = event.Records.flatMap((record) =>
    orderEvents(orderImage(record.dynamodb?.OldImage), orderImage(record.dynamodb?.NewImage)).map(
      (domainEvent) => ({
        recordId: record.dynamodb?.SequenceNumber ?? '',
        domainEvent,
      }),
    ),
  );
  const failed = await publishEvents(eventBridge, pending);
  metrics.addMetric('EventsPublished', MetricUnit.Count, pending.length - failed.length);
  if (failed.length > 0) {
    metrics.addMetric('EventPublishFailures', MetricUnit.Count, failed.length);
    logger.warn('Events not published; the batch will be retried from the first failed record', {
      failedCount: failed.length,
    });
    const failedRecordIds = new Set(failed.map((item) => item.recordId));
    const firstFailed = event.Records.find((record) =>
      failedRecordIds.has(record.dynamodb?.SequenceNumber ?? ''),
    );
    return { batchItemFailures: [{ itemIdentifier: firstFailed?.dynamodb?.SequenceNumber ?? '' }] };
  }
  return { batchItemFailures: [] };
}

function orderImage(image: NonNullable<DynamoDBRecord['dynamodb']>['NewImage']): Order | undefined {
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  return item.entityType === 'Order' ? toOrder(item) : undefined;
}

export const handler = withObservability(publishOrderEvents);
