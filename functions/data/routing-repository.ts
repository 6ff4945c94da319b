import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Order, OrderStatus } from '../domain/order.js';
import type { Product, RoutingPlan } from '../domain/routing/index.js';
import {
  CAPACITY_SHARDS,
  placeOnShards,
  preferredCapacityShard,
  shardShare,
} from '../domain/routing/capacity-shards.js';
import {
  compactExplanation,
  takesCapacity,
  type CapacityCharge,
  type CapacityDay,
  type FulfillmentOrder,
  type Reservation,
} from '../domain/routing/routing-input.js';
import { CONFIG_TABLE, INVENTORY_TABLE, ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { hotReservationKey, stockKey } from './inventory-repository.js';
import { OPEN_WORK_ATTRIBUTE, openWorkAttribute } from './fulfillment-sla-repository.js';
import { backorderIndexUpdate, toOrder } from './order-items.js';
import { orderKey } from './orders-repository.js';
import { queryAll } from './paging.js';
import { announcedWorkQueue, workQueueAttributes } from './work-queue.js';

/**
 * What the router writes, and how it commits a plan without ever overselling.
 *
 * Layout added to the tables:
 *   Inventory  SKU#<sku> / RES#<orderId>#<locationId>   units of the SKU held for the order there
 *   Orders     ORDER#<orderId> / FO#<fulfillmentOrderId>   a fulfillment order of the order
 *   Inventory  CAPACITY#<locationId>[#S<n>] / <YYYY-MM-DD>  fulfillment orders the location took
 *                                                         that local day (`used`), shard n of
 *                                                         CAPACITY_SHARDS (shard 0 without #S0)
 *
 * Committing a plan is ONE TransactWriteItems when it fits in 100 items: per (sku, location) a
 * stock update conditional on `available >= :quantity` plus a reservation marker that must not
 * exist yet, per location an `ADD used` on a shard of its capacity counter (conditional on the
 * room left in the shard's share when the strategy requires capacity), the fulfillment orders, and the order update conditional
 * on its version. Either everything holds or nothing is written, and a cancellation reason names
 * the item that failed.
 *
 * A plan that needs more than 100 items is committed as a saga:
 * 1. the intent (reservations, fulfillment order ids, a commit id) is written on the order with
 *    its version check: from then on no other router can commit this order;
 * 2. reservations are taken in transactions of at most 49 (stock, marker) pairs, each with a
 *    check that the order still carries this intent;
 * 3. when a chunk fails, the chunks already taken are released (conditional on their markers
 *    carrying this commit id, so nothing is released twice) and the intent is cleared;
 * 4. fulfillment orders beyond what fits in the last transaction are written first, PENDING
 *    (the outbox announces none of them), then the last transaction counts capacity, writes the
 *    remaining ones and moves the order to its status, noting the pending ones on the order
 *    (`pendingAnnouncement`); when a location filled up meanwhile, everything above is undone
 *    as for an abandoned commit;
 * 5. once the last transaction holds, the pending fulfillment orders become CREATED (and are
 *    announced) and the note is removed.
 * A router that dies before step 5 leaves the intent on the order; the next delivery of the
 * message finds it and releases what it lists (`releaseAbandonedCommit`) before deciding again.
 * One that dies during step 5 leaves the note: the next delivery finishes the announcements
 * (`announceFulfillmentOrders`). No location is told of a fulfillment order a commit takes back.
 *
 * Reservations of hot SKUs are not in the commit: the router takes them from the shards first
 * (`reserveFromShards`, their own transactions). The commit only marks each of their markers
 * `routedBy` its commit id, conditional on the marker still existing, so an order is never routed
 * without its hot stock, and a marker a commit holds is no longer released as a failed attempt's.
 */

export const MAX_TRANSACTION_ITEMS = 100;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const reservationKey = (sku: string, orderId: string, locationId: string) => ({
  pk: `SKU#${sku}`,
  sk: `RES#${orderId}#${locationId}`,
});
export const fulfillmentOrderKey = (orderId: string, fulfillmentOrderId: string) => ({
  pk: `ORDER#${orderId}`,
  sk: `FO#${fulfillmentOrderId}`,
});
/**
 * In the Inventory table rather than Config: it changes with every order, in the same
 * transactions as the stock, while Config holds what a retailer edits and routers cache. One
 * shard of a location-day's counter (capacity-shards.ts), each in its own partition; shard 0
 * keeps the key of the single counter it replaces, so a day's count survives the deploy.
 */
export const capacityKey = (locationId: string, day: string, shard = 0) => ({
  pk: shard === 0 ? `CAPACITY#${locationId}` : `CAPACITY#${locationId}#S${shard}`,
  sk: day,
});

/** A counter only matters on its day; kept a week for ops to look back (the table has no TTL). */
const CAPACITY_RETENTION_SECONDS = 7 * 24 * 3600;

export interface StockReservation extends Reservation {
  /**
   * Safety stock of the item as read, when the plan may promise it (a strategy with
   * `respectSafetyStock: false`): the guard is then `available + safetyStock >= quantity`.
   */
  safetyStockUsable?: number;
}

export interface RoutingCommit {
  orderId: string;
  expectedVersion: number;
  /** Identifies this attempt on its markers, so that a compensation only releases its own. */
  commitId: string;
  status: OrderStatus;
  /**
   * The router's own status (whether every line is placed) when `status` is derived from the
   * fulfillment orders (a re-route of an order already being fulfilled); default: `status`.
   */
  routerStatus?: OrderStatus;
  plan: RoutingPlan;
  fulfillmentOrders: FulfillmentOrder[];
  reservations: StockReservation[];
  /** Hot reservations the router took from the shards for this plan (see the layout above). */
  hotReservations?: readonly { sku: string; locationId: string }[];
  /** Fulfillment orders counted against the locations' days; absent, nothing is counted. */
  capacity?: readonly CapacityCharge[];
  /**
   * Other orders routed by this plan (merging): each moves to `status` on its own version
   * check and records `mergedWith` and its `plan` (the same decision, explained from its side).
   * A merged commit is one transaction or nothing.
   */
  mergedOrders?: readonly { orderId: string; expectedVersion: number; plan: RoutingPlan }[];
  now: string;
}

export type CommitResult =
  | { kind: 'committed'; orderVersion: number }
  | { kind: 'stock_conflict'; sku: string; locationId: string; orderVersion: number }
  | { kind: 'capacity_conflict'; locationId: string; orderVersion: number }
  | { kind: 'order_changed' }
  | { kind: 'merged_order_changed'; orderId: string }
  | { kind: 'merge_too_large' }
  | { kind: 'already_reserved'; sku: string; locationId: string };

/** Fulfillment orders a large commit wrote PENDING, to announce once it holds (step 5 above). */
export interface PendingAnnouncement {
  commitId: string;
  fulfillmentOrderIds: string[];
}

/** A large commit's plan, kept on the order until the commit ends (see the saga above). */
export interface CommitIntent {
  commitId: string;
  reservations: Reservation[];
  fulfillmentOrderIds: string[];
  startedAt: string;
}

type Role =
  | { kind: 'order' }
  | { kind: 'merged_order'; orderId: string }
  | { kind: 'stock'; sku: string; locationId: string }
  | { kind: 'marker'; sku: string; locationId: string }
  | { kind: 'hot_marker'; sku: string; locationId: string }
  | { kind: 'capacity'; locationId: string }
  | { kind: 'fulfillment_order' };

interface Entry {
  item: TransactItem;
  role: Role;
}

/**
 * Commits a plan (see above). Each location's new fulfillment orders count on the capacity
 * shard the order id hashes to; when that shard is full, the location's shards are read and
 * the commit is tried again on shards with room, a bounded number of times, before the router
 * is told the location is full.
 */
export async function commitRoutingPlan(
  commit: RoutingCommit,
  maxItems = MAX_TRANSACTION_ITEMS,
): Promise<CommitResult> {
  let placement = preferredPlacement(commit);
  for (let attempt = 1; ; attempt++) {
    if (placement.kind === 'full') {
      return {
        kind: 'capacity_conflict',
        locationId: placement.locationId,
        orderVersion: commit.expectedVersion,
      };
    }
    const result = await commitPlaced(commit, placement.shards, maxItems);
    // A large commit undoes its saga on a capacity conflict: the router decides again.
    const untouched = result.kind === 'capacity_conflict' && result.orderVersion === commit.expectedVersion;
    if (!untouched || attempt > CAPACITY_SHARDS) return result;
    placement = await placementWithRoom(commit, placement.shards, [result.locationId]);
  }
}

/** Per location, the capacity shard of each fulfillment order the commit counts there. */
type Placement = ReadonlyMap<string, readonly number[]>;
type PlacementOutcome = { kind: 'placed'; shards: Placement } | { kind: 'full'; locationId: string };

/** Every location's charge on the order's own shard, or the next ones whose share can hold it. */
function preferredPlacement(commit: RoutingCommit): PlacementOutcome {
  const preferred = preferredCapacityShard(commit.orderId);
  const shards = new Map<string, readonly number[]>();
  for (const charge of commit.capacity ?? []) {
    const placed =
      charge.limit === undefined
        ? Array.from({ length: charge.count }, () => preferred)
        : placeOnShards(charge.count, [], charge.limit, preferred);
    if (!placed) return { kind: 'full', locationId: charge.locationId };
    shards.set(charge.locationId, placed);
  }
  return { kind: 'placed', shards };
}

/**
 * The charges at `locationIds` placed again on the shards that have room as read now (the
 * others keep their place); full when a location's shards together have no room left.
 */
async function placementWithRoom(
  commit: RoutingCommit,
  placement: Placement,
  locationIds: readonly string[],
): Promise<PlacementOutcome> {
  const charges = (commit.capacity ?? []).filter(
    (charge) => charge.limit !== undefined && locationIds.includes(charge.locationId),
  );
  const used = await getCapacityShards(charges);
  const shards = new Map(placement);
  for (const charge of charges) {
    const placed = placeOnShards(
      charge.count,
      used[charge.locationId] ?? [],
      charge.limit!,
      preferredCapacityShard(commit.orderId),
    );
    if (!placed) return { kind: 'full', locationId: charge.locationId };
    shards.set(charge.locationId, placed);
  }
  return { kind: 'placed', shards };
}

/** The fulfillment orders with the capacity shard each counts on, to give it back there. */
function withCapacityShards(commit: RoutingCommit, placement: Placement): FulfillmentOrder[] {
  const next = new Map<string, number>();
  return commit.fulfillmentOrders.map((fo) => {
    const shards = placement.get(fo.locationId);
    if (!shards || !takesCapacity(fo)) return fo;
    const index = next.get(fo.locationId) ?? 0;
    next.set(fo.locationId, index + 1);
    const shard = shards[index];
    return shard === undefined ? fo : { ...fo, capacityShard: shard };
  });
}

/** One counter update per (location, shard) the placement uses. */
function capacityEntriesOf(commit: RoutingCommit, placement: Placement): Entry[] {
  return (commit.capacity ?? []).flatMap((charge) => {
    const counts = new Map<number, number>();
    for (const shard of placement.get(charge.locationId) ?? [])
      counts.set(shard, (counts.get(shard) ?? 0) + 1);
    return [...counts].map(([shard, count]) => chargeCapacity({ ...charge, count }, shard, commit.now));
  });
}

async function commitPlaced(
  commit: RoutingCommit,
  placement: Placement,
  maxItems: number,
): Promise<CommitResult> {
  const orderUpdate = finalOrderUpdate(commit, commit.expectedVersion);
  const mergedEntries = (commit.mergedOrders ?? []).map((merged) => mergedOrderUpdate(commit, merged));
  const reservationEntries = commit.reservations.flatMap((reservation) => reserve(commit, reservation));
  const fulfillmentOrders = withCapacityShards(commit, placement);
  const foEntries = fulfillmentOrders.map(putFulfillmentOrder);
  const capacityEntries = capacityEntriesOf(commit, placement);
  const hotEntries = (commit.hotReservations ?? []).map((hot) => holdHotMarker(commit, hot));
  const entries = [
    orderUpdate,
    ...mergedEntries,
    ...reservationEntries,
    ...hotEntries,
    ...capacityEntries,
    ...foEntries,
  ];
  if (entries.length <= maxItems) {
    const outcome = await transact(entries);
    if (outcome === 'ok') return { kind: 'committed', orderVersion: commit.expectedVersion + 1 };
    switch (outcome.kind) {
      case 'stock':
      case 'hot_marker':
        return { ...outcome, kind: 'stock_conflict', orderVersion: commit.expectedVersion };
      case 'capacity':
        return { ...outcome, kind: 'capacity_conflict', orderVersion: commit.expectedVersion };
      case 'marker':
        return { ...outcome, kind: 'already_reserved' };
      case 'merged_order':
        return { ...outcome, kind: 'merged_order_changed' };
      case 'order':
        return { kind: 'order_changed' };
    }
  }
  // A saga's steps hold one order's intent; several orders' would not undo as one.
  if (mergedEntries.length > 0) return { kind: 'merge_too_large' };
  // Its fulfillment orders are written before the last transaction: their shards must hold.
  const counted = (commit.capacity ?? []).map((charge) => charge.locationId);
  const withRoom = await placementWithRoom(commit, placement, counted);
  if (withRoom.kind === 'full') {
    return {
      kind: 'capacity_conflict',
      locationId: withRoom.locationId,
      orderVersion: commit.expectedVersion,
    };
  }
  const placed = { ...commit, fulfillmentOrders: withCapacityShards(commit, withRoom.shards) };
  return commitInChunks(placed, [...hotEntries, ...capacityEntriesOf(commit, withRoom.shards)], maxItems);
}

/** `lastEntries` (hot markers, capacity counters) go into the last transaction, with the order. */
async function commitInChunks(
  commit: RoutingCommit,
  lastEntries: readonly Entry[],
  maxItems: number,
): Promise<CommitResult> {
  const intent: CommitIntent = {
    commitId: commit.commitId,
    reservations: commit.reservations.map(({ sku, locationId, quantity }) => ({ sku, locationId, quantity })),
    fulfillmentOrderIds: commit.fulfillmentOrders.map((fo) => fo.fulfillmentOrderId),
    startedAt: commit.now,
  };
  if (!(await recordIntent(commit.orderId, commit.expectedVersion, intent, commit.now))) {
    return { kind: 'order_changed' };
  }
  const version = commit.expectedVersion + 1;
  const holdsIntent = orderCheck(commit.orderId, version);
  const pairsPerChunk = Math.floor((maxItems - 1) / 2);
  const taken: StockReservation[] = [];
  for (const chunk of chunksOf(commit.reservations, pairsPerChunk)) {
    const outcome = await transact([
      holdsIntent,
      ...chunk.flatMap((reservation) => reserve(commit, reservation)),
    ]);
    if (outcome !== 'ok') {
      if (outcome.kind !== 'stock' && outcome.kind !== 'marker') return { kind: 'order_changed' };
      await releaseReservations(commit.orderId, commit.commitId, taken, commit.now);
      const cleared = await clearIntent(commit.orderId, version, commit.now);
      if (cleared === undefined) return { kind: 'order_changed' };
      return outcome.kind === 'stock'
        ? { ...outcome, kind: 'stock_conflict', orderVersion: cleared }
        : { ...outcome, kind: 'already_reserved' };
    }
    taken.push(...chunk);
  }

  const inLastTransaction = maxItems - 1 - lastEntries.length;
  const earlyCount = Math.max(0, commit.fulfillmentOrders.length - inLastTransaction);
  const early = commit.fulfillmentOrders.slice(0, earlyCount);
  const pending = early.map((fo) => putFulfillmentOrder({ ...fo, status: 'PENDING' }));
  for (const chunk of chunksOf(pending, maxItems - 1)) {
    if ((await transact([holdsIntent, ...chunk])) !== 'ok') return { kind: 'order_changed' };
  }
  const last = commit.fulfillmentOrders.slice(earlyCount).map(putFulfillmentOrder);
  const announcement: PendingAnnouncement | undefined =
    early.length > 0
      ? { commitId: commit.commitId, fulfillmentOrderIds: early.map((fo) => fo.fulfillmentOrderId) }
      : undefined;
  const outcome = await transact([finalOrderUpdate(commit, version, announcement), ...lastEntries, ...last]);
  if (outcome === 'ok') {
    if (announcement) await announceFulfillmentOrders(commit.orderId, announcement);
    return { kind: 'committed', orderVersion: version + 1 };
  }
  if (outcome.kind !== 'capacity' && outcome.kind !== 'hot_marker') return { kind: 'order_changed' };
  const released = await releaseAbandonedCommit(commit.orderId, version, intent, commit.now);
  if (released === undefined) return { kind: 'order_changed' };
  return outcome.kind === 'capacity'
    ? { kind: 'capacity_conflict', locationId: outcome.locationId, orderVersion: released }
    : { ...outcome, kind: 'stock_conflict', orderVersion: released };
}

/**
 * The customer's orders placed within `windowMinutes` of `placedAt` (Orders index `byCustomer`).
 * `placedAt` keeps each channel's UTC offset, so the index range is a day wider on each side
 * and the window is applied on the parsed instants.
 */
export async function listCustomerOrders(
  customerKey: string,
  placedAt: string,
  windowMinutes: number,
): Promise<Order[]> {
  const center = Date.parse(placedAt);
  const windowMs = windowMinutes * 60_000;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const items = await queryAll({
    TableName: tableName(ORDERS_TABLE.envVar),
    IndexName: 'byCustomer',
    KeyConditionExpression: 'customerKey = :customer AND placedAt BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':customer': customerKey,
      ':from': day(center - windowMs - 86_400_000),
      // '~' sorts after every character of a date-time: the whole last day is in range.
      ':to': `${day(center + windowMs + 86_400_000)}~`,
    },
  });
  return items.map(toOrder).filter((order) => Math.abs(Date.parse(order.placedAt) - center) <= windowMs);
}

/**
 * Fulfillment orders counted today at these locations, by location id: the sum over each
 * location's shards. One read for up to 25 locations; consistent, so that a decision taken again
 * after a full location sees it full.
 */
export async function getCapacityUsed(days: readonly CapacityDay[]): Promise<Record<string, number>> {
  const shards = await getCapacityShards(days);
  return Object.fromEntries(
    Object.entries(shards).map(([locationId, used]) => [locationId, used.reduce((sum, n) => sum + n, 0)]),
  );
}

/** Each shard's `used`, by location id; a location none of whose counters exists is left out. */
async function getCapacityShards(days: readonly CapacityDay[]): Promise<Record<string, number[]>> {
  const inventory = tableName(INVENTORY_TABLE.envVar);
  const owners = new Map<string, { locationId: string; shard: number }>();
  const keys = days.flatMap(({ locationId, day }) =>
    Array.from({ length: CAPACITY_SHARDS }, (_, shard) => {
      const key = capacityKey(locationId, day, shard);
      owners.set(`${key.pk}\n${key.sk}`, { locationId, shard });
      return key;
    }),
  );
  const used: Record<string, number[]> = {};
  for (const chunk of chunksOf(keys, 100)) {
    let pending: Record<string, unknown>[] | undefined = chunk;
    while (pending && pending.length > 0) {
      const page: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [inventory]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of page.Responses?.[inventory] ?? []) {
        const owner = owners.get(`${String(item.pk)}\n${String(item.sk)}`);
        if (!owner) continue;
        const shards = (used[owner.locationId] ??= new Array<number>(CAPACITY_SHARDS).fill(0));
        shards[owner.shard] = Number(item.used ?? 0);
      }
      pending = page.UnprocessedKeys?.[inventory]?.Keys;
    }
  }
  return used;
}

/**
 * Undoes what an interrupted large commit left behind: releases the reservations its markers
 * still hold, deletes its fulfillment orders and clears the intent. Returns the order's new
 * version, or undefined when the order changed meanwhile.
 */
export async function releaseAbandonedCommit(
  orderId: string,
  orderVersion: number,
  intent: CommitIntent,
  now: string,
): Promise<number | undefined> {
  await releaseReservations(orderId, intent.commitId, intent.reservations, now);
  const table = tableName(ORDERS_TABLE.envVar);
  const deletes: Entry[] = intent.fulfillmentOrderIds.map((id) => ({
    item: { Delete: { TableName: table, Key: fulfillmentOrderKey(orderId, id) } },
    role: { kind: 'fulfillment_order' },
  }));
  for (const chunk of chunksOf(deletes, MAX_TRANSACTION_ITEMS)) await transact(chunk);
  return clearIntent(orderId, orderVersion, now);
}

/** Flips updated at once while a large commit announces its pending fulfillment orders. */
const ANNOUNCE_CONCURRENCY = 25;

/**
 * Step 5 of a large commit (see the saga above), safe to run again: each fulfillment order still
 * PENDING becomes CREATED (one already flipped, or deleted, is left alone), then the note goes.
 * The note's removal leaves the version alone: it changes nothing another writer decided on.
 */
export async function announceFulfillmentOrders(
  orderId: string,
  announcement: PendingAnnouncement,
): Promise<void> {
  const orders = tableName(ORDERS_TABLE.envVar);
  for (const chunk of chunksOf(announcement.fulfillmentOrderIds, ANNOUNCE_CONCURRENCY)) {
    await Promise.all(
      chunk.map((fulfillmentOrderId) =>
        updateUnlessChanged({
          TableName: orders,
          Key: fulfillmentOrderKey(orderId, fulfillmentOrderId),
          // Into its location's work queue at the same time (work-queue.ts).
          UpdateExpression: 'SET #status = :created, workQueue = pendingWorkQueue REMOVE pendingWorkQueue',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':created': 'CREATED', ':pending': 'PENDING' },
        }),
      ),
    );
  }
  await updateUnlessChanged({
    TableName: orders,
    Key: orderKey(orderId),
    UpdateExpression: 'REMOVE pendingAnnouncement',
    ConditionExpression: 'pendingAnnouncement.commitId = :commitId',
    ExpressionAttributeValues: { ':commitId': announcement.commitId },
  });
}

async function updateUnlessChanged(update: ConstructorParameters<typeof UpdateCommand>[0]): Promise<void> {
  try {
    await dynamo().send(new UpdateCommand(update));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
}

/**
 * Gives reserved units back, for the markers that still exist and carry `commitId`. A marker
 * already gone was released before: its units are not given back twice.
 */
export async function releaseReservations(
  orderId: string,
  commitId: string,
  reservations: readonly Reservation[],
  now: string,
): Promise<void> {
  const held = await heldReservations(orderId, commitId, reservations);
  for (const chunk of chunksOf(held, Math.floor(MAX_TRANSACTION_ITEMS / 2))) {
    const entries = chunk.flatMap((reservation) => release(orderId, commitId, reservation, now));
    // A failed marker condition means it was released between our read and now: read again.
    if ((await transact(entries)) !== 'ok') await releaseReservations(orderId, commitId, chunk, now);
  }
}

/** Stored markers among the given reservations (of `commitId`, when given), with their stored quantities. */
async function heldReservations(
  orderId: string,
  commitId: string | undefined,
  reservations: readonly Reservation[],
): Promise<Reservation[]> {
  const inventory = tableName(INVENTORY_TABLE.envVar);
  const held: Reservation[] = [];
  for (const chunk of chunksOf(reservations, 100)) {
    let keys: Record<string, unknown>[] | undefined = chunk.map((reservation) =>
      reservationKey(reservation.sku, orderId, reservation.locationId),
    );
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [inventory]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of page.Responses?.[inventory] ?? []) {
        if (commitId !== undefined && item.commitId !== commitId) continue;
        held.push({
          sku: String(item.sku),
          locationId: String(item.locationId),
          quantity: Number(item.quantity),
        });
      }
      keys = page.UnprocessedKeys?.[inventory]?.Keys;
    }
  }
  return held;
}

export interface Rejection {
  orderId: string;
  expectedVersion: number;
  fulfillmentOrder: FulfillmentOrder;
  reason?: string;
  now: string;
}

/**
 * Marks a fulfillment order REJECTED and gives its units back, in one transaction with an order
 * update that remembers the location (never chosen again) and the lines still to route. A
 * fulfillment order holds at most one (stock, marker) pair per SKU; one with more than 48
 * SKUs does not fit a transaction and is refused.
 */
export async function rejectFulfillmentOrder(rejection: Rejection): Promise<'rejected' | 'order_changed'> {
  const { orderId, fulfillmentOrder: fo, now } = rejection;
  const released = Array.from(
    fo.lines
      .reduce(
        (bySku, line) => bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity),
        new Map<string, number>(),
      )
      .entries(),
    ([sku, quantity]) => ({ sku, locationId: fo.locationId, quantity }),
  );
  if (2 * released.length + 2 > MAX_TRANSACTION_ITEMS) {
    throw new Error(
      `Fulfillment order ${fo.fulfillmentOrderId} holds too many SKUs to reject in one transaction.`,
    );
  }
  const orders = tableName(ORDERS_TABLE.envVar);
  const held = fo.kind === 'dropship' ? [] : await heldReservations(orderId, undefined, released);
  const entries: Entry[] = [
    {
      item: {
        Update: {
          TableName: orders,
          Key: orderKey(orderId),
          UpdateExpression:
            'SET #version = :next, updatedAt = :now, pendingReroute = :pending, ' +
            'rejectedLocationIds = list_append(if_not_exists(rejectedLocationIds, :none), :location)',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':next': rejection.expectedVersion + 1,
            ':expected': rejection.expectedVersion,
            ':now': now,
            ':pending': { fulfillmentOrderId: fo.fulfillmentOrderId, lines: fo.lines },
            ':none': [],
            ':location': [fo.locationId],
          },
        },
      },
      role: { kind: 'order' },
    },
    {
      item: {
        Update: {
          TableName: orders,
          Key: fulfillmentOrderKey(orderId, fo.fulfillmentOrderId),
          UpdateExpression:
            'SET #status = :rejected, rejectedAt = :now, rejectionReason = :reason, workQueue = :queue ' +
            `REMOVE ${OPEN_WORK_ATTRIBUTE}`,
          ConditionExpression: '#status = :created',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':rejected': 'REJECTED',
            ':created': 'CREATED',
            ':queue': workQueueAttributes({ ...fo, status: 'REJECTED' }).workQueue,
            ':now': now,
            ':reason': rejection.reason ?? 'unspecified',
          },
        },
      },
      role: { kind: 'order' },
    },
    ...held.flatMap((reservation) => release(orderId, undefined, reservation, now)),
  ];
  return (await transact(entries)) === 'ok' ? 'rejected' : 'order_changed';
}

export async function getFulfillmentOrder(
  orderId: string,
  fulfillmentOrderId: string,
): Promise<FulfillmentOrder | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: fulfillmentOrderKey(orderId, fulfillmentOrderId),
      ConsistentRead: true,
    }),
  );
  return Item ? toFulfillmentOrder(Item) : undefined;
}

export async function listFulfillmentOrders(orderId: string): Promise<FulfillmentOrder[]> {
  const items = await queryAll({
    TableName: tableName(ORDERS_TABLE.envVar),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fo)',
    ExpressionAttributeValues: { ':pk': orderKey(orderId).pk, ':fo': 'FO#' },
    ConsistentRead: true,
  });
  return items.map(toFulfillmentOrder);
}

/**
 * The fulfillment orders of a merged plan that hold lines of `orderId` but are stored with the
 * order whose message routed them, one of `mergedWith` (they list `orderId` in `mergedOrderIds`).
 */
export async function listSharedFulfillmentOrders(
  orderId: string,
  mergedWith: readonly string[],
): Promise<FulfillmentOrder[]> {
  const others = await Promise.all(mergedWith.map((other) => listFulfillmentOrders(other)));
  return others.flat().filter((fo) => fo.orderId !== orderId && fo.mergedOrderIds?.includes(orderId));
}

/**
 * Routing attributes of the ordered SKUs (`PRODUCT / <sku>` in the Config table). Only what the
 * engine reads is kept: product records also carry what other capabilities need.
 */
export async function getProducts(skus: readonly string[]): Promise<Record<string, Product>> {
  const config = tableName(CONFIG_TABLE.envVar);
  const products: Record<string, Product> = {};
  for (const chunk of chunksOf([...new Set(skus)], 100)) {
    let keys: Record<string, unknown>[] | undefined = chunk.map((sku) => ({ pk: 'PRODUCT', sk: sku }));
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [config]: { Keys: keys } } }),
      );
      for (const item of page.Responses?.[config] ?? []) {
        products[String(item.sk)] = {
          ...(typeof item.dropshipVendorLocationId === 'string' && {
            dropshipVendorLocationId: item.dropshipVendorLocationId,
          }),
          ...(typeof item.preorderReleaseDate === 'string' && {
            preorderReleaseDate: item.preorderReleaseDate,
          }),
        };
      }
      keys = page.UnprocessedKeys?.[config]?.Keys;
    }
  }
  return products;
}

function reserve(commit: RoutingCommit, reservation: StockReservation): Entry[] {
  const inventory = tableName(INVENTORY_TABLE.envVar);
  const { sku, locationId, quantity, safetyStockUsable } = reservation;
  const guard =
    safetyStockUsable === undefined
      ? { ConditionExpression: 'available >= :quantity', values: {} }
      : {
          // Conditions can not add: with safety stock pinned, available >= q - safetyStock says the same.
          ConditionExpression: 'available >= :floor AND safetyStock = :safetyStock',
          values: { ':floor': quantity - safetyStockUsable, ':safetyStock': safetyStockUsable },
        };
  return [
    {
      item: {
        Update: {
          TableName: inventory,
          Key: stockKey(sku, locationId),
          UpdateExpression:
            'SET reserved = reserved + :quantity, available = available - :quantity, #version = #version + :one, updatedAt = :now',
          ConditionExpression: guard.ConditionExpression,
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':quantity': quantity,
            ':one': 1,
            ':now': commit.now,
            ...guard.values,
          },
        },
      },
      role: { kind: 'stock', sku, locationId },
    },
    {
      item: {
        Put: {
          TableName: inventory,
          Item: {
            ...reservationKey(sku, commit.orderId, locationId),
            entityType: 'Reservation',
            orderId: commit.orderId,
            sku,
            locationId,
            quantity,
            commitId: commit.commitId,
            createdAt: commit.now,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      role: { kind: 'marker', sku, locationId },
    },
  ];
}

function release(
  orderId: string,
  commitId: string | undefined,
  reservation: Reservation,
  now: string,
): Entry[] {
  const inventory = tableName(INVENTORY_TABLE.envVar);
  const { sku, locationId, quantity } = reservation;
  return [
    {
      item: {
        Delete: {
          TableName: inventory,
          Key: reservationKey(sku, orderId, locationId),
          ConditionExpression:
            commitId === undefined ? 'attribute_exists(pk)' : 'attribute_exists(pk) AND commitId = :commitId',
          ...(commitId !== undefined && { ExpressionAttributeValues: { ':commitId': commitId } }),
        },
      },
      role: { kind: 'marker', sku, locationId },
    },
    {
      item: {
        Update: {
          TableName: inventory,
          Key: stockKey(sku, locationId),
          UpdateExpression:
            'SET reserved = reserved - :quantity, available = available + :quantity, #version = #version + :one, updatedAt = :now',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':quantity': quantity, ':one': 1, ':now': now },
        },
      },
      role: { kind: 'stock', sku, locationId },
    },
  ];
}

/** Claims a hot reservation for this commit; it fails when the marker was released meanwhile. */
function holdHotMarker(commit: RoutingCommit, hot: { sku: string; locationId: string }): Entry {
  return {
    item: {
      Update: {
        TableName: tableName(INVENTORY_TABLE.envVar),
        Key: hotReservationKey(commit.orderId, hot.sku, hot.locationId),
        UpdateExpression: 'SET routedBy = :commitId',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':commitId': commit.commitId },
      },
    },
    role: { kind: 'hot_marker', sku: hot.sku, locationId: hot.locationId },
  };
}

/**
 * Counts a location's new fulfillment orders for the day on one shard. With a limit, the shard
 * must leave room for them within its share: `used + count <= share`, written as
 * `used <= share - count` (conditions can not add); the placement never asks for more than a share.
 */
function chargeCapacity(charge: CapacityCharge, shard: number, now: string): Entry {
  const { locationId, day, count } = charge;
  const limit = charge.limit === undefined ? undefined : shardShare(charge.limit, shard);
  const expiresAt = Math.floor(Date.parse(now) / 1000) + CAPACITY_RETENTION_SECONDS;
  return {
    item: {
      Update: {
        TableName: tableName(INVENTORY_TABLE.envVar),
        Key: capacityKey(locationId, day, shard),
        UpdateExpression:
          'SET entityType = :entityType, expiresAt = :expiresAt, updatedAt = :now ADD used :count',
        ...(limit !== undefined && {
          ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
        }),
        ExpressionAttributeValues: {
          ':entityType': 'CapacityCounter',
          ':expiresAt': expiresAt,
          ':now': now,
          ':count': count,
          ...(limit !== undefined && { ':room': limit - count }),
        },
      },
    },
    role: { kind: 'capacity', locationId },
  };
}

function putFulfillmentOrder(fo: FulfillmentOrder): Entry {
  return {
    item: {
      Put: {
        TableName: tableName(ORDERS_TABLE.envVar),
        Item: {
          ...fulfillmentOrderKey(fo.orderId, fo.fulfillmentOrderId),
          entityType: 'FulfillmentOrder',
          ...fo,
          ...(fo.status === 'PENDING' ? announcedWorkQueue(fo) : workQueueAttributes(fo)),
          ...openWorkAttribute(fo),
        },
      },
    },
    role: { kind: 'fulfillment_order' },
  };
}

function finalOrderUpdate(
  commit: RoutingCommit,
  expectedVersion: number,
  announcement?: PendingAnnouncement,
): Entry {
  const mergedWith = (commit.mergedOrders ?? []).map((merged) => merged.orderId);
  return {
    item: orderUpdateItem(commit, commit.orderId, expectedVersion, mergedWith, announcement),
    role: { kind: 'order' },
  };
}

/** A merged order records the same decision, and with which orders it travels. */
function mergedOrderUpdate(
  commit: RoutingCommit,
  merged: NonNullable<RoutingCommit['mergedOrders']>[number],
): Entry {
  const mergedWith = [commit.orderId, ...(commit.mergedOrders ?? []).map((other) => other.orderId)].filter(
    (orderId) => orderId !== merged.orderId,
  );
  return {
    item: orderUpdateItem(
      { ...commit, plan: merged.plan },
      merged.orderId,
      merged.expectedVersion,
      mergedWith,
    ),
    role: { kind: 'merged_order', orderId: merged.orderId },
  };
}

function orderUpdateItem(
  commit: RoutingCommit,
  orderId: string,
  expectedVersion: number,
  mergedWith: readonly string[],
  announcement?: PendingAnnouncement,
): TransactItem {
  const { plan } = commit;
  const backorder = backorderIndexUpdate(orderId, commit.status);
  return {
    Update: {
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: orderKey(orderId),
      UpdateExpression:
        'SET #status = :status, routerStatus = :routerStatus, #version = :next, routing = :routing, updatedAt = :now, lastCommitId = :commitId' +
        (mergedWith.length > 0 ? ', mergedWith = :mergedWith' : '') +
        (announcement ? ', pendingAnnouncement = :announcement' : '') +
        (backorder.set ? `, ${backorder.set} ` : ' ') +
        'REMOVE routingIntent, pendingReroute' +
        (backorder.remove ? `, ${backorder.remove}` : ''),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
      ExpressionAttributeValues: {
        ':status': commit.status,
        ':routerStatus': commit.routerStatus ?? commit.status,
        ':next': expectedVersion + 1,
        ':expected': expectedVersion,
        ':now': commit.now,
        ':commitId': commit.commitId,
        ...backorder.values,
        ...(mergedWith.length > 0 && { ':mergedWith': mergedWith }),
        ...(announcement && { ':announcement': announcement }),
        ':routing': {
          ruleSetId: plan.ruleSetId,
          ruleSetVersion: plan.ruleSetVersion,
          strategy: plan.strategy,
          outcome: plan.outcome,
          decidedAt: commit.now,
          explanation: compactExplanation(plan.explanation),
          unplaced: plan.unplaced,
          cancelAt: plan.cancelAt,
        },
      },
    },
  };
}

function orderCheck(orderId: string, version: number): Entry {
  return {
    item: {
      ConditionCheck: {
        TableName: tableName(ORDERS_TABLE.envVar),
        Key: orderKey(orderId),
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': version },
      },
    },
    role: { kind: 'order' },
  };
}

async function recordIntent(orderId: string, expectedVersion: number, intent: CommitIntent, now: string) {
  return conditionalOrderUpdate(orderId, expectedVersion, {
    UpdateExpression: 'SET routingIntent = :intent, #version = :next, updatedAt = :now',
    ExpressionAttributeValues: { ':intent': intent, ':now': now },
  });
}

async function clearIntent(
  orderId: string,
  expectedVersion: number,
  now: string,
): Promise<number | undefined> {
  const done = await conditionalOrderUpdate(orderId, expectedVersion, {
    UpdateExpression: 'SET #version = :next, updatedAt = :now REMOVE routingIntent',
    ExpressionAttributeValues: { ':now': now },
  });
  return done ? expectedVersion + 1 : undefined;
}

async function conditionalOrderUpdate(
  orderId: string,
  expectedVersion: number,
  update: { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> },
): Promise<boolean> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(ORDERS_TABLE.envVar),
        Key: orderKey(orderId),
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ':expected': expectedVersion,
          ':next': expectedVersion + 1,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Attempts for a transaction that lost a race to a concurrent one (TransactionConflict). */
const CONFLICT_ATTEMPTS = 6;

type Failure =
  | { kind: 'order' }
  | { kind: 'merged_order'; orderId: string }
  | { kind: 'stock'; sku: string; locationId: string }
  | { kind: 'marker'; sku: string; locationId: string }
  | { kind: 'hot_marker'; sku: string; locationId: string }
  | { kind: 'capacity'; locationId: string };

/**
 * Runs one transaction. A failed condition is an answer (which item failed); losing a race to a
 * concurrent transaction is retried with jittered backoff, a bounded number of times, and then
 * thrown so that the queue delivers the message again later.
 */
async function transact(entries: readonly Entry[]): Promise<'ok' | Failure> {
  const single = entries.length === 1 ? entries[0]!.item.Update : undefined;
  if (single) return updateAlone(single, entries[0]!.role);
  const command = new TransactWriteCommand({ TransactItems: entries.map((entry) => entry.item) });
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(command);
      return 'ok';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons: CancellationReason[] = error.CancellationReasons ?? [];
      const failure = firstFailure(entries, reasons);
      if (failure) return failure;
      const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!conflicted || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));
    }
  }
}

/** A lone update (a backorder, say) needs no transaction, which costs twice the write capacity. */
async function updateAlone(update: NonNullable<TransactItem['Update']>, role: Role): Promise<'ok' | Failure> {
  try {
    await dynamo().send(new UpdateCommand(update));
    return 'ok';
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    if (role.kind === 'fulfillment_order') throw error;
    return role;
  }
}

/** The order's condition outranks the others: when the order moved on, nothing else matters. */
function firstFailure(
  entries: readonly Entry[],
  reasons: readonly CancellationReason[],
): Failure | undefined {
  const failed = entries.filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed');
  const rank = {
    order: 0,
    merged_order: 1,
    marker: 2,
    stock: 3,
    hot_marker: 4,
    capacity: 5,
    fulfillment_order: 6,
  } as const;
  const role = failed.map((entry) => entry.role).sort((a, b) => rank[a.kind] - rank[b.kind])[0];
  if (role === undefined || role.kind === 'fulfillment_order') return undefined;
  return role;
}

/**
 * A fulfillment order's item as its record, in the router's form or its lifecycle form
 * (fulfillment-repository.ts): the index attributes and the outbox of the last action are the
 * table's, not the record's.
 */
export function toFulfillmentOrder(item: Record<string, unknown>): FulfillmentOrder {
  const {
    pk: _pk,
    sk: _sk,
    entityType: _entityType,
    workQueue: _workQueue,
    workSince: _workSince,
    pendingWorkQueue: _pendingWorkQueue,
    outbox: _outbox,
    [OPEN_WORK_ATTRIBUTE]: _openWork,
    ...fo
  } = item;
  return fo as unknown as FulfillmentOrder;
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
