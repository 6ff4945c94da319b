import type { Actor } from '../domain/access.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import {
  releaseFulfillmentUnits,
  type FulfillmentAction,
  type FulfillmentResult,
  type ReleaseRequest,
} from '../domain/fulfillment/machine.js';
import type { FulfillmentOrderState } from '../domain/fulfillment/model.js';
import {
  orderIdsOf,
  orderProgress,
  publishedEvents,
  rerouteLinesOf,
  stockChangesOf,
  withStep,
  type FulfilledOrder,
} from '../domain/fulfillment/progress.js';
import { localDay } from '../domain/routing/routing-input.js';
import { listLocations } from './config-repository.js';
import {
  commitFulfillmentChange,
  getFulfillmentOrderById,
  listFulfillmentOrderStates,
  type Correction,
  type FulfillmentChange,
  type OrderRecords,
  type StoredFulfillmentOrder,
} from './fulfillment-repository.js';
import { getOrder } from './orders-repository.js';
import { shipmentRecordOf } from './shipments-repository.js';

/** Reads and decisions for one change before it gives up to a caller who may retry. */
const MAX_ATTEMPTS = 6;

export interface ChangeRequest {
  fulfillmentOrderId: string;
  /** Named on the fulfillment order's history; `release` for a change outside the action table. */
  action: FulfillmentAction | 'release';
  /**
   * The decision, from the fulfillment order as read now and the other fulfillment orders of
   * its order (throws domain errors for a 400 or a 409).
   */
  decide: (fo: StoredFulfillmentOrder, siblings: readonly FulfillmentOrderState[]) => FulfillmentResult;
  /** Checked on the fulfillment order as read, before anything is decided (e.g. its location). */
  check?: (fo: StoredFulfillmentOrder) => void;
  /**
   * What the orders served record with the change, by order id (an accepted cancel request: its
   * cancellation and refund). Called on every attempt once the decision is known, after the
   * orders were read, so the records it reads are at least as new as the order's version the
   * transaction is conditional on.
   */
  recordsFor?: (change: {
    before: StoredFulfillmentOrder;
    after: StoredFulfillmentOrder;
    orders: readonly FulfilledOrder[];
  }) => Promise<ReadonlyMap<string, OrderRecords>>;
  actor: Actor;
  now: () => string;
}

export interface ChangeOutcome {
  fulfillmentOrder: StoredFulfillmentOrder;
  /** False when the decision changed nothing (a stale tracking event): nothing was written. */
  changed: boolean;
}

/**
 * Applies one decision to a fulfillment order and commits everything it means at once:
 * 1. reads the fulfillment order (404 when there is none, or it is not announced yet);
 * 2. decides on it (the state machine, or a release), which may refuse with a 400 or 409;
 * 3. reads every order it serves and their other fulfillment orders, and derives each order's
 *    status with this one as it is now, with what each order records beside (`recordsFor`);
 * 4. commits the fulfillment order, the orders, the stock, the capacity, the corrections, the
 *    shipment record and the events in one transaction (fulfillment-repository.ts);
 * 5. when something moved on since it was read (another device, the router), starts again from
 *    1, a bounded number of times, then answers 409 so that the caller retries.
 */
export async function changeFulfillmentOrder(request: ChangeRequest): Promise<ChangeOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const fo = await getFulfillmentOrderById(request.fulfillmentOrderId);
    if (!fo || fo.status === 'PENDING')
      throw new NotFoundError(`There is no fulfillment order "${request.fulfillmentOrderId}".`);
    request.check?.(fo);
    const orders = await Promise.all(orderIdsOf(fo).map((orderId) => servedOrder(orderId)));
    const siblings = orders
      .flatMap((served) => served.fulfillmentOrders)
      .filter((other) => other.fulfillmentOrderId !== fo.fulfillmentOrderId);
    const now = request.now();
    const result = request.decide(fo, siblings);
    if (result.fulfillmentOrder === fo) return { fulfillmentOrder: fo, changed: false };
    // An answered cancel request is gone from the decision: it must not come back from the record read.
    const { cancelRequest: _answered, ...read } = fo;
    const after = {
      ...read,
      ...withStep(fo, result.fulfillmentOrder, request.action, request.actor, now),
    } as StoredFulfillmentOrder;
    const records = await request.recordsFor?.({
      before: fo,
      after,
      orders: orders.map((served) => served.order),
    });
    const change = await changeOf(fo, after, result, orders, request.actor, now, records);
    if ((await commitFulfillmentChange(change)) === 'committed')
      return { fulfillmentOrder: after, changed: true };
  }
  throw new ConflictError(
    `Fulfillment order ${request.fulfillmentOrderId} kept changing while this request was applied; nothing was written, retry it.`,
    { fulfillmentOrderId: request.fulfillmentOrderId, retryable: true },
  );
}

/**
 * Gives units of a fulfillment order back (the reservation, hot-SKU shards included, and the
 * location's day of capacity once nothing is held), with the fulfillment order, its lines, the
 * order's status and the events in the same transaction. For cancellations (`CANCELED`) and for
 * ops releasing stuck work to the router (`REJECTED`, re-routed excluding this location).
 */
export async function releaseFulfillmentLines(args: {
  fulfillmentOrderId: string;
  release: ReleaseRequest;
  actor: Actor;
  now?: () => string;
}): Promise<ChangeOutcome> {
  const now = args.now ?? (() => new Date().toISOString());
  return changeFulfillmentOrder({
    fulfillmentOrderId: args.fulfillmentOrderId,
    action: 'release',
    decide: (fo) => releaseFulfillmentUnits(fo, args.release, { now: now() }),
    actor: args.actor,
    now,
  });
}

async function changeOf(
  before: StoredFulfillmentOrder,
  after: StoredFulfillmentOrder,
  result: FulfillmentResult,
  orders: readonly { order: ServedOrder; fulfillmentOrders: FulfillmentOrderState[] }[],
  actor: Actor,
  now: string,
  records?: ReadonlyMap<string, OrderRecords>,
): Promise<FulfillmentChange> {
  const orderIds = orders.map(({ order }) => order.orderId);
  const effects = result.effects;
  const reroute = effects.find((effect) => effect.type === 'reroute');
  const progress = orders.map(({ order, fulfillmentOrders }) => {
    const own = order.orderId === after.orderId;
    const recorded = records?.get(order.orderId);
    const derived = orderProgress(order, fulfillmentOrders, after, own ? effects : []);
    return {
      ...derived,
      ...(recorded && { records: recorded, status: recorded.status ?? derived.status }),
      ...(own &&
        reroute && {
          reroute: {
            fulfillmentOrderId: after.fulfillmentOrderId,
            excludeLocationId: reroute.excludeLocationId,
            // Units a previous rejection left for the router are routed with these, not lost.
            lines: rerouteLinesOf(effects, order.pendingReroute?.lines),
          },
        }),
    };
  });
  const corrections: Correction[] = effects.flatMap((effect) =>
    effect.type === 'adjust_stock'
      ? [
          {
            movementId: `fulfillment:${after.fulfillmentOrderId}:v${after.version}:${effect.sku}`,
            sku: effect.sku,
            locationId: effect.locationId,
            quantityDelta: effect.quantityDelta,
          },
        ]
      : [],
  );
  const newShipment = after.shipments.length > before.shipments.length ? after.shipments.at(-1) : undefined;
  const references = orders.map(({ order }) => ({
    orderId: order.orderId,
    channelId: order.channelId,
    externalId: order.externalId,
  }));
  return {
    before,
    after,
    orders: progress,
    stock: stockChangesOf(effects),
    ...(effects.some((effect) => effect.type === 'release_capacity') && {
      capacity: await capacityDayOf(after),
    }),
    corrections,
    ...(newShipment && { shipment: shipmentRecordOf(newShipment, after, orderIds) }),
    outbox: publishedEvents(after, result.events, references),
    actor,
    now,
  };
}

type ServedOrder = FulfilledOrder & {
  pendingReroute?: { fulfillmentOrderId: string; lines: { lineId: string; sku: string; quantity: number }[] };
};

/** An order with every fulfillment order holding its lines: its own, and merged orders' that list it. */
async function servedOrder(
  orderId: string,
): Promise<{ order: ServedOrder; fulfillmentOrders: FulfillmentOrderState[] }> {
  const order = (await getOrder(orderId)) as ServedOrder | undefined;
  if (!order) throw new NotFoundError(`There is no order "${orderId}".`);
  const own = await listFulfillmentOrderStates(orderId);
  const shared = (
    await Promise.all((order.mergedWith ?? []).map((other) => listFulfillmentOrderStates(other)))
  )
    .flat()
    .filter((fo) => fo.mergedOrderIds?.includes(orderId));
  return { order, fulfillmentOrders: [...own, ...shared] };
}

/**
 * The counter the router charged: the location's local day when the fulfillment order was made,
 * on the shard it recorded (shard 0, the single counter of old, when it recorded none).
 */
async function capacityDayOf(
  fo: StoredFulfillmentOrder,
): Promise<{ locationId: string; day: string; shard: number }> {
  const location = (await listLocations()).find((candidate) => candidate.locationId === fo.locationId);
  return {
    locationId: fo.locationId,
    day: localDay(fo.createdAt, location?.timeZone ?? 'UTC'),
    shard: fo.capacityShard ?? 0,
  };
}
