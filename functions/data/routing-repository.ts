import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { OrderStatus } from '../domain/order.js';
import type { Product, RoutingPlan } from '../domain/routing/index.js';
import {
  compactExplanation,
  type FulfillmentOrder,
  type Reservation,
} from '../domain/routing/routing-input.js';
import { CONFIG_TABLE, INVENTORY_TABLE, ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { stockKey } from './inventory-repository.js';
import { orderKey } from './orders-repository.js';

/**
 * What the router writes, and how it commits a plan without ever overselling.
 *
 * Layout added to the tables:
 *   Inventory  SKU#<sku> / RES#<orderId>#<locationId>   units of the SKU held for the order there
 *   Orders     ORDER#<orderId> / FO#<fulfillmentOrderId>   a fulfillment order of the order
 *
 * Committing a plan is ONE TransactWriteItems when it fits in 100 items: per (sku, location) a
 * stock update conditional on `available >= :quantity` plus a reservation marker that must not
 * exist yet, the fulfillment orders, and the order update conditional on its version. Either
 * everything holds or nothing is written, and a cancellation reason names the item that failed.
 *
 * A plan that needs more than 100 items is committed as a saga:
 * 1. the intent (reservations, fulfillment order ids, a commit id) is written on the order with
 *    its version check: from then on no other router can commit this order;
 * 2. reservations are taken in transactions of at most 49 (stock, marker) pairs, each with a
 *    check that the order still carries this intent;
 * 3. when a chunk fails, the chunks already taken are released (conditional on their markers
 *    carrying this commit id, so nothing is released twice) and the intent is cleared;
 * 4. fulfillment orders beyond what fits in the last transaction are written first, then the last
 *    transaction writes the remaining ones and moves the order to its status.
 * A router that dies in between leaves the intent on the order; the next delivery of the message
 * finds it and releases what it lists (`releaseAbandonedCommit`) before deciding again.
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
  plan: RoutingPlan;
  fulfillmentOrders: FulfillmentOrder[];
  reservations: StockReservation[];
  now: string;
}

export type CommitResult =
  | { kind: 'committed'; orderVersion: number }
  | { kind: 'stock_conflict'; sku: string; locationId: string; orderVersion: number }
  | { kind: 'order_changed' }
  | { kind: 'already_reserved'; sku: string; locationId: string };

/** A large commit's plan, kept on the order until the commit ends (see the saga above). */
export interface CommitIntent {
  commitId: string;
  reservations: Reservation[];
  fulfillmentOrderIds: string[];
  startedAt: string;
}

type Role =
  | { kind: 'order' }
  | { kind: 'stock'; sku: string; locationId: string }
  | { kind: 'marker'; sku: string; locationId: string }
  | { kind: 'fulfillment_order' };

interface Entry {
  item: TransactItem;
  role: Role;
}

export async function commitRoutingPlan(
  commit: RoutingCommit,
  maxItems = MAX_TRANSACTION_ITEMS,
): Promise<CommitResult> {
  const orderUpdate = finalOrderUpdate(commit, commit.expectedVersion);
  const reservationEntries = commit.reservations.flatMap((reservation) => reserve(commit, reservation));
  const foEntries = commit.fulfillmentOrders.map(putFulfillmentOrder);
  if (1 + reservationEntries.length + foEntries.length <= maxItems) {
    const outcome = await transact([orderUpdate, ...reservationEntries, ...foEntries]);
    if (outcome === 'ok') return { kind: 'committed', orderVersion: commit.expectedVersion + 1 };
    if (outcome.kind === 'stock')
      return { ...outcome, kind: 'stock_conflict', orderVersion: commit.expectedVersion };
    return outcome.kind === 'marker' ? { ...outcome, kind: 'already_reserved' } : { kind: 'order_changed' };
  }
  return commitInChunks(commit, maxItems);
}

async function commitInChunks(commit: RoutingCommit, maxItems: number): Promise<CommitResult> {
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
      if (outcome.kind === 'order') return { kind: 'order_changed' };
      await releaseReservations(commit.orderId, commit.commitId, taken, commit.now);
      const cleared = await clearIntent(commit.orderId, version, commit.now);
      if (cleared === undefined) return { kind: 'order_changed' };
      return outcome.kind === 'stock'
        ? { ...outcome, kind: 'stock_conflict', orderVersion: cleared }
        : { ...outcome, kind: 'already_reserved' };
    }
    taken.push(...chunk);
  }

  const foEntries = commit.fulfillmentOrders.map(putFulfillmentOrder);
  const inLastTransaction = maxItems - 1;
  const early = foEntries.slice(0, Math.max(0, foEntries.length - inLastTransaction));
  for (const chunk of chunksOf(early, maxItems - 1)) {
    if ((await transact([holdsIntent, ...chunk])) !== 'ok') return { kind: 'order_changed' };
  }
  const last = foEntries.slice(early.length);
  const outcome = await transact([finalOrderUpdate(commit, version), ...last]);
  if (outcome !== 'ok') return { kind: 'order_changed' };
  return { kind: 'committed', orderVersion: version + 1 };
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
          UpdateExpression: 'SET #status = :rejected, rejectedAt = :now, rejectionReason = :reason',
          ConditionExpression: '#status = :created',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':rejected': 'REJECTED',
            ':created': 'CREATED',
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
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName(ORDERS_TABLE.envVar),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fo)',
        ExpressionAttributeValues: { ':pk': orderKey(orderId).pk, ':fo': 'FO#' },
        ConsistentRead: true,
        ExclusiveStartKey: cursor,
      }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items.map(toFulfillmentOrder);
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

function putFulfillmentOrder(fo: FulfillmentOrder): Entry {
  return {
    item: {
      Put: {
        TableName: tableName(ORDERS_TABLE.envVar),
        Item: {
          ...fulfillmentOrderKey(fo.orderId, fo.fulfillmentOrderId),
          entityType: 'FulfillmentOrder',
          ...fo,
        },
      },
    },
    role: { kind: 'fulfillment_order' },
  };
}

function finalOrderUpdate(commit: RoutingCommit, expectedVersion: number): Entry {
  const { plan } = commit;
  return {
    item: {
      Update: {
        TableName: tableName(ORDERS_TABLE.envVar),
        Key: orderKey(commit.orderId),
        UpdateExpression:
          'SET #status = :status, #version = :next, routing = :routing, updatedAt = :now, lastCommitId = :commitId ' +
          'REMOVE routingIntent, pendingReroute',
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: {
          ':status': commit.status,
          ':next': expectedVersion + 1,
          ':expected': expectedVersion,
          ':now': commit.now,
          ':commitId': commit.commitId,
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
    },
    role: { kind: 'order' },
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
  | { kind: 'stock'; sku: string; locationId: string }
  | { kind: 'marker'; sku: string; locationId: string };

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
  const rank = { order: 0, marker: 1, stock: 2, fulfillment_order: 3 } as const;
  const role = failed.map((entry) => entry.role).sort((a, b) => rank[a.kind] - rank[b.kind])[0];
  if (role === undefined || role.kind === 'fulfillment_order') return undefined;
  return role;
}

function toFulfillmentOrder(item: Record<string, unknown>): FulfillmentOrder {
  const { pk: _pk, sk: _sk, entityType: _entityType, ...fo } = item;
  return fo as unknown as FulfillmentOrder;
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
