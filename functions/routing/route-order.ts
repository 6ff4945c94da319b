import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { promisesFor, type CarrierServices } from '../domain/fulfillment/promise.js';
import type { Location as ConfiguredLocation } from '../domain/location.js';
import type { Order, OrderStatus } from '../domain/order.js';
import {
  decide,
  type PlannedLine,
  type Product,
  type RoutingPlan,
  type RuleSet,
  type UnplacedLine,
} from '../domain/routing/index.js';
import {
  backorderAfterConflicts,
  buildRoutingInput,
  capacityChargesOf,
  capacityDaysOf,
  fulfillmentOrdersOf,
  orderStatusFor,
  reservationsOf,
  type CapacityDay,
  type FulfillmentOrder,
} from '../domain/routing/routing-input.js';
import { linesAwaitingStock, statusAfterRetry, stockForRetry } from '../domain/routing/partial-retry.js';
import { isReleased, preorderSkus } from '../domain/routing/rerouting.js';
import {
  canMergeWith,
  mergeDecision,
  mergedRoutingOrder,
  splitMergedLines,
} from '../domain/routing/merge.js';
import type { StockLevel } from '../domain/stock.js';
import { startFulfillment, type FulfillmentOrderState } from '../domain/fulfillment/model.js';
import { deriveOrderStatus } from '../domain/fulfillment/order-status.js';
import { linesStillWanted } from '../domain/service/cancel.js';
import { sumShards, type ShardPortion, type ShardReservation } from '../data/inventory-repository.js';
import type {
  CommitIntent,
  CommitResult,
  PendingAnnouncement,
  Rejection,
  RoutingCommit,
  StockReservation,
} from '../data/routing-repository.js';
import { logger, metrics } from '../shared/observability.js';

/** The order as the router reads it: the record plus what the router itself left on it. */
export type RoutableOrder = Order & {
  routingIntent?: CommitIntent;
  pendingAnnouncement?: PendingAnnouncement;
  pendingReroute?: { fulfillmentOrderId: string; lines: PlannedLine[] };
  rejectedLocationIds?: string[];
  routing?: { unplaced?: UnplacedLine[] };
};

export interface RouteOrderDeps {
  getOrder(orderId: string): Promise<RoutableOrder | undefined>;
  getActiveRuleSet(): Promise<RuleSet>;
  listLocations(): Promise<ConfiguredLocation[]>;
  /** Transit days per carrier service, for each fulfillment order's promise; undefined: none configured. */
  getCarrierServices(): Promise<CarrierServices | undefined>;
  getStockLevels(sku: string): Promise<StockLevel[]>;
  /** Shard counts of the SKUs among these that are hot with more than one shard; others are absent. */
  getHotShards(skus: readonly string[]): Promise<Record<string, number>>;
  getStockItems(sku: string, shards: number): Promise<StockLevel[]>;
  reserveFromShards(args: {
    sku: string;
    locationId: string;
    orderId: string;
    quantity: number;
    shards: number;
    now: string;
  }): Promise<ShardReservation>;
  releaseFromShards(args: {
    sku: string;
    locationId: string;
    orderId: string;
    portions: readonly ShardPortion[];
    now: string;
    unlessRouted: boolean;
  }): Promise<boolean>;
  getProducts(skus: readonly string[]): Promise<Record<string, Product>>;
  getCapacityUsed(days: readonly CapacityDay[]): Promise<Record<string, number>>;
  listCustomerOrders(customerKey: string, placedAt: string, windowMinutes: number): Promise<RoutableOrder[]>;
  commitRoutingPlan(commit: RoutingCommit): Promise<CommitResult>;
  releaseAbandonedCommit(
    orderId: string,
    version: number,
    intent: CommitIntent,
    now: string,
  ): Promise<number | undefined>;
  announceFulfillmentOrders(orderId: string, announcement: PendingAnnouncement): Promise<void>;
  getFulfillmentOrder(orderId: string, fulfillmentOrderId: string): Promise<FulfillmentOrder | undefined>;
  listFulfillmentOrders(orderId: string): Promise<FulfillmentOrder[]>;
  rejectFulfillmentOrder(rejection: Rejection): Promise<'rejected' | 'order_changed'>;
  newId(): string;
  now(): Date;
}

export type RouteRequest =
  /** `byOps`: ops asked for it (OrderRerouteRequested), which also releases a PARKED order. */
  | { kind: 'route'; orderId: string; byOps?: boolean }
  | { kind: 'reroute_rejected'; orderId: string; fulfillmentOrderId: string; reason?: string };

export type RouteOrderResult =
  | { kind: 'skipped'; reason: string }
  | { kind: 'committed'; status: OrderStatus; plan: RoutingPlan; decisions: number; mergedWith?: string[] }
  | { kind: 'already_reserved' };

/** Decisions taken for one message when other orders keep taking the stock: the first and 3 more. */
export const MAX_DECISIONS = 4;

const ROUTABLE: readonly OrderStatus[] = ['RECEIVED', 'BACKORDERED'];

/**
 * Routes an order, or the lines of a fulfillment order a location rejected:
 * 1. loads the order; an interrupted large commit it carries is undone first, and the
 *    announcements of a large commit that held but was cut short are finished;
 * 2. for a rejection, gives the units back and marks the fulfillment order REJECTED (once);
 *    a PARTIALLY_ROUTED order (a BackorderRetry, a PreorderReleased) routes only its lines waiting
 *    for stock and its pre-order lines whose release date has come, from stock its fulfillment
 *    orders do not already hold at that location (partial-retry.ts); a PARKED order is routed
 *    only when ops ask (OrderRerouteRequested); an order not routed yet routes its lines less
 *    the units customer service canceled, and is decided again when such a change lands while
 *    it is decided (routeUnrouted);
 * 3. loads the active rules, the locations, the products, the stock of the ordered SKUs and the
 *    capacity the locations used today (their local day); when the rules merge orders, first
 *    tries to route the order together with its customer's other orders to the same address;
 * 4. decides (pure engine) and commits the plan in one transaction (or a saga past 100 items),
 *    counting each new fulfillment order against its location's day; a hot SKU's stock is read
 *    summed over its shards and reserved from them before the commit (commitWithHotStock);
 * 5. when another order took the stock or the last capacity first, reads both again and decides
 *    again, at most MAX_DECISIONS times, then backorders so that the message is not retried forever.
 * Safe to run twice for one message: the order's version and the reservation markers see to it.
 */
export async function routeOrder(deps: RouteOrderDeps, request: RouteRequest): Promise<RouteOrderResult> {
  let order = await deps.getOrder(request.orderId);
  if (order?.routingIntent) {
    const now = deps.now().toISOString();
    await deps.releaseAbandonedCommit(order.orderId, order.version, order.routingIntent, now);
    order = await deps.getOrder(request.orderId);
  }
  if (order?.pendingAnnouncement) {
    await deps.announceFulfillmentOrders(order.orderId, order.pendingAnnouncement);
  }
  if (!order) return { kind: 'skipped', reason: 'order not found' };

  let rerouted: PlannedLine[] | undefined;
  let statusOf: (plan: RoutingPlan) => OrderStatus = orderStatusFor;
  let routerStatusOf: (plan: RoutingPlan) => OrderStatus = statusOf;
  let placed: FulfillmentOrder[] = [];
  if (request.kind === 'reroute_rejected') {
    const rejected = await rejectOnce(deps, order, request);
    if (rejected.kind === 'skipped') return rejected;
    order = rejected.order;
    rerouted = rejected.lines;
    placed = await deps.listFulfillmentOrders(order.orderId);
    const working = placed.map(toLifecycle);
    const othersActive = working.some((fo) => fo.status !== 'REJECTED' && fo.status !== 'CANCELED');
    routerStatusOf = (plan) =>
      !othersActive ? orderStatusFor(plan) : plan.unplaced.length === 0 ? 'ROUTED' : 'PARTIALLY_ROUTED';
    // The order may be in fulfillment already: its status follows its fulfillment orders.
    statusOf = (plan) =>
      deriveOrderStatus({
        routerStatus: routerStatusOf(plan),
        fulfillmentOrders: [...working, ...plannedStates(plan)],
      });
  } else if (order.status === 'PARTIALLY_ROUTED') {
    rerouted = await linesToRetry(deps, order.routing?.unplaced ?? []);
    if (rerouted.length === 0) return { kind: 'skipped', reason: 'no unplaced line waits for stock' };
    placed = await deps.listFulfillmentOrders(order.orderId);
    statusOf = statusAfterRetry;
  } else if (!ROUTABLE.includes(order.status) && !(request.byOps && order.status === 'PARKED')) {
    return { kind: 'skipped', reason: `order is ${order.status}` };
  } else {
    return routeUnrouted(deps, order);
  }
  return decideAndCommit(deps, order, rerouted, statusOf, placed, routerStatusOf);
}

const ORDER_CHANGED = 'order changed concurrently (routed by another delivery)';

/**
 * An order not routed yet, from its lines less the units customer service canceled. A change to
 * the order while it was being decided (a cancellation, an address change) fails the commit;
 * when the order read again is still not routed and has moved on, it is decided again from what
 * it is now, a bounded number of times, so that the change can not leave it unrouted for ever.
 */
async function routeUnrouted(deps: RouteOrderDeps, read: RoutableOrder): Promise<RouteOrderResult> {
  let order = read;
  for (let attempt = 1; ; attempt++) {
    const lines = linesStillWanted(order);
    if (lines?.length === 0) return { kind: 'skipped', reason: 'every unit is canceled' };
    const result = await decideAndCommit(deps, order, lines, orderStatusFor, []);
    if (result.kind !== 'skipped' || result.reason !== ORDER_CHANGED || attempt >= MAX_DECISIONS)
      return result;
    const current = await deps.getOrder(order.orderId);
    const changedUnrouted =
      current !== undefined &&
      !current.routingIntent &&
      ROUTABLE.includes(current.status) &&
      current.version !== order.version;
    if (!changedUnrouted) return result;
    order = current;
  }
}

/** A partial retry's lines: those waiting for stock, and pre-orders whose release date has come. */
async function linesToRetry(deps: RouteOrderDeps, unplaced: readonly UnplacedLine[]): Promise<PlannedLine[]> {
  const skus = preorderSkus(unplaced);
  const products = skus.length > 0 ? await deps.getProducts(skus) : {};
  const now = deps.now().toISOString();
  return linesAwaitingStock(unplaced, (sku) => isReleased(products[sku], now));
}

/** Whether a location has worked on the fulfillment order (the lifecycle's record has a version). */
function hasLifecycle(fo: FulfillmentOrder): boolean {
  return typeof (fo as { version?: unknown }).version === 'number';
}

function toLifecycle(fo: FulfillmentOrder): FulfillmentOrderState {
  return hasLifecycle(fo) ? (fo as unknown as FulfillmentOrderState) : startFulfillment(fo);
}

/** The fulfillment orders a plan is about to create, as the lifecycle sees them: not started. */
function plannedStates(plan: RoutingPlan): FulfillmentOrderState[] {
  return plan.fulfillmentOrders.map((planned, index) =>
    startFulfillment({
      fulfillmentOrderId: `planned-${index}`,
      orderId: '',
      locationId: planned.locationId,
      kind: planned.kind,
      lines: planned.lines,
      status: 'CREATED',
      createdAt: '',
    }),
  );
}

async function rejectOnce(
  deps: RouteOrderDeps,
  order: RoutableOrder,
  request: Extract<RouteRequest, { kind: 'reroute_rejected' }>,
): Promise<
  { kind: 'rejected'; order: RoutableOrder; lines: PlannedLine[] } | { kind: 'skipped'; reason: string }
> {
  const fulfillmentOrder = await deps.getFulfillmentOrder(order.orderId, request.fulfillmentOrderId);
  if (!fulfillmentOrder) return { kind: 'skipped', reason: 'fulfillment order not found' };
  let current: RoutableOrder | undefined = order;
  // A location's own reject (functions/fulfillment) gave the units back and left them waiting
  // on the order; only the older whole-order message still needs the router to reject.
  const alreadyWaiting = order.pendingReroute?.fulfillmentOrderId === request.fulfillmentOrderId;
  if (fulfillmentOrder.status === 'CREATED' && !alreadyWaiting && !hasLifecycle(fulfillmentOrder)) {
    const outcome = await deps.rejectFulfillmentOrder({
      orderId: order.orderId,
      expectedVersion: order.version,
      fulfillmentOrder,
      ...(request.reason !== undefined && { reason: request.reason }),
      now: deps.now().toISOString(),
    });
    // Another writer moved the order on; the queue delivers the rejection again to try afresh.
    if (outcome === 'order_changed') throw new Error(`Order ${order.orderId} changed while rejecting.`);
    current = await deps.getOrder(order.orderId);
  }
  const pending = current?.pendingReroute;
  if (!current || pending?.fulfillmentOrderId !== request.fulfillmentOrderId) {
    return { kind: 'skipped', reason: 'rejection already rerouted' };
  }
  return { kind: 'rejected', order: current, lines: pending.lines };
}

/** `placed`: the order's fulfillment orders when only some of its lines are routed again. */
async function decideAndCommit(
  deps: RouteOrderDeps,
  order: RoutableOrder,
  rerouted: PlannedLine[] | undefined,
  statusOf: (plan: RoutingPlan) => OrderStatus,
  placed: readonly FulfillmentOrder[],
  routerStatusOf: (plan: RoutingPlan) => OrderStatus = statusOf,
): Promise<RouteOrderResult> {
  const lines: readonly PlannedLine[] = rerouted ?? order.lines;
  const skus = [...new Set(lines.map((line) => line.sku))];
  const [ruleSet, locations, products, hotShards, services] = await Promise.all([
    deps.getActiveRuleSet(),
    deps.listLocations(),
    deps.getProducts(skus),
    deps.getHotShards(skus),
    deps.getCarrierServices(),
  ]);
  if (!rerouted && ruleSet.merge && order.status === 'RECEIVED') {
    const merged = await routeMerged(deps, order, ruleSet, ruleSet.merge.windowMinutes, locations, services);
    if (merged) return merged;
  }
  let expectedVersion = order.version;
  let plan: RoutingPlan | undefined;
  for (let decision = 1; decision <= MAX_DECISIONS + 1; decision++) {
    const now = deps.now().toISOString();
    const [readLevels, capacityUsed] = await Promise.all([
      readStock(deps, skus, hotShards),
      deps.getCapacityUsed(capacityDaysOf(locations, now)),
    ]);
    const stockLevels = stockForRetry(readLevels, placed);
    plan =
      decision <= MAX_DECISIONS
        ? decide(
            buildRoutingInput({
              order,
              locations,
              capacityUsed,
              stockLevels,
              products,
              ruleSet,
              now,
              ...(rerouted && { lines: rerouted }),
              ...(order.rejectedLocationIds && { excludeLocationIds: order.rejectedLocationIds }),
            }),
          )
        : backorderAfterConflicts(plan!, lines, MAX_DECISIONS);
    const status = statusOf(plan);
    const result = await commitWithHotStock(
      deps,
      {
        orderId: order.orderId,
        expectedVersion,
        commitId: deps.newId(),
        status,
        routerStatus: routerStatusOf(plan),
        plan,
        fulfillmentOrders: fulfillmentOrdersOf(plan, {
          orderId: order.orderId,
          newId: deps.newId,
          now,
          promise: promisesFor({ order, locations, services, now }),
        }),
        reservations: withSafetyStockGuard(reservationsOf(plan), plan, ruleSet, stockLevels),
        capacity: capacityChargesOf(plan, locations, ruleSet, now),
        now,
      },
      hotShards,
    );
    switch (result.kind) {
      case 'committed':
        record(order, plan, status, decision, deps.now());
        return { kind: 'committed', status, plan, decisions: decision };
      case 'stock_conflict':
        metrics.addMetric('ReservationConflicts', MetricUnit.Count, 1);
        logger.info('Stock taken by another order; deciding again', {
          orderId: order.orderId,
          sku: result.sku,
          locationId: result.locationId,
          decision,
        });
        expectedVersion = result.orderVersion;
        break;
      case 'capacity_conflict':
        metrics.addMetric('CapacityConflicts', MetricUnit.Count, 1);
        logger.info('Location filled its daily capacity meanwhile; deciding again', {
          orderId: order.orderId,
          locationId: result.locationId,
          decision,
        });
        expectedVersion = result.orderVersion;
        break;
      case 'order_changed':
        return { kind: 'skipped', reason: ORDER_CHANGED };
      case 'already_reserved':
        logger.warn('Reservation already held for this order; nothing reserved twice', {
          orderId: order.orderId,
          sku: result.sku,
          locationId: result.locationId,
        });
        return { kind: 'already_reserved' };
    }
  }
  throw new Error(`Order ${order.orderId}: a backorder commit met a stock or capacity conflict.`);
}

/** The stock of the SKUs, a hot SKU's shards summed per location as the engine sees one level. */
export async function readStock(
  deps: Pick<RouteOrderDeps, 'getStockLevels' | 'getStockItems'>,
  skus: readonly string[],
  hotShards: Record<string, number>,
): Promise<StockLevel[]> {
  const levels = await Promise.all(
    skus.map(async (sku) => {
      const shards = hotShards[sku];
      return shards === undefined
        ? deps.getStockLevels(sku)
        : sumShards(await deps.getStockItems(sku, shards));
    }),
  );
  return levels.flat();
}

/**
 * Commits a plan whose reservations may include hot SKUs. Those are taken from the shards first
 * (each its own transaction, so they can not join the commit), and the commit claims their
 * markers (see commitRoutingPlan). When a hot SKU is short, or the commit does not hold, the hot
 * reservations THIS attempt took are given back (unless a commit claimed them meanwhile); one
 * found `already_reserved` is left alone: another delivery of the order may be committing with it.
 * Remaining edge: a hot reservation is in no commit intent, so releaseAbandonedCommit does not
 * see one left by an attempt that crashed before releasing it. A later delivery that decides the
 * same (sku, location) and quantity reuses it; one that routes the SKU elsewhere or backorders it
 * leaves it reserved (its marker `HOTRES#<orderId>` stays, without `routedBy`) for ops to release.
 */
async function commitWithHotStock(
  deps: RouteOrderDeps,
  commit: RoutingCommit,
  hotShards: Record<string, number>,
): Promise<CommitResult> {
  const hot = commit.reservations.filter((reservation) => hotShards[reservation.sku] !== undefined);
  if (hot.length === 0) return deps.commitRoutingPlan(commit);
  const outcomes = await Promise.all(
    hot.map(async (reservation) => ({
      reservation,
      outcome: await deps.reserveFromShards({
        sku: reservation.sku,
        locationId: reservation.locationId,
        orderId: commit.orderId,
        quantity: reservation.quantity,
        shards: hotShards[reservation.sku]!,
        now: commit.now,
      }),
    })),
  );
  const taken = outcomes.flatMap(({ reservation, outcome }) =>
    outcome.kind === 'reserved' ? [{ ...reservation, portions: outcome.portions }] : [],
  );
  // A held reservation of another quantity was taken for another decision: it can not back this one.
  const short = outcomes.find(
    ({ reservation, outcome }) =>
      outcome.kind === 'insufficient' ||
      outcome.kind === 'contended' ||
      (outcome.kind === 'already_reserved' &&
        outcome.portions.reduce((sum, portion) => sum + portion.quantity, 0) !== reservation.quantity),
  );
  let result: CommitResult | undefined;
  try {
    result = short
      ? {
          kind: 'stock_conflict',
          sku: short.reservation.sku,
          locationId: short.reservation.locationId,
          orderVersion: commit.expectedVersion,
        }
      : await deps.commitRoutingPlan({
          ...commit,
          reservations: commit.reservations.filter((reservation) => !hot.includes(reservation)),
          hotReservations: hot.map(({ sku, locationId }) => ({ sku, locationId })),
        });
    return result;
  } finally {
    // Also after a thrown commit, which may have been applied: `unlessRouted` then keeps its stock.
    if (result?.kind !== 'committed') {
      await Promise.all(
        taken.map((reservation) =>
          deps.releaseFromShards({
            sku: reservation.sku,
            locationId: reservation.locationId,
            orderId: commit.orderId,
            portions: reservation.portions,
            now: commit.now,
            unlessRouted: true,
          }),
        ),
      );
    }
  }
}

/**
 * Routes the order with its customer's other RECEIVED orders to the same address: one decision
 * over all their lines, one transaction that moves every one of them (each on its own version).
 * Answers undefined, and the order is routed alone, when there is nothing to merge, when the
 * merged decision leaves a line unplaced (each order then keeps its own backorder), or when the
 * merged commit does not hold (stock or capacity taken, another order moved, past 100 items).
 */
async function routeMerged(
  deps: RouteOrderDeps,
  order: RoutableOrder,
  ruleSet: RuleSet,
  windowMinutes: number,
  locations: readonly ConfiguredLocation[],
  services: CarrierServices | undefined,
): Promise<RouteOrderResult | undefined> {
  if (order.customerKey === undefined) return undefined;
  const others = (await deps.listCustomerOrders(order.customerKey, order.placedAt, windowMinutes)).filter(
    (other) => !other.routingIntent && !linesStillWanted(other) && canMergeWith(order, other, windowMinutes),
  );
  if (others.length === 0) return undefined;
  const skus = [...new Set([order, ...others].flatMap((each) => each.lines.map((line) => line.sku)))];
  // A merged commit is one transaction or nothing; hot reservations are their own transactions.
  if (Object.keys(await deps.getHotShards(skus)).length > 0) return undefined;
  const now = deps.now().toISOString();
  const [products, stockLevels, capacityUsed] = await Promise.all([
    deps.getProducts(skus),
    Promise.all(skus.map((sku) => deps.getStockLevels(sku))).then((levels) => levels.flat()),
    deps.getCapacityUsed(capacityDaysOf(locations, now)),
  ]);
  const input = buildRoutingInput({ order, locations, capacityUsed, stockLevels, products, ruleSet, now });
  const decided = decide({ ...input, order: mergedRoutingOrder(order, others) });
  if (decided.outcome !== 'routed') return undefined;
  // Each order records the one decision, its last line naming the orders it travels with.
  const explainedFor = (each: Order): RoutingPlan => {
    const travelsWith = [order, ...others].filter((candidate) => candidate.orderId !== each.orderId);
    return {
      ...decided,
      explanation: {
        ...decided.explanation,
        decision: [...decided.explanation.decision, mergeDecision(each, travelsWith, windowMinutes)],
      },
    };
  };
  const plan = explainedFor(order);
  const mergedWith = others.map((other) => other.orderId);
  const result = await deps.commitRoutingPlan({
    orderId: order.orderId,
    expectedVersion: order.version,
    commitId: deps.newId(),
    status: 'ROUTED',
    plan,
    fulfillmentOrders: splitMergedLines(
      fulfillmentOrdersOf(plan, {
        orderId: order.orderId,
        newId: deps.newId,
        now,
        promise: promisesFor({ order, locations, services, now }),
      }),
      [order.orderId, ...mergedWith],
    ),
    reservations: withSafetyStockGuard(reservationsOf(plan), plan, ruleSet, stockLevels),
    capacity: capacityChargesOf(plan, locations, ruleSet, now),
    mergedOrders: others.map((other) => ({
      orderId: other.orderId,
      expectedVersion: other.version,
      plan: explainedFor(other),
    })),
    now,
  });
  switch (result.kind) {
    case 'committed':
      metrics.addMetric('MergedOrders', MetricUnit.Count, others.length);
      record(order, plan, 'ROUTED', 1, deps.now());
      return { kind: 'committed', status: 'ROUTED', plan, decisions: 1, mergedWith };
    case 'order_changed':
      return { kind: 'skipped', reason: 'order changed concurrently (routed by another delivery)' };
    case 'already_reserved':
      return { kind: 'already_reserved' };
    default:
      logger.info('Merged route did not hold; routing the order alone', {
        orderId: order.orderId,
        mergedWith,
        result: result.kind,
      });
      return undefined;
  }
}

/** A strategy that may promise safety stock needs a guard that lets it (see StockReservation). */
function withSafetyStockGuard(
  reservations: StockReservation[],
  plan: RoutingPlan,
  ruleSet: RuleSet,
  levels: readonly StockLevel[],
): StockReservation[] {
  const strategy = ruleSet.strategies.find((candidate) => candidate.name === plan.strategy);
  if (strategy?.filters.respectSafetyStock !== false) return reservations;
  return reservations.map((reservation) => {
    const level = levels.find(
      (candidate) => candidate.sku === reservation.sku && candidate.locationId === reservation.locationId,
    );
    return { ...reservation, safetyStockUsable: level?.safetyStock ?? 0 };
  });
}

/**
 * The routing metrics of a committed plan. OrdersRouted is every commit (first routings, backorder
 * retries, re-routes), the denominator of the split and backorder rates; ReceivedToRouted and
 * FulfillmentOrdersPerOrder are measured on an order's first routing only, since a backorder
 * routed days later, when stock arrives, says nothing about how fast the router is.
 */
function record(
  order: Order,
  plan: RoutingPlan,
  status: OrderStatus,
  decisions: number,
  committedAt: Date,
): void {
  metrics.addMetric('RoutingDecisions', MetricUnit.Count, decisions);
  metrics.addMetric('OrdersRouted', MetricUnit.Count, 1);
  if (order.status === 'RECEIVED') {
    metrics.addMetric(
      'ReceivedToRouted',
      MetricUnit.Milliseconds,
      Math.max(0, committedAt.getTime() - Date.parse(order.receivedAt)),
    );
    metrics.addMetric('FulfillmentOrdersPerOrder', MetricUnit.Count, plan.fulfillmentOrders.length);
  }
  if (plan.fulfillmentOrders.length > 1) metrics.addMetric('Splits', MetricUnit.Count, 1);
  if (plan.unplaced.length > 0 && (status === 'BACKORDERED' || status === 'PARTIALLY_ROUTED')) {
    metrics.addMetric('Backorders', MetricUnit.Count, 1);
  }
  logger.info('Order routed', {
    orderId: order.orderId,
    status,
    outcome: plan.outcome,
    ruleSet: `${plan.ruleSetId} v${plan.ruleSetVersion}`,
    strategy: plan.strategy,
    fulfillmentOrders: plan.fulfillmentOrders.map((fo) => `${fo.kind}@${fo.locationId}`),
    unplacedUnits: plan.unplaced.reduce((sum, line) => sum + line.quantity, 0),
    decision: plan.explanation.decision,
  });
}
