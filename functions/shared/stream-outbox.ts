import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { DomainEvent } from '../domain/events.js';
import { publishEvents } from './event-publisher.js';
import { logger, metrics } from './observability.js';
import { traced } from './tracing.js';

let eventBridge: EventBridgeClient | undefined;

/**
 * A table stream as an outbox: maps each record to its events and publishes them. Records whose
 * events could not be published are reported as one batch item failure (the first of them), so
 * Lambda retries from there; earlier records are not published twice, later ones may be, and
 * subscribers drop duplicates by detail.eventId.
 *
 * Written by hand rather than with Powertools' BatchProcessor because that processes records one
 * at a time, and PutEvents should carry ten entries a call.
 */
export async function publishStreamEvents(
  event: DynamoDBStreamEvent,
  eventsOf: (record: DynamoDBRecord) => DomainEvent[],
): Promise<DynamoDBBatchResponse> {
  eventBridge ??= traced(new EventBridgeClient({}));
  const pending = event.Records.flatMap((record) =>
    eventsOf(record).map((domainEvent) => ({ recordId: record.dynamodb?.SequenceNumber ?? '', domainEvent })),
  );
  const failed = await publishEvents(eventBridge, pending);
  metrics.addMetric('EventsPublished', MetricUnit.Count, pending.length - failed.length);
  if (failed.length === 0) return { batchItemFailures: [] };

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
