import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  fulfillmentOrderEvents,
  orderEvents,
  type DomainEvent,
  type FulfillmentOrderRecord,
} from '../domain/events.js';
import { toOrder } from '../data/order-items.js';
import { withObservability } from '../shared/middleware.js';
import { publishStreamEvents } from '../shared/stream-outbox.js';

/**
 * The Orders stream outbox: each committed write of an order or a fulfillment order becomes its
 * event(s) on the bus. Other items (channel keys, raw payloads) publish nothing.
 */
export function orderTableEvents(record: DynamoDBRecord): DomainEvent[] {
  const previous = image(record.dynamodb?.OldImage);
  const current = image(record.dynamodb?.NewImage);
  switch ((current ?? previous)?.entityType) {
    case 'Order':
      return orderEvents(previous && toOrder(previous), current && toOrder(current));
    case 'FulfillmentOrder':
      return fulfillmentOrderEvents(
        previous as FulfillmentOrderRecord | undefined,
        current as FulfillmentOrderRecord | undefined,
      );
    default:
      return [];
  }
}

function image(attributes: NonNullable<DynamoDBRecord['dynamodb']>['NewImage']) {
  return attributes ? unmarshall(attributes as Record<string, AttributeValue>) : undefined;
}

export const publishOrderEvents = (event: DynamoDBStreamEvent) =>
  publishStreamEvents(event, orderTableEvents);

export const handler = withObservability(publishOrderEvents);
