import type { FulfillmentPromise } from '../fulfillment/promise.js';
import type { Location as ConfiguredLocation } from '../location.js';
import type { Order, OrderStatus } from '../order.js';
import type { StockLevel as StoredStockLevel } from '../stock.js';
import type {
  Location,
  PlannedLine,
  Product,
  RoutingInput,
  RoutingOrder,
  RoutingPlan,
  StockLevel,
  UnplacedLine,
} from './model.js';
import type { RuleSet } from './rules.js';

/**
 * The mapping between what the OMS stores (orders, configured locations, stock items) and what
 * the routing engine reads and answers. Kept apart from the engine so that the engine's types
 * stay free of storage concerns and the repositories stay free of routing concerns.
 */

export interface RoutingSources {
  order: Order;
  locations: readonly ConfiguredLocation[];
  /** Fulfillment orders already taken today, per location; absent means none counted. */
  capacityUsed?: Readonly<Record<string, number>>;
  stockLevels: readonly StoredStockLevel[];
  products?: Readonly<Record<string, Product>>;
  ruleSet: RuleSet;
  now: string;
  /** Only these lines are routed (a rejected fulfillment order's lines); default: every line. */
  lines?: readonly PlannedLine[];
  excludeLocationIds?: readonly string[];
}

export function buildRoutingInput(sources: RoutingSources): RoutingInput {
  return {
    order: toRoutingOrder(sources.order, sources.lines),
    locations: sources.locations.map((location) =>
      toRoutingLocation(location, sources.capacityUsed?.[location.locationId]),
    ),
    stock: toStockBySku(sources.stockLevels),
    ...(sources.products && { products: sources.products }),
    ruleSet: sources.ruleSet,
    now: sources.now,
    ...(sources.excludeLocationIds && { excludeLocationIds: sources.excludeLocationIds }),
  };
}

export function toRoutingOrder(order: Order, onlyLines?: readonly PlannedLine[]): RoutingOrder {
  const fulfillment = order.fulfillment;
  const address = order.shippingAddress;
  const lines = onlyLines
    ? onlyLines.map((line) => ({ ...line }))
    : order.lines.map((line) => ({
        lineId: line.lineId,
        sku: line.sku,
        quantity: line.quantity,
        value: line.unitPrice * line.quantity - line.discount,
      }));
  const skuAttributes = Object.fromEntries(
    order.lines.flatMap((line) => (line.attributes ? [[line.sku, line.attributes]] : [])),
  );
  return {
    orderId: order.orderId,
    channelId: order.channelId,
    fulfillment:
      fulfillment.type === 'ship'
        ? { type: 'ship' }
        : { type: fulfillment.type, locationId: fulfillment.locationId },
    ...(address && {
      destination: {
        country: address.country,
        ...(address.region !== undefined && { region: address.region }),
        ...(address.postalCode !== undefined && { postalCode: address.postalCode }),
        ...(address.lat !== undefined && { lat: address.lat }),
        ...(address.lon !== undefined && { lon: address.lon }),
      },
    }),
    lines,
    // The channel's stated total is what the customer agreed to pay; our own sum stands in without it.
    value: order.totals?.total ?? order.reconciliation.computed.total,
    currency: order.currency,
    tags: order.tags,
    placedAt: order.placedAt,
    ...(Object.keys(skuAttributes).length > 0 && { skuAttributes }),
  };
}

export function toRoutingLocation(location: ConfiguredLocation, capacityUsed?: number): Location {
  return {
    locationId: location.locationId,
    type: location.type,
    lat: location.lat,
    lon: location.lon,
    country: location.address.country,
    ...(location.address.region !== undefined && { region: location.address.region }),
    capabilities: [...location.capabilities],
    ...(location.regionsServed && { regionsServed: location.regionsServed }),
    ...(location.channels && { channels: location.channels }),
    ...(location.dailyCapacity !== undefined && { dailyCapacity: location.dailyCapacity }),
    ...(capacityUsed !== undefined && { capacityUsed }),
    priority: location.priority,
    costPerShipment: location.costPerShipment,
    active: location.active,
  };
}

/**
 * The engine decides itself whether safety stock may be promised (`respectSafetyStock`), so it
 * reads stock net of reservations only; the stored `available` is also net of safety stock.
 */
export function toStockBySku(levels: readonly StoredStockLevel[]): Map<string, Map<string, StockLevel>> {
  const bySku = new Map<string, Map<string, StockLevel>>();
  for (const level of levels) {
    const byLocation = bySku.get(level.sku) ?? new Map<string, StockLevel>();
    byLocation.set(level.locationId, {
      available: level.onHand - level.reserved,
      safetyStock: level.safetyStock,
    });
    bySku.set(level.sku, byLocation);
  }
  return bySku;
}

/** A location's capacity counter to read: its fulfillment orders taken on one local day. */
export interface CapacityDay {
  locationId: string;
  /** YYYY-MM-DD in the location's time zone. */
  day: string;
}

/** Fulfillment orders a commit adds to a location's counter for the day. */
export interface CapacityCharge extends CapacityDay {
  count: number;
  /**
   * The location's daily capacity when the deciding strategy requires capacity: the counter must
   * then stay within it. Absent, the fulfillment orders are counted but never refused.
   */
  limit?: number;
}

/**
 * The calendar day of an instant at a location. A store's capacity is its staff's working day,
 * so a day starts at the location's midnight, not at UTC's.
 */
export function localDay(instant: string, timeZone: string): string {
  const parts = dayFormat(timeZone).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Building an Intl.DateTimeFormat costs far more than using one: the router's profile showed it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** The counters a decision at `now` reads: only a location with a daily capacity can be full. */
export function capacityDaysOf(locations: readonly ConfiguredLocation[], now: string): CapacityDay[] {
  return locations
    .filter((location) => location.active && location.dailyCapacity !== undefined)
    .map((location) => ({ locationId: location.locationId, day: localDay(now, location.timeZone) }));
}

/**
 * What a plan adds to the capacity counters: one per fulfillment order a location works for a
 * customer. A transfer's units leave with the store's own pickup or shipment and a drop-ship
 * vendor is not our staff, so neither takes capacity.
 */
export function capacityChargesOf(
  plan: Pick<RoutingPlan, 'fulfillmentOrders' | 'strategy'>,
  locations: readonly ConfiguredLocation[],
  ruleSet: RuleSet,
  now: string,
): CapacityCharge[] {
  const strategy = ruleSet.strategies.find((candidate) => candidate.name === plan.strategy);
  const enforced = strategy?.filters.requireCapacity === true;
  const counts = new Map<string, number>();
  for (const fulfillmentOrder of plan.fulfillmentOrders) {
    if (!takesCapacity(fulfillmentOrder)) continue;
    counts.set(fulfillmentOrder.locationId, (counts.get(fulfillmentOrder.locationId) ?? 0) + 1);
  }
  return [...counts].flatMap(([locationId, count]) => {
    const location = locations.find((candidate) => candidate.locationId === locationId);
    if (!location) return [];
    const limit = enforced ? location.dailyCapacity : undefined;
    return [
      { locationId, day: localDay(now, location.timeZone), count, ...(limit !== undefined && { limit }) },
    ];
  });
}

/** Whether a fulfillment order counts against its location's day (capacityChargesOf). */
export function takesCapacity(fulfillmentOrder: Pick<FulfillmentOrder, 'kind'>): boolean {
  return fulfillmentOrder.kind !== 'transfer' && fulfillmentOrder.kind !== 'dropship';
}

/** Units of one SKU held for one order at one location. */
export interface Reservation {
  sku: string;
  locationId: string;
  quantity: number;
}

/**
 * What a plan reserves, one entry per (sku, location): the stock item is updated once per
 * transaction however many lines share it. Drop-ship lines come from a vendor's stock, which
 * the OMS does not hold, so they reserve nothing.
 */
export function reservationsOf(plan: Pick<RoutingPlan, 'fulfillmentOrders'>): Reservation[] {
  const byKey = new Map<string, Reservation>();
  for (const fulfillmentOrder of plan.fulfillmentOrders) {
    if (fulfillmentOrder.kind === 'dropship') continue;
    for (const line of fulfillmentOrder.lines) {
      const key = `${line.sku}\u0000${fulfillmentOrder.locationId}`;
      const reservation = byKey.get(key);
      if (reservation) reservation.quantity += line.quantity;
      else
        byKey.set(key, { sku: line.sku, locationId: fulfillmentOrder.locationId, quantity: line.quantity });
    }
  }
  return [...byKey.values()];
}

/**
 * PENDING: written ahead of the last transaction of a large commit (routing-repository.ts), not
 * yet announced to its location; it becomes CREATED once the whole plan holds, or is deleted.
 */
export const FULFILLMENT_ORDER_STATUSES = ['PENDING', 'CREATED', 'REJECTED'] as const;
export type FulfillmentOrderStatus = (typeof FULFILLMENT_ORDER_STATUSES)[number];

/** A line of a fulfillment order; `orderId` names its order when orders were merged (merge.ts). */
export type FulfillmentOrderLine = PlannedLine & { orderId?: string };

/**
 * A planned shipment (or transfer, or drop-ship) as the OMS records it under its order; under
 * the order whose message routed them when orders were merged, listed in `mergedOrderIds`.
 */
export interface FulfillmentOrder {
  fulfillmentOrderId: string;
  orderId: string;
  locationId: string;
  kind: RoutingPlan['fulfillmentOrders'][number]['kind'];
  lines: FulfillmentOrderLine[];
  mergedOrderIds?: string[];
  status: FulfillmentOrderStatus;
  transferTo?: string;
  distanceKm?: number;
  createdAt: string;
  /** The promise made when it was routed (functions/domain/fulfillment/promise.ts). */
  promise?: FulfillmentPromise;
  /** When the customer was promised the goods (the promise's deliver-by day). */
  promisedBy?: string;
  /** When the location must have shipped or readied the goods to keep the promise (the SLA). */
  dueBy?: string;
  /** The shard of its location's day counter it counts on (capacity-shards.ts), to give back. */
  capacityShard?: number;
}

export function fulfillmentOrdersOf(
  plan: Pick<RoutingPlan, 'fulfillmentOrders'>,
  args: {
    orderId: string;
    newId: () => string;
    now: string;
    promise?: (planned: RoutingPlan['fulfillmentOrders'][number]) => FulfillmentPromise | undefined;
  },
): FulfillmentOrder[] {
  return plan.fulfillmentOrders.map((planned) => ({
    fulfillmentOrderId: args.newId(),
    orderId: args.orderId,
    locationId: planned.locationId,
    kind: planned.kind,
    lines: planned.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
    status: 'CREATED',
    ...(planned.transferTo !== undefined && { transferTo: planned.transferTo }),
    ...(planned.distanceKm !== undefined && { distanceKm: planned.distanceKm }),
    createdAt: args.now,
    ...promised(args.promise?.(planned)),
  }));
}

function promised(promise: FulfillmentPromise | undefined) {
  return promise ? { promise, promisedBy: promise.deliverBy, dueBy: promise.dueBy } : {};
}

/**
 * The order status a plan moves the order to. Pre-order lines wait like a backorder; a plan
 * that cancels its unplaced lines but ships the rest leaves an order that is fully routed.
 */
export function orderStatusFor(plan: Pick<RoutingPlan, 'outcome' | 'fulfillmentOrders'>): OrderStatus {
  const shipsSomething = plan.fulfillmentOrders.length > 0;
  switch (plan.outcome) {
    case 'routed':
      return 'ROUTED';
    case 'partially_routed':
      return 'PARTIALLY_ROUTED';
    case 'backordered':
      return 'BACKORDERED';
    case 'parked':
    case 'review':
      return 'PARKED';
    case 'preorder':
      return shipsSomething ? 'PARTIALLY_ROUTED' : 'BACKORDERED';
    case 'cancel':
      return shipsSomething ? 'ROUTED' : 'CANCELED';
  }
}

/**
 * The plan committed when stock kept changing under the router: nothing reserved, every stock
 * line waits for a BackorderRetry. Drop-ship lines wait too, so that the order is routed as one.
 */
export function backorderAfterConflicts(
  plan: RoutingPlan,
  lines: readonly PlannedLine[],
  attempts: number,
): RoutingPlan {
  const unplaced: UnplacedLine[] = lines.map(({ lineId, sku, quantity }) => ({
    lineId,
    sku,
    quantity,
    reason: 'insufficient_stock',
  }));
  return {
    ...plan,
    outcome: 'backordered',
    fulfillmentOrders: [],
    unplaced,
    explanation: {
      ...plan.explanation,
      decision: [
        ...plan.explanation.decision,
        `Stock was taken by other orders during ${attempts} consecutive decisions: backordered until stock is confirmed.`,
      ],
    },
  };
}

/** Candidates kept on the order's record of a decision; beyond this only counts are kept. */
export const EXPLAINED_CANDIDATES = 25;

/**
 * The explanation as stored with the order. A decision over a thousand locations explains every
 * one of them, which would not fit a DynamoDB item (400 KB) beside the order: the best-ranked and
 * the first excluded candidates are kept, and how many were left out is said.
 */
export function compactExplanation(explanation: RoutingPlan['explanation']) {
  const ranked = explanation.candidates.filter((candidate) => candidate.excluded === undefined);
  const excluded = explanation.candidates.filter((candidate) => candidate.excluded !== undefined);
  const keptRanked = [...ranked]
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity))
    .slice(0, EXPLAINED_CANDIDATES);
  const keptExcluded = excluded.slice(0, EXPLAINED_CANDIDATES);
  const omitted = explanation.candidates.length - keptRanked.length - keptExcluded.length;
  return {
    strategiesTried: explanation.strategiesTried,
    decision: explanation.decision,
    candidates: [...keptRanked, ...keptExcluded],
    ...(omitted > 0 && {
      omittedCandidates: {
        ranked: ranked.length - keptRanked.length,
        excluded: excluded.length - keptExcluded.length,
      },
    }),
  };
}
