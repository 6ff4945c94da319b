import type { Actor } from '../access.js';
import type { DomainEvent } from '../events.js';
import type { Order, OrderStatus } from '../order.js';
import type { FulfillmentAction, FulfillmentEffect, FulfillmentResult } from './machine.js';
import type { FulfillmentEvent } from './events.js';
import { NOT_YET_WORK, type FulfillmentOrderState, type FulfillmentState } from './model.js';
import { deriveOrderStatus, FULFILLMENT_ORDER_STATUSES } from './order-status.js';

/**
 * What an applied action means beyond the fulfillment order itself: who took it (its history),
 * whose work queue it is in now, the order's status, the stock to move and the events to
 * publish. Pure: the repository (functions/data/fulfillment-repository.ts) writes all of it in
 * the transaction that writes the fulfillment order.
 */

/** Kinds whose goods travel to a pick-up store (`transferTo`), which then has the work. */
const TRAVELLING_KINDS: readonly FulfillmentOrderState['kind'][] = ['ship_to_store', 'transfer'];
/** States in which a travelling fulfillment order is the pick-up store's to act on. */
const AT_DESTINATION: readonly FulfillmentState[] = [
  'SHIPPED',
  'IN_TRANSIT',
  'DELIVERED',
  'READY_FOR_PICKUP',
  'PICKED_UP',
];
/** Actions the pick-up store takes (the machine's `destination_location` actor). */
const DESTINATION_ACTIONS: readonly FulfillmentAction[] = ['receive', 'picked-up'];

/**
 * The location whose queue holds the fulfillment order: the source until the goods left for the
 * pick-up store, then that store. PENDING work is in no queue (undefined).
 */
export function workLocationOf(
  fo: Pick<FulfillmentOrderState, 'kind' | 'status' | 'locationId' | 'transferTo'>,
): string | undefined {
  if (NOT_YET_WORK.includes(fo.status)) return undefined;
  if (TRAVELLING_KINDS.includes(fo.kind) && fo.transferTo && AT_DESTINATION.includes(fo.status))
    return fo.transferTo;
  return fo.locationId;
}

/** The location that takes an action, which a store user must belong to. */
export function actingLocationOf(fo: FulfillmentOrderState, action: FulfillmentAction): string {
  return DESTINATION_ACTIONS.includes(action) ? (fo.transferTo ?? fo.locationId) : fo.locationId;
}

/** The locations that may read the fulfillment order: its source and its pick-up store. */
export function locationsOf(fo: Pick<FulfillmentOrderState, 'locationId' | 'transferTo'>): string[] {
  return fo.transferTo && fo.transferTo !== fo.locationId ? [fo.locationId, fo.transferTo] : [fo.locationId];
}

/** The new state with the step appended to its history, naming the token's actor. */
export function withStep(
  before: FulfillmentOrderState,
  after: FulfillmentOrderState,
  action: FulfillmentAction | 'release',
  actor: Actor,
  at: string,
): FulfillmentOrderState {
  const step = {
    action,
    at,
    actor: {
      sub: actor.sub,
      role: actor.role,
      ...(actor.clientId !== undefined && { clientId: actor.clientId }),
    },
    from: before.status,
    to: after.status,
    version: after.version,
  };
  return { ...after, history: [...(before.history ?? []), step] };
}

/** The orders a fulfillment order holds lines of: its own, and others' when orders were merged. */
export function orderIdsOf(fo: Pick<FulfillmentOrderState, 'orderId' | 'lines'>): string[] {
  return [...new Set([fo.orderId, ...fo.lines.map((line) => line.orderId ?? fo.orderId)])];
}

/** The order as the fulfillment side reads it: the router's own status kept beside the derived one. */
export type FulfilledOrder = Order & { routerStatus?: OrderStatus };

const DERIVED: readonly OrderStatus[] = FULFILLMENT_ORDER_STATUSES;

/**
 * The router's status of an order (whether every line is placed): stored as `routerStatus` once
 * a derived status replaced it in `status`; before that, `status` is the router's.
 */
export function routerStatusOf(order: FulfilledOrder): OrderStatus {
  if (order.routerStatus) return order.routerStatus;
  return DERIVED.includes(order.status) ? 'ROUTED' : order.status;
}

export interface OrderProgress {
  orderId: string;
  expectedVersion: number;
  status: OrderStatus;
  routerStatus: OrderStatus;
}

/**
 * The order's status after the action: derived from all its fulfillment orders with this one as
 * it is now. Units going back to the router leave lines unplaced until it has placed them again.
 */
export function orderProgress(
  order: FulfilledOrder,
  fulfillmentOrders: readonly FulfillmentOrderState[],
  changed: FulfillmentOrderState,
  effects: readonly FulfillmentEffect[],
): OrderProgress {
  const rerouting = effects.some((effect) => effect.type === 'reroute');
  const routerStatus = rerouting ? 'PARTIALLY_ROUTED' : routerStatusOf(order);
  const current = fulfillmentOrders
    .filter((fo) => fo.fulfillmentOrderId !== changed.fulfillmentOrderId)
    .concat(changed);
  return {
    orderId: order.orderId,
    expectedVersion: order.version,
    status: deriveOrderStatus({ routerStatus, fulfillmentOrders: current }),
    routerStatus,
  };
}

/** Per (sku, location), the units a transaction moves: reserved ones leave, come back, or vanish. */
export interface StockChange {
  sku: string;
  locationId: string;
  /** Reserved units that left the building (shipped, handed over): onHand and reserved drop. */
  consumed: number;
  /** Reserved units given back: reserved drops, available rises. */
  released: number;
  /** Of the released units, those the shelf did not have (a short pick): onHand drops too. */
  missing: number;
}

export function stockChangesOf(effects: readonly FulfillmentEffect[]): StockChange[] {
  const byKey = new Map<string, StockChange>();
  const at = (sku: string, locationId: string) => {
    const key = `${sku}\u0000${locationId}`;
    const change = byKey.get(key) ?? { sku, locationId, consumed: 0, released: 0, missing: 0 };
    byKey.set(key, change);
    return change;
  };
  for (const effect of effects) {
    if (effect.type === 'consume_stock') at(effect.sku, effect.locationId).consumed += effect.quantity;
    if (effect.type === 'release_stock') at(effect.sku, effect.locationId).released += effect.quantity;
    if (effect.type === 'adjust_stock') at(effect.sku, effect.locationId).missing -= effect.quantityDelta;
  }
  return [...byKey.values()];
}

/** The lines to route again, summed per line, as the router reads them (`pendingReroute.lines`). */
export function rerouteLinesOf(
  effects: readonly FulfillmentEffect[],
  waiting: readonly { lineId: string; sku: string; quantity: number }[] = [],
): { lineId: string; sku: string; quantity: number }[] {
  const byLine = new Map(waiting.map((line) => [line.lineId, { ...line }]));
  for (const effect of effects) {
    if (effect.type !== 'reroute') continue;
    for (const line of effect.lines) {
      const seen = byLine.get(line.lineId);
      if (seen) seen.quantity += line.quantity;
      else byLine.set(line.lineId, { lineId: line.lineId, sku: line.sku, quantity: line.quantity });
    }
  }
  return [...byLine.values()];
}

export interface OrderReference {
  orderId: string;
  channelId: string;
  externalId: string;
}

/**
 * The events as published: one per order the fulfillment order serves (merged orders get one
 * each, with their own lines and the order's channel, so the channel that sold it can be told).
 * ShipmentCreated carries the shipment as one object and OrderReadyForPickup names the store
 * where the customer collects as its `locationId`: the contract channel updates read.
 */
export function publishedEvents(
  fo: FulfillmentOrderState,
  events: FulfillmentResult['events'],
  orders: readonly OrderReference[],
): DomainEvent<PublishedDetail>[] {
  const lineOrder = new Map(fo.lines.map((line) => [line.lineId, line.orderId ?? fo.orderId]));
  return events.flatMap((event) =>
    orders.map((order) => {
      const eventId = orders.length === 1 ? event.detail.eventId : `${event.detail.eventId}:${order.orderId}`;
      const own = <Line extends { lineId: string }>(lines: Line[]) =>
        orders.length === 1 ? lines : lines.filter((line) => lineOrder.get(line.lineId) === order.orderId);
      return { detailType: event.detailType, detail: publishedDetail(event, order, eventId, own) };
    }),
  );
}

type PublishedDetail = { eventId: string } & Record<string, unknown>;

function publishedDetail(
  event: FulfillmentEvent,
  order: OrderReference,
  eventId: string,
  own: <Line extends { lineId: string }>(lines: Line[]) => Line[],
): PublishedDetail {
  const common = {
    eventId,
    orderId: order.orderId,
    channelId: order.channelId,
    externalId: order.externalId,
  };
  switch (event.detailType) {
    case 'ShipmentCreated': {
      const { shipmentId, carrier, service, trackingNumber, trackingUrl, lines, ...rest } = event.detail;
      return {
        ...rest,
        ...common,
        shipment: {
          shipmentId,
          carrier,
          ...(service !== undefined && { service }),
          trackingNumber,
          ...(trackingUrl !== undefined && { trackingUrl }),
          shippedAt: event.detail.occurredAt,
          lines: own(lines),
        },
      };
    }
    case 'OrderReadyForPickup':
      return {
        ...event.detail,
        ...common,
        sourceLocationId: event.detail.locationId,
        locationId: event.detail.pickupLocationId,
        readyAt: event.detail.occurredAt,
      };
    default:
      return 'lines' in event.detail
        ? { ...event.detail, ...common, lines: own(event.detail.lines) }
        : { ...event.detail, ...common };
  }
}
