import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { InventoryAggregate } from '../domain/inventory/aggregate.js';
import { EMPTY_OUTBOX, type Outbox, type SyncDecision } from '../domain/inventory/sync.js';
import type { ReplenishmentLine } from '../domain/inventory-events.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { readWaitingOrders } from './backorder-index.js';
import type { UnplacedLine } from '../domain/routing/index.js';
import { linesAwaitingStock } from '../domain/routing/partial-retry.js';
import type { StockLevel } from '../domain/stock.js';
import { INVENTORY_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { queryAll } from './paging.js';

/**
 * Inventory table layout:
 *   SKU#<sku> / LOC#<locationId>           stock of a SKU at a location (also indexed byLocation)
 *   SKU#<sku> / RES#<orderId>#<locationId> a reservation marker (the router's, routing-repository.ts)
 *   SKU#<sku> / AGGREGATE                  network and per-channel counts, derived by inventory-sync
 *   SKU#<sku>#S<n> / LOC#<locationId>      shard n of a hot SKU's stock there (Hot SKUs, below)
 *   HOTRES#<orderId> / <sku>#<locationId>  a reservation marker of a hot SKU
 *   CHANNEL#<channelId> / AVAIL#<at>#<sku>#a<version>   a change of a SKU's availability in a channel
 *   REPLENISHMENT / <vendorId>#<sku>       a suggested purchase-order line
 *   MOVEMENT#<movementId>, TRANSFER#<transferId>        see movements-repository.ts
 * All locations of a SKU share a partition, so the router reads a SKU's stock with one Query.
 * Every item carries `entityType`; only StockLevel and StockShard items hold stock. Items with
 * both `locationId` and `sku` (stock and reservation markers) land in the byLocation index, so
 * its readers filter on entityType.
 */
export const stockKey = (sku: string, locationId: string) => ({ pk: `SKU#${sku}`, sk: `LOC#${locationId}` });
export const shardPartition = (sku: string, shard: number) => `SKU#${sku}#S${shard}`;
export const shardKey = (sku: string, locationId: string, shard: number) => ({
  pk: shardPartition(sku, shard),
  sk: `LOC#${locationId}`,
});
export const aggregateKey = (sku: string) => ({ pk: `SKU#${sku}`, sk: 'AGGREGATE' });
export const channelFeedKey = (channelId: string, at: string, sku: string, version: number) => ({
  pk: `CHANNEL#${channelId}`,
  sk: `AVAIL#${at}#${sku}#a${version}`,
});
export const replenishmentKey = (vendorId: string, sku: string) => ({
  pk: 'REPLENISHMENT',
  sk: `${vendorId}#${sku}`,
});

export const STOCK_ENTITY_TYPES: ReadonlySet<string> = new Set(['StockLevel', 'StockShard']);

const inventoryTable = () => tableName(INVENTORY_TABLE.envVar);

export async function putStockLevel(level: StockLevel): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: inventoryTable(),
      Item: { ...stockKey(level.sku, level.locationId), entityType: 'StockLevel', ...level },
    }),
  );
}

export async function getStockLevels(sku: string): Promise<StockLevel[]> {
  const items = await queryInventory({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :loc)',
    ExpressionAttributeValues: { ':pk': `SKU#${sku}`, ':loc': 'LOC#' },
  });
  return items.map(toStockLevel);
}

/**
 * Every item that holds stock of the SKU: one level per location, plus, for a hot SKU, its shard
 * items (not summed: the aggregate and the invariant check add them up themselves).
 */
export async function getStockItems(sku: string, shards: number): Promise<StockLevel[]> {
  const partitions = [
    `SKU#${sku}`,
    ...(shards > 1 ? Array.from({ length: shards }, (_, n) => shardPartition(sku, n)) : []),
  ];
  const pages = await Promise.all(
    partitions.map((pk) =>
      queryInventory({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :loc)',
        ExpressionAttributeValues: { ':pk': pk, ':loc': 'LOC#' },
      }),
    ),
  );
  return pages.flat().map(toStockLevel);
}

/** The levels of a SKU at some locations, keyed by locationId; missing ones are absent. */
export async function getStockLevelsAt(
  sku: string,
  locationIds: readonly string[],
): Promise<Record<string, StockLevel>> {
  const table = inventoryTable();
  const levels: Record<string, StockLevel> = {};
  let keys: Record<string, unknown>[] | undefined = [...new Set(locationIds)].map((id) => stockKey(sku, id));
  while (keys && keys.length > 0) {
    const page: BatchGetCommandOutput = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
    );
    for (const item of page.Responses?.[table] ?? []) {
      const level = toStockLevel(item);
      levels[level.locationId] = level;
    }
    keys = page.UnprocessedKeys?.[table]?.Keys;
  }
  return levels;
}

export function toStockLevel(item: Record<string, unknown>): StockLevel {
  const { pk: _pk, sk: _sk, entityType: _entityType, shard: _shard, ...level } = item;
  return level as unknown as StockLevel;
}

export async function getAggregate(sku: string): Promise<InventoryAggregate | undefined> {
  return (await getAggregateState(sku)).aggregate;
}

/** The aggregate and the work its last writer left to do (events not yet published). */
export async function getAggregateState(
  sku: string,
): Promise<{ aggregate?: InventoryAggregate; outbox: Outbox }> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: inventoryTable(), Key: aggregateKey(sku), ConsistentRead: true }),
  );
  if (!Item) return { outbox: EMPTY_OUTBOX };
  const { pk: _pk, sk: _sk, entityType: _entityType, outbox, ...aggregate } = Item;
  return {
    aggregate: aggregate as InventoryAggregate,
    outbox: (outbox as Outbox | undefined) ?? EMPTY_OUTBOX,
  };
}

/** Marks the outbox done, unless a newer write (which carried it on) replaced the aggregate. */
export async function clearOutbox(sku: string, version: number): Promise<void> {
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: inventoryTable(),
        Key: aggregateKey(sku),
        UpdateExpression: 'REMOVE outbox',
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': version },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * Writes what inventory-sync decided in one transaction: the aggregate (only if nobody wrote it
 * since it was read: a concurrent, staler recomputation must lose), the channel feed entries and
 * the replenishment line. Returns false when the aggregate had moved on.
 */
export async function saveSync(
  decision: SyncDecision,
  outbox: Outbox,
  previousVersion: number | undefined,
): Promise<boolean> {
  const table = inventoryTable();
  const { aggregate } = decision;
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    {
      Put: {
        TableName: table,
        Item: { ...aggregateKey(aggregate.sku), entityType: 'StockAggregate', ...aggregate, outbox },
        ...(previousVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': previousVersion },
            }),
      },
    },
    ...decision.channelChanges.map((change) => ({
      Put: {
        TableName: table,
        Item: {
          ...channelFeedKey(change.channelId, aggregate.updatedAt, aggregate.sku, aggregate.version),
          entityType: 'ChannelAvailabilityChange',
          ...change,
          sku: aggregate.sku,
          changedAt: aggregate.updatedAt,
        },
      },
    })),
  ];
  const { replenishment } = decision;
  if (replenishment.kind === 'suggest') {
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...replenishmentKey(replenishment.vendorId, aggregate.sku),
          entityType: 'ReplenishmentSuggestion',
          vendorId: replenishment.vendorId,
          ...replenishment.line,
          suggestedAt: aggregate.updatedAt,
        },
      },
    });
  }
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
  if (replenishment.kind === 'clear') await clearReplenishment(aggregate.sku);
  return true;
}

async function clearReplenishment(sku: string): Promise<void> {
  const table = inventoryTable();
  const lines = await queryInventory({
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: 'sku = :sku',
    ExpressionAttributeValues: { ':pk': 'REPLENISHMENT', ':sku': sku },
  });
  await Promise.all(
    lines.map((line) =>
      dynamo().send(new DeleteCommand({ TableName: table, Key: { pk: line.pk, sk: line.sk } })),
    ),
  );
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

/** A location's stock, one SKU after another (index byLocation); shards of hot SKUs are summed. */
export async function listLocationStock(
  locationId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<StockLevel>> {
  const page = await dynamo().send(
    new QueryCommand({
      TableName: inventoryTable(),
      IndexName: 'byLocation',
      KeyConditionExpression: 'locationId = :locationId',
      ExpressionAttributeValues: { ':locationId': locationId },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(
        options.cursor,
        ['pk', 'sk', 'locationId', 'sku'],
        // Reservation markers share the index, so the table key of a page's last item varies.
        (key) => key.locationId === locationId,
      ),
    }),
  );
  let items = page.Items ?? [];
  let cursor = page.LastEvaluatedKey;
  const lastSku = items.at(-1)?.sku;
  if (cursor && items.some((item) => item.sku !== lastSku)) {
    // A hot SKU's items (level and shards) sort together; a page must not cut them apart, so it
    // ends before the last SKU, which the next page starts with.
    items = items.filter((item) => item.sku !== lastSku);
    const { pk, sk, locationId: index, sku } = items.at(-1)!;
    cursor = { pk, sk, locationId: index, sku };
  }
  const levels = items.filter((item) => STOCK_ENTITY_TYPES.has(String(item.entityType))).map(toStockLevel);
  return { items: sumShards(levels), ...(cursor && { nextCursor: encodeCursor(cursor) }) };
}

export interface ChannelAvailabilityChange {
  channelId: string;
  sku: string;
  available: number;
  previous: number;
  changedAt: string;
}

/** Changes of availability in a channel after `since`, oldest first. */
export async function listChannelChanges(
  channelId: string,
  options: { since: string; limit: number; cursor?: string },
): Promise<Page<ChannelAvailabilityChange>> {
  const partition = `CHANNEL#${channelId}`;
  const after = `AVAIL#${options.since}~`;
  const page = await dynamo().send(
    new QueryCommand({
      TableName: inventoryTable(),
      KeyConditionExpression: 'pk = :pk AND sk > :since',
      ExpressionAttributeValues: { ':pk': partition, ':since': after },
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(
        options.cursor,
        ['pk', 'sk'],
        (key) => key.pk === partition && (key.sk ?? '') > after,
      ),
    }),
  );
  const items = (page.Items ?? []).map((item) => ({
    channelId: String(item.channelId),
    sku: String(item.sku),
    available: Number(item.available),
    previous: Number(item.previous),
    changedAt: String(item.changedAt),
  }));
  return { items, ...(page.LastEvaluatedKey && { nextCursor: encodeCursor(page.LastEvaluatedKey) }) };
}

export interface ReplenishmentSuggestion {
  vendorId: string;
  lines: (ReplenishmentLine & { suggestedAt: string })[];
}

/** The open purchase-order suggestions, one per vendor. */
export async function listReplenishmentSuggestions(vendorId?: string): Promise<ReplenishmentSuggestion[]> {
  const items = await queryInventory({
    KeyConditionExpression: vendorId ? 'pk = :pk AND begins_with(sk, :vendor)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'REPLENISHMENT', ...(vendorId && { ':vendor': `${vendorId}#` }) },
  });
  const byVendor = new Map<string, ReplenishmentSuggestion>();
  for (const { pk: _pk, sk: _sk, entityType: _entityType, vendorId: vendor, ...line } of items) {
    const suggestion = byVendor.get(String(vendor)) ?? { vendorId: String(vendor), lines: [] };
    suggestion.lines.push(line as ReplenishmentLine & { suggestedAt: string });
    byVendor.set(suggestion.vendorId, suggestion);
  }
  return [...byVendor.values()];
}

/** Sums the shards of a hot SKU at a location into one level; plain levels pass through. */
export function sumShards(levels: readonly StockLevel[]): StockLevel[] {
  const byKey = new Map<string, StockLevel>();
  for (const level of levels) {
    const key = `${level.sku}\u0000${level.locationId}`;
    const seen = byKey.get(key);
    byKey.set(
      key,
      seen
        ? {
            ...seen,
            onHand: seen.onHand + level.onHand,
            reserved: seen.reserved + level.reserved,
            safetyStock: seen.safetyStock + level.safetyStock,
            available: seen.available + level.available,
            inTransit: (seen.inTransit ?? 0) + (level.inTransit ?? 0),
            version: Math.max(seen.version, level.version),
            updatedAt: seen.updatedAt > level.updatedAt ? seen.updatedAt : level.updatedAt,
            ...((seen.oversold || level.oversold) && { oversold: true }),
          }
        : level,
    );
  }
  return [...byKey.values()];
}

/**
 * Orders waiting for the SKU, from the Orders table's sparse `backordersWaiting` index, which
 * only orders the retry routes again carry (BACKORDERED and PARTIALLY_ROUTED ones, see
 * functions/data/order-items.ts): BACKORDERED orders with a line for it, and PARTIALLY_ROUTED
 * ones with an unplaced line of it that waits for stock (partial-retry.ts). The one read of orders
 * the inventory makes: every shard of the index, in parallel, keys, lines and unplaced lines only,
 * filtered in code, because a filter can not look inside a list. That is fine while waiting
 * orders number in the thousands (one 1 MB page holds a few thousand); beyond that, a per-SKU
 * backorder index (written by the router when it parks an order) is the next step.
 */
export async function findBackorderedOrderIds(sku: string): Promise<string[]> {
  const items = await readWaitingOrders(['orderId', 'status', 'lines', 'routing.unplaced']);
  return items
    .filter((item) =>
      item.status === 'BACKORDERED'
        ? ((item.lines ?? []) as { sku?: string }[]).some((line) => line.sku === sku)
        : linesAwaitingStock((item.routing as { unplaced?: UnplacedLine[] } | undefined)?.unplaced).some(
            (line) => line.sku === sku,
          ),
    )
    .map((item) => String(item.orderId));
}

/** Every item of an Inventory query, read consistently. */
function queryInventory(input: {
  KeyConditionExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
  FilterExpression?: string;
}): Promise<Record<string, unknown>[]> {
  return queryAll({ TableName: inventoryTable(), ConsistentRead: true, ...input });
}

/**
 * Hot SKUs. One item takes about 1,000 writes a second, and a reservation is a transactional
 * write (2 write units), so a single (sku, location) item caps a flash sale near 500 orders a
 * second. For a SKU flagged hot, a location's sellable stock is spread over `shards` items, each
 * in its own partition (`SKU#<sku>#S<n>` / `LOC#<locationId>`), and a reservation takes from one
 * shard with the same conditional update as an ordinary level: no shard, hence no location, can
 * go below zero. The level item (`SKU#<sku>` / `LOC#<locationId>`) stays the home of movements,
 * safety stock and transit; `distributeToShards` moves sellable units from it into the shards.
 * Every move keeps the sum over the items unchanged, so aggregates recomputed from the items stay
 * exact. Markers of hot reservations live in the order's own partition (`HOTRES#<orderId>`), so
 * they spread instead of piling onto the SKU.
 */
export const hotReservationKey = (orderId: string, sku: string, locationId: string) => ({
  pk: `HOTRES#${orderId}`,
  sk: `${sku}#${locationId}`,
});

/** Where the units of a hot reservation came from: a shard number, or -1 for the level item. */
export interface ShardPortion {
  shard: number;
  quantity: number;
}

export type ShardReservation =
  | { kind: 'reserved'; portions: ShardPortion[] }
  | { kind: 'already_reserved'; portions: ShardPortion[] }
  | { kind: 'insufficient'; available: number }
  /** Other reservations kept taking the units first; nothing was taken, the caller may retry. */
  | { kind: 'contended' };

/** Attempts on single shards before gathering the reservation from several. */
const SINGLE_SHARD_ATTEMPTS = 3;
const GATHER_ATTEMPTS = 10;
const LEVEL = -1;

const itemKey = (sku: string, locationId: string, shard: number) =>
  shard === LEVEL ? stockKey(sku, locationId) : shardKey(sku, locationId, shard);

/**
 * Reserves `quantity` of a hot SKU at a location for an order, never more than there is:
 * 1. a random shard, then the next ones (up to three tries), each a conditional update;
 * 2. if none had enough alone, read all shards and the level item and take the quantity from
 *    several of them in one transaction, each part conditional on what that item still has;
 * 3. if the total is short, answer `insufficient` (the router backorders or routes elsewhere).
 * The marker records the portions, which `releaseFromShards` gives back.
 */
export async function reserveFromShards(args: {
  sku: string;
  locationId: string;
  orderId: string;
  quantity: number;
  shards: number;
  now: string;
  random?: () => number;
}): Promise<ShardReservation> {
  const random = args.random ?? Math.random;
  const first = Math.floor(random() * args.shards);
  for (let attempt = 0; attempt < Math.min(SINGLE_SHARD_ATTEMPTS, args.shards); attempt++) {
    const portions = [{ shard: (first + attempt) % args.shards, quantity: args.quantity }];
    const outcome = await takePortions(args, portions);
    if (outcome !== 'short') return outcome;
  }
  for (let attempt = 0; attempt < GATHER_ATTEMPTS; attempt++) {
    const items = await getShardItems(args.sku, args.locationId, args.shards);
    const available = items.reduce((sum, item) => sum + Math.max(0, item.available), 0);
    if (available < args.quantity) return { kind: 'insufficient', available };
    const outcome = await takePortions(args, gatherPortions(items, args.quantity));
    if (outcome !== 'short') return outcome;
  }
  return { kind: 'contended' };
}

/**
 * Gives a hot reservation back to the items it came from; false if it was released already, or,
 * with `unlessRouted`, if a routing commit marked it as its own (`routedBy`): the router undoing
 * a failed attempt must not take stock from an order another delivery routed with this marker.
 */
export async function releaseFromShards(args: {
  sku: string;
  locationId: string;
  orderId: string;
  portions: readonly ShardPortion[];
  now: string;
  unlessRouted?: boolean;
}): Promise<boolean> {
  const table = inventoryTable();
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: table,
              Key: hotReservationKey(args.orderId, args.sku, args.locationId),
              ConditionExpression: args.unlessRouted
                ? 'attribute_exists(pk) AND attribute_not_exists(routedBy)'
                : 'attribute_exists(pk)',
            },
          },
          ...args.portions.map((portion) => ({
            Update: {
              TableName: table,
              Key: itemKey(args.sku, args.locationId, portion.shard),
              UpdateExpression:
                'SET reserved = reserved - :quantity, available = available + :quantity, #version = #version + :one, updatedAt = :now',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':quantity': portion.quantity, ':one': 1, ':now': args.now },
            },
          })),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      return false;
    throw error;
  }
}

/**
 * Moves up to `quantity` sellable units of a location's level item into its shards, evenly, in
 * one transaction conditional on the level's version (a movement in between makes it retry).
 */
export async function distributeToShards(args: {
  sku: string;
  locationId: string;
  shards: number;
  quantity: number;
  now: string;
}): Promise<number> {
  const table = inventoryTable();
  for (let attempt = 1; ; attempt++) {
    const level = (await getStockLevelsAt(args.sku, [args.locationId]))[args.locationId];
    const moving = Math.min(args.quantity, Math.max(0, level?.available ?? 0));
    if (!level || moving === 0) return 0;
    const shares = Array.from(
      { length: args.shards },
      (_, n) => Math.floor(moving / args.shards) + (n < moving % args.shards ? 1 : 0),
    );
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: stockKey(args.sku, args.locationId),
                UpdateExpression:
                  'SET onHand = onHand - :moving, available = available - :moving, #version = #version + :one, updatedAt = :now',
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: {
                  ':moving': moving,
                  ':one': 1,
                  ':now': args.now,
                  ':version': level.version,
                },
              },
            },
            ...shares
              .map((share, shard) => ({ share, shard }))
              .filter(({ share }) => share > 0)
              .map(({ share, shard }) => ({
                Update: {
                  TableName: table,
                  Key: shardKey(args.sku, args.locationId, shard),
                  UpdateExpression:
                    'SET entityType = :entityType, sku = :sku, locationId = :locationId, #shard = :shard, updatedAt = :now, ' +
                    'onHand = if_not_exists(onHand, :zero) + :share, available = if_not_exists(available, :zero) + :share, ' +
                    'reserved = if_not_exists(reserved, :zero), safetyStock = :zero, #version = if_not_exists(#version, :zero) + :one',
                  ExpressionAttributeNames: { '#version': 'version', '#shard': 'shard' },
                  ExpressionAttributeValues: {
                    ':entityType': 'StockShard',
                    ':sku': args.sku,
                    ':locationId': args.locationId,
                    ':shard': shard,
                    ':share': share,
                    ':zero': 0,
                    ':one': 1,
                    ':now': args.now,
                  },
                },
              })),
          ],
        }),
      );
      return moving;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || attempt >= GATHER_ATTEMPTS) throw error;
    }
  }
}

async function takePortions(
  args: { sku: string; locationId: string; orderId: string; quantity: number; now: string },
  portions: ShardPortion[],
): Promise<ShardReservation | 'short'> {
  const table = inventoryTable();
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: {
                ...hotReservationKey(args.orderId, args.sku, args.locationId),
                entityType: 'Reservation',
                orderId: args.orderId,
                sku: args.sku,
                locationId: args.locationId,
                quantity: args.quantity,
                portions,
                createdAt: args.now,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...portions.map((portion) => ({
            Update: {
              TableName: table,
              Key: itemKey(args.sku, args.locationId, portion.shard),
              UpdateExpression:
                'SET reserved = reserved + :quantity, available = available - :quantity, #version = #version + :one, updatedAt = :now',
              ConditionExpression: 'available >= :quantity',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':quantity': portion.quantity, ':one': 1, ':now': args.now },
            },
          })),
        ],
      }),
    );
    return { kind: 'reserved', portions };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      const { Item } = await dynamo().send(
        new GetCommand({
          TableName: table,
          Key: hotReservationKey(args.orderId, args.sku, args.locationId),
          ConsistentRead: true,
        }),
      );
      return { kind: 'already_reserved', portions: (Item?.portions ?? []) as ShardPortion[] };
    }
    // A shard without enough, or a transaction that collided with another: try elsewhere.
    return 'short';
  }
}

/** The level item (as -1) and the shards of a hot SKU at a location, read consistently. */
async function getShardItems(
  sku: string,
  locationId: string,
  shards: number,
): Promise<{ shard: number; available: number; onHand: number }[]> {
  const table = inventoryTable();
  const keys = [LEVEL, ...Array.from({ length: shards }, (_, n) => n)].map((shard) =>
    itemKey(sku, locationId, shard),
  );
  const items: { shard: number; available: number; onHand: number }[] = [];
  let pending: Record<string, unknown>[] | undefined = keys;
  while (pending && pending.length > 0) {
    const page: BatchGetCommandOutput = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
    );
    for (const item of page.Responses?.[table] ?? [])
      items.push({
        shard: item.entityType === 'StockShard' ? Number(item.shard) : LEVEL,
        available: Number(item.available),
        onHand: Number(item.onHand),
      });
    pending = page.UnprocessedKeys?.[table]?.Keys;
  }
  return items;
}

/** On-hand units of a hot SKU held in a location's shards. */
export async function getShardedOnHand(sku: string, locationId: string, shards: number): Promise<number> {
  const items = await getShardItems(sku, locationId, shards);
  return items.filter((item) => item.shard !== LEVEL).reduce((sum, item) => sum + item.onHand, 0);
}

/** Takes from the fullest items first, so that a gathered reservation touches as few as it can. */
function gatherPortions(
  items: readonly { shard: number; available: number }[],
  quantity: number,
): ShardPortion[] {
  const portions: ShardPortion[] = [];
  let missing = quantity;
  for (const item of [...items].sort((a, b) => b.available - a.available)) {
    if (missing === 0 || item.available <= 0) break;
    const taken = Math.min(missing, item.available);
    portions.push({ shard: item.shard, quantity: taken });
    missing -= taken;
  }
  return portions;
}
