import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
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

/** A stream image as a plain item (also read by the reports' stream consumer). */
export function image(attributes: NonNullable<DynamoDBRecord['dynamodb']>['NewImage']) {
  if (!attributes) return undefined;
  const repaired = Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, withEmptyMaps(value as AttributeValue)]),
  );
  return unmarshall(repaired);
}

/**
 * DynamoDB Local's stream hands an empty map over as a bare `{}` instead of `{ "M": {} }`, and
 * `unmarshall` throws on it: read it as the empty map it was, so that one order holding an
 * empty object can not stall the outbox (and leave itself RECEIVED for ever).
 */
function withEmptyMaps(value: AttributeValue): AttributeValue {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) {
    return {
      M: Object.fromEntries(Object.entries(value.M).map(([name, entry]) => [name, withEmptyMaps(entry)])),
    };
  }
  if (value.L) return { L: value.L.map(withEmptyMaps) };
  return value;
}

export const publishOrderEvents = (event: DynamoDBStreamEvent) =>
  publishStreamEvents(event, orderTableEvents);

export const handler = withObservability(publishOrderEvents);
