import type { StoredFulfillmentOrderLike } from './sources.js';
import type { Fact, FulfillmentCounts, SalesContribution } from './model.js';
import { bucketOf } from './histogram.js';
import { localDay } from '../routing/routing-input.js';
import type { Order } from '../order.js';
import type { ReturnAuthorization, StoredRefund } from '../service/records.js';

/**
 * The facts of one change of an Orders-table item, as a DynamoDB stream record carries it (the
 * item before and after). Pure: what it needs besides the images is handed in (`FactContext`).
 * Each fact's id names its source event, never the stream record, so the same event seen twice
 * (a duplicate delivery, a replayed batch) has the same id and is counted once.
 */
export interface FactContext {
  /** The IANA zone whose calendar days the reports use. */
  timeZone: string;
  /** A configured location's type (store, warehouse, …), to tell ship-from-store. */
  locationType(locationId: string): string | undefined;
  /** The order a refund, a return or a routing decision belongs to, as stored. */
  order(orderId: string): Order | undefined;
  /** The fulfillment orders the order's first routing decision created (createdAt = decidedAt). */
  firstRouting(orderId: string): readonly { locationId: string; kind: string }[];
}

export type ItemChange =
  | { entityType: 'Order'; previous?: Order; current?: Order }
  | {
      entityType: 'FulfillmentOrder';
      previous?: StoredFulfillmentOrderLike;
      current?: StoredFulfillmentOrderLike;
    }
  | { entityType: 'Refund'; previous?: StoredRefund; current?: StoredRefund }
  | { entityType: 'Return'; previous?: ReturnAuthorization; current?: ReturnAuthorization };

export function factsOf(change: ItemChange, context: FactContext): Fact[] {
  switch (change.entityType) {
    case 'Order':
      return change.current ? orderFacts(change.previous, change.current, context) : [];
    case 'FulfillmentOrder':
      return change.current ? fulfillmentOrderFacts(change.previous, change.current, context) : [];
    case 'Refund':
      return change.current && !change.previous ? [refundFact(change.current, context)] : [];
    case 'Return':
      return change.current ? returnFacts(change.previous, change.current, context) : [];
  }
}

/** The store an order is credited to: where it is collected (or was sold, at a POS); else none. */
export function sellingLocationOf(order: Pick<Order, 'fulfillment'>): string | null {
  return order.fulfillment.type === 'ship' ? null : order.fulfillment.locationId;
}

type RoutedOrder = Order & {
  routing?: { decidedAt: string; unplaced?: { quantity: number }[] };
};

function orderFacts(previous: Order | undefined, current: RoutedOrder, context: FactContext): Fact[] {
  const facts: Fact[] = [];
  if (!previous) facts.push(placedFact(current, context));
  const before = previous as RoutedOrder | undefined;
  if (previous && !before?.routing && current.routing) facts.push(routedFact(current, context));
  if (previous && previous.status !== 'CANCELED' && current.status === 'CANCELED') {
    facts.push(fact(`order-canceled:${current.orderId}`, current.updatedAt, context, { ordersCanceled: 1 }));
  }
  return facts;
}

function placedFact(order: Order, context: FactContext): Fact {
  const units = sum(order.lines.map((line) => line.quantity));
  const discounts = sum(order.lines.map((line) => line.discount)) + order.orderDiscount;
  const gross = sum(order.lines.map((line) => line.unitPrice * line.quantity));
  const whole = {
    orders: 1,
    units,
    revenue: gross - discounts,
    discounts,
    tax: sum(order.lines.map((line) => line.tax)) + order.shippingTax,
  };
  const bySku = new Map<string, { units: number; revenue: number; discounts: number; tax: number }>();
  for (const line of order.lines) {
    const entry = bySku.get(line.sku) ?? { units: 0, revenue: 0, discounts: 0, tax: 0 };
    entry.units += line.quantity;
    entry.revenue += line.unitPrice * line.quantity - line.discount;
    entry.discounts += line.discount;
    entry.tax += line.tax;
    bySku.set(line.sku, entry);
  }
  const currency = order.currency;
  return {
    ...fact(`order-placed:${order.orderId}`, order.placedAt, context, {
      ordersPlaced: 1,
      // A sale at a till is collected where it is sold; click-and-collect is bought elsewhere.
      clickAndCollectOrders: order.fulfillment.type === 'pickup' && !order.counterSale ? 1 : 0,
      unitsSold: units,
    }),
    sales: [
      { dimension: 'channel', value: order.channelId, currency, measures: whole },
      { dimension: 'location', value: sellingLocationOf(order), currency, measures: whole },
      ...[...bySku].map(([sku, measures]): SalesContribution => ({
        dimension: 'sku',
        value: sku,
        currency,
        measures: { orders: 1, ...measures },
      })),
    ],
  };
}

const WAITING_FOR_STOCK = new Set(['BACKORDERED', 'PARTIALLY_ROUTED']);

function routedFact(order: RoutedOrder, context: FactContext): Fact {
  const routing = order.routing!;
  const ordered = sum(order.lines.map((line) => line.quantity));
  const unplaced = sum((routing.unplaced ?? []).map((line) => line.quantity));
  const locations = new Set(
    context
      .firstRouting(order.orderId)
      .filter((fulfillmentOrder) => fulfillmentOrder.kind !== 'transfer')
      .map((fulfillmentOrder) => fulfillmentOrder.locationId),
  );
  return {
    ...fact(`order-routed:${order.orderId}`, routing.decidedAt, context, {
      ordersRouted: 1,
      unitsOrdered: ordered,
      unitsPlaced: ordered - unplaced,
      ordersSplit: locations.size > 1 ? 1 : 0,
      ordersBackordered: WAITING_FOR_STOCK.has(order.status) ? 1 : 0,
    }),
    histograms: { timeToRoute: sample(secondsBetween(order.receivedAt, routing.decidedAt)) },
  };
}

/** Kinds whose shipments go to the customer (a transfer restocks the pick-up store). */
const CUSTOMER_SHIPMENT_KINDS = new Set(['ship', 'ship_to_store', 'dropship']);
/** Kinds whose distance is to the customer's door. */
const DOORSTEP_KINDS = new Set(['ship', 'dropship']);

function fulfillmentOrderFacts(
  previous: StoredFulfillmentOrderLike | undefined,
  current: StoredFulfillmentOrderLike,
  context: FactContext,
): Fact[] {
  const facts: Fact[] = [];
  const id = current.fulfillmentOrderId;
  if (current.status === 'CREATED' && (!previous || previous.status === 'PENDING')) {
    facts.push(fact(`fo-created:${id}`, current.createdAt, context, { fulfillmentOrdersCreated: 1 }));
  }
  if (previous && previous.status !== 'REJECTED' && current.status === 'REJECTED') {
    facts.push(
      fact(`fo-rejected:${id}`, current.updatedAt ?? current.createdAt, context, {
        fulfillmentOrdersRejected: 1,
      }),
    );
  }
  if (CUSTOMER_SHIPMENT_KINDS.has(current.kind)) {
    const known = new Set((previous?.shipments ?? []).map((shipment) => shipment.shipmentId));
    for (const shipment of current.shipments ?? []) {
      if (known.has(shipment.shipmentId)) continue;
      facts.push(shipmentFact(current, shipment, context));
      for (const orderId of orderIdsOf(current)) {
        facts.push(fact(`order-shipped:${orderId}`, shipment.shippedAt, context, { ordersShipped: 1 }));
      }
    }
  }
  const completed = new Set(['DELIVERED', 'PICKED_UP']);
  if (previous && !completed.has(previous.status) && completed.has(current.status)) {
    facts.push(completionFact(current, context));
  }
  return facts;
}

function shipmentFact(
  fulfillmentOrder: StoredFulfillmentOrderLike,
  shipment: { shipmentId: string; shippedAt: string },
  context: FactContext,
): Fact {
  const distanceKm = DOORSTEP_KINDS.has(fulfillmentOrder.kind) ? fulfillmentOrder.distanceKm : undefined;
  const dueBy = fulfillmentOrder.dueBy;
  return {
    ...fact(`shipment:${shipment.shipmentId}`, shipment.shippedAt, context, {
      shipments: 1,
      shipmentsFromStores: context.locationType(fulfillmentOrder.locationId) === 'store' ? 1 : 0,
      shipmentsWithDueBy: dueBy === undefined ? 0 : 1,
      shipmentsByDueBy: dueBy !== undefined && Date.parse(shipment.shippedAt) <= Date.parse(dueBy) ? 1 : 0,
      shipmentsWithDistance: distanceKm === undefined ? 0 : 1,
      distanceMeters: distanceKm === undefined ? 0 : Math.round(distanceKm * 1000),
    }),
    histograms: { timeToShip: sample(secondsBetween(fulfillmentOrder.createdAt, shipment.shippedAt)) },
  };
}

/**
 * On time: the goods reached the customer (delivered, or collected at the store) on or before
 * the promised day, both read as days of the reporting zone. Without a promise, not measured.
 */
function completionFact(fulfillmentOrder: StoredFulfillmentOrderLike, context: FactContext): Fact {
  const deliveries = (fulfillmentOrder.shipments ?? []).flatMap((shipment) =>
    shipment.deliveredAt ? [shipment.deliveredAt] : [],
  );
  const completedAt =
    fulfillmentOrder.pickedUpAt ??
    deliveries.sort().at(-1) ??
    fulfillmentOrder.updatedAt ??
    fulfillmentOrder.createdAt;
  const promisedBy = fulfillmentOrder.promisedBy;
  const onTime = promisedBy !== undefined && localDay(completedAt, context.timeZone) <= promisedBy;
  return fact(`fo-completed:${fulfillmentOrder.fulfillmentOrderId}`, completedAt, context, {
    completedWithPromise: promisedBy === undefined ? 0 : 1,
    completedOnTime: onTime ? 1 : 0,
  });
}

function refundFact(refund: StoredRefund, context: FactContext): Fact {
  const order = context.order(refund.orderId);
  const currency = refund.currency;
  const bySku = new Map<string, number>();
  for (const line of refund.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.total);
  return {
    ...fact(`refund:${refund.refundId}`, refund.recordedAt, context, {}),
    sales: [
      { dimension: 'channel', value: refund.channelId, currency, measures: { refunds: refund.total } },
      {
        dimension: 'location',
        value: order ? sellingLocationOf(order) : null,
        currency,
        measures: { refunds: refund.total },
      },
      ...[...bySku].map(([sku, refunds]): SalesContribution => ({
        dimension: 'sku',
        value: sku,
        currency,
        measures: { refunds },
      })),
    ],
  };
}

/** Units returned are counted when they are received back, each receipt once. */
function returnFacts(
  previous: ReturnAuthorization | undefined,
  current: ReturnAuthorization,
  context: FactContext,
): Fact[] {
  const order = context.order(current.orderId);
  if (!order) return [];
  const known = new Set((previous?.receipts ?? []).map((receipt) => receipt.receiptId));
  return current.receipts
    .filter((receipt) => !known.has(receipt.receiptId))
    .map((receipt) => {
      const units = sum(receipt.lines.map((line) => line.quantity));
      const bySku = new Map<string, number>();
      for (const line of receipt.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
      const currency = order.currency;
      return {
        ...fact(`return-receipt:${current.returnId}:${receipt.receiptId}`, receipt.receivedAt, context, {
          unitsReturned: units,
        }),
        sales: [
          { dimension: 'channel', value: current.channelId, currency, measures: { returns: units } },
          { dimension: 'location', value: sellingLocationOf(order), currency, measures: { returns: units } },
          ...[...bySku].map(([sku, returns]): SalesContribution => ({
            dimension: 'sku',
            value: sku,
            currency,
            measures: { returns },
          })),
        ],
      };
    });
}

function orderIdsOf(fulfillmentOrder: StoredFulfillmentOrderLike): string[] {
  const ids = new Set([fulfillmentOrder.orderId]);
  for (const line of fulfillmentOrder.lines) if (line.orderId) ids.add(line.orderId);
  return [...ids];
}

function fact(factId: string, at: string, context: FactContext, counts: Partial<FulfillmentCounts>): Fact {
  const fulfillment = Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0));
  return { factId, day: localDay(at, context.timeZone), sales: [], fulfillment, histograms: {} };
}

function sample(seconds: number) {
  return { [bucketOf(seconds)]: 1 };
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
