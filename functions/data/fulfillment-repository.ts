import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchGetCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../domain/access.js';
import type { DomainEvent } from '../domain/events.js';
import { startFulfillment, type FulfillmentOrderState } from '../domain/fulfillment/model.js';
import type { OrderProgress, StockChange } from '../domain/fulfillment/progress.js';
import type { FulfillmentOrder } from '../domain/routing/routing-input.js';
import { INVENTORY_TABLE, ORDERS_TABLE } from '../../lib/tables.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { dynamo, tableName } from './dynamo.js';
import { hotReservationKey, shardKey, stockKey, type ShardPortion } from './inventory-repository.js';
import { movementKey } from './movements-repository.js';
import type { Order } from '../domain/order.js';
import { backorderIndexUpdate, toOrder } from './order-items.js';
import { orderKey } from './orders-repository.js';
import {
  capacityKey,
  fulfillmentOrderKey,
  getFulfillmentOrder,
  listFulfillmentOrders,
  reservationKey,
  toFulfillmentOrder,
} from './routing-repository.js';
import { shipmentRecordPut, type ShipmentRecord } from './shipments-repository.js';
import { openWorkAttribute } from './fulfillment-sla-repository.js';
import { WORK_QUEUE_INDEX, workQueueAttributes } from './work-queue.js';

/**
 * Fulfillment orders through their lifecycle, in the Orders table beside their order
 * (`ORDER#<orderId>` / `FO#<fulfillmentOrderId>`, written first by the router). Two indexes:
 *   byFulfillmentOrder  fulfillmentOrderId                 finds one by its id alone (the API path)
 *   byWorkQueue         workQueue = <locationId>#<status>  a location's work in one status,
 *                       workSince = <createdAt>#<id>       oldest first
 * `workQueue` names the location whose turn it is (the pick-up store once a transfer has left,
 * functions/domain/fulfillment/progress.ts) and is absent while the fulfillment order is PENDING,
 * so unannounced work is in no queue and listing it needs no filter: one Query per page.
 *
 * A change (an action, a release) is ONE TransactWriteItems: the fulfillment order (conditional
 * on the version it was computed from), each order it serves (status derived, conditional on its
 * version), the stock it moves (the level or hot-SKU shard items and the reservation markers,
 * each marker conditional on the quantity read), the capacity counter it gives back, the
 * adjustment movements of a short pick and the shipment record. The events of the change ride
 * on the fulfillment order (`outbox`), so the stream publishes exactly what was committed.
 */
export const FULFILLMENT_ORDER_INDEX = 'byFulfillmentOrder';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const MAX_TRANSACTION_ITEMS = 100;

/** A stored fulfillment order: the lifecycle state, and what the router recorded with it. */
export type StoredFulfillmentOrder = FulfillmentOrderState &
  Pick<
    FulfillmentOrder,
    'distanceKm' | 'mergedOrderIds' | 'promise' | 'promisedBy' | 'dueBy' | 'capacityShard'
  >;

/** A stored fulfillment order in its lifecycle form (routing-repository.ts reads the record). */
export function toFulfillmentOrderState(stored: FulfillmentOrder): StoredFulfillmentOrder {
  // The router writes the record without a version; the lifecycle starts from it.
  if (typeof (stored as Partial<StoredFulfillmentOrder>).version === 'number')
    return stored as unknown as StoredFulfillmentOrder;
  return {
    ...startFulfillment(stored),
    ...(stored.distanceKm !== undefined && { distanceKm: stored.distanceKm }),
    ...(stored.mergedOrderIds !== undefined && { mergedOrderIds: stored.mergedOrderIds }),
    // The router's promise stays with the fulfillment order: the SLA and the projection read it.
    ...(stored.promise !== undefined && { promise: stored.promise }),
    ...(stored.promisedBy !== undefined && { promisedBy: stored.promisedBy }),
    ...(stored.dueBy !== undefined && { dueBy: stored.dueBy }),
    // The capacity shard it counted on gets its unit back (fulfillment-changes.ts).
    ...(stored.capacityShard !== undefined && { capacityShard: stored.capacityShard }),
    version: 0,
  };
}

/** The fulfillment order with this id, read consistently; undefined when there is none. */
export async function getFulfillmentOrderById(
  fulfillmentOrderId: string,
): Promise<StoredFulfillmentOrder | undefined> {
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      IndexName: FULFILLMENT_ORDER_INDEX,
      KeyConditionExpression: 'fulfillmentOrderId = :id',
      FilterExpression: 'entityType = :fo',
      ProjectionExpression: 'orderId',
      ExpressionAttributeValues: { ':id': fulfillmentOrderId, ':fo': 'FulfillmentOrder' },
    }),
  );
  const orderId = Items?.[0]?.orderId;
  if (typeof orderId !== 'string') return undefined;
  return getFulfillmentOrderState(orderId, fulfillmentOrderId);
}

export async function getFulfillmentOrderState(
  orderId: string,
  fulfillmentOrderId: string,
): Promise<StoredFulfillmentOrder | undefined> {
  const stored = await getFulfillmentOrder(orderId, fulfillmentOrderId);
  return stored && toFulfillmentOrderState(stored);
}

/** Every fulfillment order stored under the order (consistent), in their lifecycle form. */
export async function listFulfillmentOrderStates(orderId: string): Promise<StoredFulfillmentOrder[]> {
  return (await listFulfillmentOrders(orderId)).map(toFulfillmentOrderState);
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A location's work in one status, oldest first (index byWorkQueue), paged. */
export async function listWorkQueue(
  locationId: string,
  status: string,
  options: { limit: number; cursor?: string },
): Promise<Page<StoredFulfillmentOrder>> {
  const queue = `${locationId}#${status}`;
  const page = await dynamo().send(
    new QueryCommand({
      TableName: tableName(ORDERS_TABLE.envVar),
      IndexName: WORK_QUEUE_INDEX,
      KeyConditionExpression: 'workQueue = :queue',
      ExpressionAttributeValues: { ':queue': queue },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(
        options.cursor,
        CURSOR_ATTRIBUTES,
        (key) => key.workQueue === queue && key.pk!.startsWith('ORDER#') && key.sk!.startsWith('FO#'),
      ),
    }),
  );
  return {
    items: (page.Items ?? []).map((item) => toFulfillmentOrderState(toFulfillmentOrder(item))),
    ...(page.LastEvaluatedKey && { nextCursor: encodeCursor(page.LastEvaluatedKey) }),
  };
}

const CURSOR_ATTRIBUTES = ['pk', 'sk', 'workQueue', 'workSince'];

/** One short-picked SKU at a location, recorded as an adjustment movement (reason correction). */
export interface Correction {
  movementId: string;
  sku: string;
  locationId: string;
  quantityDelta: number;
}

/**
 * What an order records with a fulfillment change, in the same transaction: attributes set on
 * the order, and records written once under it (an accepted cancel request: the cancellation and
 * its refund, functions/fulfillment/cancel-records.ts).
 */
export interface OrderRecords {
  /** The order's status instead of the derived one (every unit canceled: CANCELED). */
  status?: OrderProgress['status'];
  set: Record<string, unknown>;
  puts: { key: { pk: string; sk: string }; entityType: string; record: object }[];
}

export interface FulfillmentChange {
  before: StoredFulfillmentOrder;
  after: StoredFulfillmentOrder;
  orders: readonly (OrderProgress & {
    records?: OrderRecords;
    /** Units the router must place again (the stored order only), with the location to avoid. */
    reroute?: {
      fulfillmentOrderId: string;
      lines: { lineId: string; sku: string; quantity: number }[];
      excludeLocationId: string;
    };
  })[];
  stock: readonly StockChange[];
  /** The day's capacity counter shard the fulfillment order was counted on, to give back. */
  capacity?: { locationId: string; day: string; shard: number };
  corrections: readonly Correction[];
  shipment?: ShipmentRecord;
  outbox: readonly DomainEvent[];
  actor: Actor;
  now: string;
}

export type ChangeResult = 'committed' | 'changed';

/** Attempts for a transaction that lost a race to a concurrent one (TransactionConflict). */
const CONFLICT_ATTEMPTS = 5;

/**
 * Commits a change. `changed` when the fulfillment order, an order or a marker moved on since
 * they were read: the caller reads again and decides again. A transaction that collided with
 * another is retried with jittered backoff, then thrown.
 */
export async function commitFulfillmentChange(change: FulfillmentChange): Promise<ChangeResult> {
  for (let attempt = 1; ; attempt++) {
    const items = await transactionOf(change);
    if (items === 'changed') return 'changed';
    if (items.length > MAX_TRANSACTION_ITEMS)
      throw new Error(
        `Fulfillment order ${change.after.fulfillmentOrderId}: the change needs ${items.length} writes, more than one transaction holds.`,
      );
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons: CancellationReason[] = error.CancellationReasons ?? [];
      if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) return 'changed';
      const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
      if (!conflicted || attempt >= CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

async function transactionOf(change: FulfillmentChange): Promise<TransactItem[] | 'changed'> {
  const stock = await stockWrites(change);
  if (stock === 'changed') return 'changed';
  return [
    fulfillmentOrderPut(change),
    ...change.orders.map((order) => orderUpdate(order, change.now)),
    ...change.orders.flatMap((order) => (order.records?.puts ?? []).map(recordPut)),
    ...stock,
    ...(change.capacity ? await capacityRelease(change.capacity, change.now) : []),
    ...change.corrections.map((correction) => correctionPut(correction, change)),
    ...(change.shipment ? [shipmentRecordPut(change.shipment)] : []),
  ];
}

function fulfillmentOrderPut(change: FulfillmentChange): TransactItem {
  const { before, after } = change;
  return {
    Put: {
      TableName: tableName(ORDERS_TABLE.envVar),
      Item: {
        ...fulfillmentOrderKey(after.orderId, after.fulfillmentOrderId),
        entityType: 'FulfillmentOrder',
        ...after,
        ...workQueueAttributes(after),
        // In the SLA's index while the location still owes the work (fulfillment-sla-repository.ts).
        ...openWorkAttribute(after),
        outbox: change.outbox,
      },
      // The router's record has no version yet: it must still be the one that was read.
      ConditionExpression:
        before.version === 0 ? 'attribute_not_exists(#version) AND #status = :status' : '#version = :version',
      ExpressionAttributeNames: {
        '#version': 'version',
        ...(before.version === 0 && { '#status': 'status' }),
      },
      ExpressionAttributeValues:
        before.version === 0 ? { ':status': before.status } : { ':version': before.version },
    },
  };
}

function recordPut(put: OrderRecords['puts'][number]): TransactItem {
  return {
    Put: {
      TableName: tableName(ORDERS_TABLE.envVar),
      Item: { ...put.key, entityType: put.entityType, ...put.record },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function orderUpdate(order: FulfillmentChange['orders'][number], now: string): TransactItem {
  const reroute = order.reroute;
  const backorder = backorderIndexUpdate(order.orderId, order.status);
  const extra = Object.entries(order.records?.set ?? {});
  return {
    Update: {
      TableName: tableName(ORDERS_TABLE.envVar),
      Key: orderKey(order.orderId),
      UpdateExpression:
        'SET #status = :status, routerStatus = :routerStatus, #version = :next, updatedAt = :now' +
        (reroute
          ? ', pendingReroute = :pending, rejectedLocationIds = list_append(if_not_exists(rejectedLocationIds, :none), :location)'
          : '') +
        extra.map((_entry, index) => `, #set${index} = :set${index}`).join('') +
        // SET clauses first: REMOVE ends the expression.
        (backorder.set ? `, ${backorder.set}` : ` REMOVE ${backorder.remove}`),
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#version': 'version',
        ...Object.fromEntries(extra.map(([name], index) => [`#set${index}`, name])),
      },
      ExpressionAttributeValues: {
        ...Object.fromEntries(extra.map(([, value], index) => [`:set${index}`, value])),
        ':status': order.status,
        ':routerStatus': order.routerStatus,
        ':next': order.expectedVersion + 1,
        ':expected': order.expectedVersion,
        ':now': now,
        ...backorder.values,
        ...(reroute && {
          ':pending': { fulfillmentOrderId: reroute.fulfillmentOrderId, lines: reroute.lines },
          ':none': [],
          ':location': [reroute.excludeLocationId],
        }),
      },
    },
  };
}

interface ItemDelta {
  key: Record<string, string>;
  onHand: number;
  reserved: number;
  available: number;
}

/**
 * The stock writes of a change. Each SKU's reservation marker (a plain one, or a hot SKU's with
 * the shards its units came from) is read first: units leave from, or go back to, the items the
 * marker says hold them, and the marker is written down by what moved, conditional on the
 * quantity read, so two changes can not give the same units back twice.
 */
async function stockWrites(change: FulfillmentChange): Promise<TransactItem[] | 'changed'> {
  const moving = change.stock.filter((entry) => entry.consumed + entry.released > 0);
  if (moving.length === 0) return [];
  const markers = await readMarkers(change.after.orderId, moving);
  const deltas = new Map<string, ItemDelta>();
  const add = (key: Record<string, string>, delta: Omit<ItemDelta, 'key'>) => {
    const id = `${key.pk}\u0000${key.sk}`;
    const seen = deltas.get(id) ?? { key, onHand: 0, reserved: 0, available: 0 };
    seen.onHand += delta.onHand;
    seen.reserved += delta.reserved;
    seen.available += delta.available;
    deltas.set(id, seen);
  };
  const writes: TransactItem[] = [];
  for (const entry of moving) {
    const marker = markers.get(`${entry.sku}\u0000${entry.locationId}`);
    const units = entry.consumed + entry.released;
    if (!marker || marker.quantity < units) return 'changed';
    const parts = marker.portions
      ? takeFromPortions(marker.portions, units)
      : [{ shard: -1, quantity: units }];
    // Consumed units first, then released ones; missing units are released ones the shelf lacked.
    let consumed = entry.consumed;
    let released = entry.released - entry.missing;
    let missing = entry.missing;
    for (const part of parts) {
      const key =
        part.shard === -1
          ? stockKey(entry.sku, entry.locationId)
          : shardKey(entry.sku, entry.locationId, part.shard);
      let left = part.quantity;
      const take = (wanted: number) => {
        const taken = Math.min(wanted, left);
        left -= taken;
        return taken;
      };
      const c = take(consumed);
      const m = take(missing);
      const r = take(released);
      consumed -= c;
      missing -= m;
      released -= r;
      add(key, { onHand: -(c + m), reserved: -(c + m + r), available: r });
    }
    writes.push(markerWrite(change.after.orderId, entry, marker, units));
  }
  for (const delta of deltas.values()) writes.push(stockUpdate(delta, change.now));
  return writes;
}

interface Marker {
  key: Record<string, string>;
  quantity: number;
  portions?: ShardPortion[];
}

/** The markers of the SKUs at their locations, plain or hot, keyed by sku and location. */
async function readMarkers(orderId: string, entries: readonly StockChange[]): Promise<Map<string, Marker>> {
  const table = tableName(INVENTORY_TABLE.envVar);
  const keys = entries.flatMap((entry) => [
    reservationKey(entry.sku, orderId, entry.locationId),
    hotReservationKey(orderId, entry.sku, entry.locationId),
  ]);
  const markers = new Map<string, Marker>();
  let pending: Record<string, unknown>[] | undefined = keys;
  while (pending && pending.length > 0) {
    const page: BatchGetCommandOutput = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of page.Responses?.[table] ?? []) {
      const portions = Array.isArray(item.portions) ? (item.portions as ShardPortion[]) : undefined;
      markers.set(`${String(item.sku)}\u0000${String(item.locationId)}`, {
        key: { pk: String(item.pk), sk: String(item.sk) },
        quantity: Number(item.quantity),
        ...(portions && { portions }),
      });
    }
    pending = page.UnprocessedKeys?.[table]?.Keys;
  }
  return markers;
}

/** Takes units from a hot marker's portions, the last taken first; shard -1 is the level item. */
function takeFromPortions(portions: readonly ShardPortion[], units: number): ShardPortion[] {
  const parts: ShardPortion[] = [];
  let left = units;
  for (const portion of [...portions].reverse()) {
    if (left === 0) break;
    const taken = Math.min(left, portion.quantity);
    if (taken > 0) parts.push({ shard: portion.shard, quantity: taken });
    left -= taken;
  }
  return parts;
}

function remainingPortions(
  portions: readonly ShardPortion[],
  taken: readonly ShardPortion[],
): ShardPortion[] {
  const left = portions.map((portion) => ({ ...portion }));
  for (const part of taken) {
    const portion = [...left]
      .reverse()
      .find((candidate) => candidate.shard === part.shard && candidate.quantity > 0);
    if (portion) portion.quantity -= part.quantity;
  }
  return left.filter((portion) => portion.quantity > 0);
}

function markerWrite(orderId: string, entry: StockChange, marker: Marker, units: number): TransactItem {
  const table = tableName(INVENTORY_TABLE.envVar);
  const condition = {
    ConditionExpression: 'quantity = :read',
    ExpressionAttributeValues: { ':read': marker.quantity },
  };
  if (marker.quantity === units) return { Delete: { TableName: table, Key: marker.key, ...condition } };
  const portions =
    marker.portions && remainingPortions(marker.portions, takeFromPortions(marker.portions, units));
  return {
    Update: {
      TableName: table,
      Key: marker.portions ? hotReservationKey(orderId, entry.sku, entry.locationId) : marker.key,
      UpdateExpression: portions ? 'SET quantity = :left, portions = :portions' : 'SET quantity = :left',
      ConditionExpression: condition.ConditionExpression,
      ExpressionAttributeValues: {
        ...condition.ExpressionAttributeValues,
        ':left': marker.quantity - units,
        ...(portions && { ':portions': portions }),
      },
    },
  };
}

function stockUpdate(delta: ItemDelta, now: string): TransactItem {
  return {
    Update: {
      TableName: tableName(INVENTORY_TABLE.envVar),
      Key: delta.key,
      UpdateExpression:
        'SET onHand = onHand + :onHand, reserved = reserved + :reserved, available = available + :available, ' +
        '#version = #version + :one, updatedAt = :now',
      // The units were reserved here: an item holding fewer has drifted, and the change must not hide it.
      ConditionExpression: 'reserved >= :held',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: {
        ':onHand': delta.onHand,
        ':reserved': delta.reserved,
        ':available': delta.available,
        ':held': -delta.reserved,
        ':one': 1,
        ':now': now,
      },
    },
  };
}

/** The counter goes down by one when it holds this fulfillment order; an expired one is left alone. */
async function capacityRelease(
  day: { locationId: string; day: string; shard: number },
  now: string,
): Promise<TransactItem[]> {
  const table = tableName(INVENTORY_TABLE.envVar);
  const key = capacityKey(day.locationId, day.day, day.shard);
  const { Item } = await dynamo().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  const used = Number(Item?.used ?? 0);
  if (used < 1) return [];
  return [
    {
      Update: {
        TableName: table,
        Key: key,
        UpdateExpression: 'SET used = :left, updatedAt = :now',
        ConditionExpression: 'used = :used',
        ExpressionAttributeValues: { ':left': used - 1, ':used': used, ':now': now },
      },
    },
  ];
}

function correctionPut(correction: Correction, change: FulfillmentChange): TransactItem {
  const movement = {
    movementId: correction.movementId,
    type: 'adjustment',
    sku: correction.sku,
    locationId: correction.locationId,
    reason: 'correction',
    quantityDelta: correction.quantityDelta,
    who: `fulfillment order ${change.after.fulfillmentOrderId}`,
    note: 'Short pick: the shelf held fewer units than the system.',
  };
  return {
    Put: {
      TableName: tableName(INVENTORY_TABLE.envVar),
      Item: {
        ...movementKey(correction.movementId),
        entityType: 'StockMovement',
        movementId: correction.movementId,
        type: 'adjustment',
        sku: correction.sku,
        who: movement.who,
        actor: change.actor,
        occurredAt: change.now,
        recordedAt: change.now,
        payloadHash: correction.movementId,
        movement,
        // The level is written by deltas in this transaction, not read: the change is the delta.
        changes: [],
        fulfillmentOrderId: change.after.fulfillmentOrderId,
        oversold: false,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The orders with these ids (for the names and customers a work queue shows), by id. */
export async function getOrdersById(orderIds: readonly string[]): Promise<Map<string, Order>> {
  const table = tableName(ORDERS_TABLE.envVar);
  const orders = new Map<string, Order>();
  const unique = [...new Set(orderIds)];
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(start, start + 100).map(orderKey);
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await dynamo().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } }),
      );
      for (const item of page.Responses?.[table] ?? []) {
        const order = toOrder(item);
        orders.set(order.orderId, order);
      }
      keys = page.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return orders;
}
