import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  fulfillmentActionEvents,
  fulfillmentOrderEvents,
  orderEvents,
  type DomainEvent,
  type FulfillmentOrderRecord,
} from '../domain/events.js';
import { toOrder } from '../data/order-items.js';
import {
  addressChangeEvents,
  cancellationEvents,
  channelChangeEvents,
  refundEvents,
  returnEvents,
} from '../domain/service/events.js';
import type {
  AddressChange,
  Cancellation,
  ReturnAuthorization,
  StoredRefund,
} from '../domain/service/records.js';
import { withObservability } from '../shared/middleware.js';
import { publishStreamEvents } from '../shared/stream-outbox.js';
import { image } from '../shared/stream-images.js';

/**
 * The Orders stream outbox: each committed write of an order or a fulfillment order becomes its
 * event(s) on the bus: an order's status, a new fulfillment order, a location's action. Other items (channel keys, raw payloads) publish nothing.
 */
export function orderTableEvents(record: DynamoDBRecord): DomainEvent[] {
  const previous = image(record.dynamodb?.OldImage);
  const current = image(record.dynamodb?.NewImage);
  switch ((current ?? previous)?.entityType) {
    case 'Order':
      return orderEvents(previous && toOrder(previous), current && toOrder(current));
    case 'FulfillmentOrder':
      return [
        ...fulfillmentOrderEvents(
          previous as FulfillmentOrderRecord | undefined,
          current as FulfillmentOrderRecord | undefined,
        ),
        ...fulfillmentActionEvents(previous, current),
      ];
    // Customer-service records are written once (a condition sees to it): a new one announces itself.
    case 'Cancellation':
      return current && !previous ? cancellationEvents(current as unknown as Cancellation) : [];
    case 'Refund':
      return current && !previous ? refundEvents(current as unknown as StoredRefund) : [];
    case 'AddressChange':
      return current && !previous ? addressChangeEvents(current as unknown as AddressChange) : [];
    case 'ChannelChange':
      return current && !previous
        ? channelChangeEvents(
            current as unknown as Parameters<typeof channelChangeEvents>[0],
            String(current.sk),
          )
        : [];
    case 'Return':
      return returnEvents(
        previous as unknown as ReturnAuthorization | undefined,
        current as unknown as ReturnAuthorization | undefined,
      );
    default:
      return [];
  }
}

export const publishOrderEvents = (event: DynamoDBStreamEvent) =>
  publishStreamEvents(event, orderTableEvents);

export const handler = withObservability(publishOrderEvents);
