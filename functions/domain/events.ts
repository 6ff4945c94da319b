import * as z from 'zod';
import { PUBLISHED_FULFILLMENT_EVENT_SCHEMAS } from './fulfillment/events.js';
import { ORDER_STATUSES, type Order, type OrderStatus } from './order.js';
import { OrderCanceledV1, SERVICE_EVENT_CATALOGUE } from './service/events.js';

/**
 * The event catalogue. Every event the OMS publishes is declared here with its detail-type,
 * version and schema; docs/events.md documents the same list. All events share source `oms`.
 * Details carry what subscribers route on, not the whole order: they can fetch the rest.
 */
export { EVENT_SOURCE } from './event-source.js';

export interface DomainEvent<Detail extends { eventId: string } = { eventId: string }> {
  detailType: string;
  detail: Detail;
}

/** Stable id of the change that caused the event: a replayed stream record yields the same one. */
const EventId = z.string().meta({ description: 'Deduplication key: <orderId>:v<order version>.' });

const OrderLineSummary = z.object({ lineId: z.string(), sku: z.string(), quantity: z.number().int() });

export const OrderReceivedV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    orderId: z.string(),
    channelId: z.string(),
    externalId: z.string(),
    status: z.enum(ORDER_STATUSES),
    placedAt: z.string(),
    receivedAt: z.string(),
    currency: z.string(),
    total: z.number().int(),
    fulfillmentType: z.enum(['ship', 'pickup', 'ship_to_store']),
    pickupLocationId: z.string().optional(),
    destinationCountry: z.string().optional(),
    lines: z.array(OrderLineSummary),
    tags: z.array(z.string()),
    totalsMismatch: z.boolean(),
  })
  .meta({ description: 'detail of OrderReceived, version 1.' });
export type OrderReceivedV1 = z.infer<typeof OrderReceivedV1>;

export const OrderStatusChangedV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    orderId: z.string(),
    channelId: z.string(),
    externalId: z.string(),
    status: z.enum(ORDER_STATUSES),
    previousStatus: z.enum(ORDER_STATUSES),
    orderVersion: z.number().int(),
    changedAt: z.string(),
  })
  .meta({ description: 'detail of OrderRouted, OrderBackordered and the other status events, version 1.' });
export type OrderStatusChangedV1 = z.infer<typeof OrderStatusChangedV1>;

/** The detail-type published when an order enters a status; statuses not listed publish none. */
export const STATUS_EVENTS: Partial<Record<OrderStatus, string>> = {
  ROUTED: 'OrderRouted',
  PARTIALLY_ROUTED: 'OrderPartiallyRouted',
  BACKORDERED: 'OrderBackordered',
  PARKED: 'OrderParked',
  PARTIALLY_FULFILLED: 'OrderPartiallyFulfilled',
  FULFILLED: 'OrderFulfilled',
  CANCELED: 'OrderCanceled',
  // Derived from the fulfillment orders (fulfillment/order-status.ts). READY_FOR_PICKUP has no
  // status event: the fulfillment order's OrderReadyForPickup announces it, with the code.
  IN_FULFILLMENT: 'OrderInFulfillment',
  PARTIALLY_SHIPPED: 'OrderPartiallyShipped',
  SHIPPED: 'OrderShipped',
  DELIVERED: 'OrderDelivered',
  COMPLETED: 'OrderCompleted',
};

export const FulfillmentOrderCreatedV1 = z
  .object({
    version: z.literal('1'),
    eventId: EventId,
    fulfillmentOrderId: z.string(),
    orderId: z.string(),
    locationId: z.string(),
    kind: z.enum(['ship', 'pickup', 'ship_to_store', 'dropship', 'transfer']),
    transferTo: z.string().optional(),
    lines: z.array(OrderLineSummary),
    createdAt: z.string(),
  })
  .meta({ description: 'detail of FulfillmentOrderCreated, version 1: work for one location.' });
export type FulfillmentOrderCreatedV1 = z.infer<typeof FulfillmentOrderCreatedV1>;

/** The part of a fulfillment order record the outbox announces. */
export type FulfillmentOrderRecord = Omit<FulfillmentOrderCreatedV1, 'version' | 'eventId'> & {
  status: string;
};

export const EVENT_CATALOGUE = [
  { detailType: 'OrderReceived', version: '1', schema: OrderReceivedV1 },
  { detailType: 'FulfillmentOrderCreated', version: '1', schema: FulfillmentOrderCreatedV1 },
  ...Object.values(STATUS_EVENTS).map((detailType) => ({
    detailType,
    version: '1',
    // OrderCanceled carries the status fields and the cancellation's (issue #11).
    schema: detailType === 'OrderCanceled' ? OrderCanceledV1 : OrderStatusChangedV1,
  })),
  // The fulfillment lifecycle (functions/domain/fulfillment/events.ts), published from the
  // fulfillment order's record by the outbox.
  ...Object.entries(PUBLISHED_FULFILLMENT_EVENT_SCHEMAS).map(([detailType, schema]) => ({
    detailType,
    version: '1',
    schema,
  })),
  ...SERVICE_EVENT_CATALOGUE,
] as const;

export function orderReceived(order: Order): DomainEvent<OrderReceivedV1> {
  const fulfillment = order.fulfillment;
  return {
    detailType: 'OrderReceived',
    detail: {
      version: '1',
      eventId: `${order.orderId}:v${order.version}`,
      orderId: order.orderId,
      channelId: order.channelId,
      externalId: order.externalId,
      status: order.status,
      placedAt: order.placedAt,
      receivedAt: order.receivedAt,
      currency: order.currency,
      total: order.totals?.total ?? order.reconciliation.computed.total,
      fulfillmentType: fulfillment.type,
      ...(fulfillment.type !== 'ship' && { pickupLocationId: fulfillment.locationId }),
      ...(order.shippingAddress && { destinationCountry: order.shippingAddress.country }),
      lines: order.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
      tags: order.tags,
      totalsMismatch: order.reconciliation.status === 'mismatch',
    },
  };
}

/**
 * The outbox rule for orders: a new order announces itself once; a later write announces the
 * status it moved to. Writes that change nothing a subscriber cares about publish nothing, and
 * a replayed stream record yields the same eventId, so duplicates can be dropped downstream.
 */
export function orderEvents(previous: Order | undefined, current: Order | undefined): DomainEvent[] {
  if (!current) return [];
  if (!previous) return [orderReceived(current)];
  if (previous.status === current.status) return [];
  const detailType = STATUS_EVENTS[current.status];
  if (!detailType) return [];
  if (current.status === 'CANCELED') return routerCancellation(previous, current);
  const detail: OrderStatusChangedV1 = {
    version: '1',
    eventId: `${current.orderId}:v${current.version}`,
    orderId: current.orderId,
    channelId: current.channelId,
    externalId: current.externalId,
    status: current.status,
    previousStatus: previous.status,
    orderVersion: current.version,
    changedAt: current.updatedAt,
  };
  return [{ detailType, detail }];
}

/**
 * The outbox rule for fulfillment orders: each one announces itself once, to the location that
 * must work on it (stores and warehouses subscribe by locationId), when it becomes CREATED:
 * written so, or moved there from PENDING once the large commit it belongs to holds. A PENDING
 * one announces nothing, so a location never hears of work a failed commit takes back.
 */
export function fulfillmentOrderEvents(
  previous: FulfillmentOrderRecord | undefined,
  current: FulfillmentOrderRecord | undefined,
): DomainEvent<FulfillmentOrderCreatedV1>[] {
  if (current?.status !== 'CREATED') return [];
  if (previous && previous.status !== 'PENDING') return [];
  const { fulfillmentOrderId, orderId, locationId, kind, transferTo, lines, createdAt } = current;
  return [
    {
      detailType: 'FulfillmentOrderCreated',
      detail: {
        version: '1',
        eventId: `${fulfillmentOrderId}:created`,
        fulfillmentOrderId,
        orderId,
        locationId,
        kind,
        ...(transferTo !== undefined && { transferTo }),
        lines: lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
        createdAt,
      },
    },
  ];
}

/**
 * A cancellation customer service or a channel asked for is announced by its record (the
 * Cancellation item written with the order, functions/domain/service/events.ts), which the order
 * names in `canceledBy`. One the router decided (rules that cancel what can not be placed) is
 * announced here, with the units it could not place.
 */
function routerCancellation(previous: Order, current: Order): DomainEvent[] {
  if ((current as Order & { canceledBy?: string }).canceledBy) return [];
  const unplaced = (
    current as Order & { routing?: { unplaced?: { lineId: string; sku: string; quantity: number }[] } }
  ).routing?.unplaced;
  const detail: OrderCanceledV1 = {
    version: '1',
    eventId: `${current.orderId}:v${current.version}`,
    orderId: current.orderId,
    channelId: current.channelId,
    externalId: current.externalId,
    status: 'CANCELED',
    previousStatus: previous.status,
    orderVersion: current.version,
    changedAt: current.updatedAt,
    reason: 'the routing rules cancel what can not be placed',
    lines: (unplaced ?? current.lines).map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
    canceledAt: current.updatedAt,
  };
  return [{ detailType: 'OrderCanceled', detail }];
}

/** A fulfillment order record as a location's action left it: its version and that action's events. */
export interface FulfillmentActionRecord {
  version?: number;
  outbox?: DomainEvent[];
}

/**
 * The outbox rule for fulfillment actions: the write of an action carries the events it caused
 * (`outbox`, computed with the change, functions/domain/fulfillment/progress.ts), published
 * once per new version. A replayed stream record publishes the same events with the same ids.
 */
export function fulfillmentActionEvents(
  previous: FulfillmentActionRecord | undefined,
  current: FulfillmentActionRecord | undefined,
): DomainEvent[] {
  if (!current?.outbox || current.version === undefined) return [];
  if (previous?.version === current.version) return [];
  return current.outbox;
}
