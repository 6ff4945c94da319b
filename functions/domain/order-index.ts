import { shardOf } from './shards.js';

/**
 * Where an order sits in the Orders table's indexes that spread hot keys (docs/scale.md, "Hot
 * keys"). Plain data and functions without zod, so that lib/tables.ts and every function that
 * writes an order can import it without paying for a validator.
 */

/** Partitions per placed day: each takes a share of the day's order writes (docs/scale.md). */
export const PLACED_DAY_SHARDS = 8;

export const placedDayPartition = (day: string, shard: number) => `ORDERS#${day}#${shard}`;

/**
 * An order's place in the placed-day index (GET /v1/orders): a partition per UTC day and shard,
 * and a sort key that orders by the UTC instant (placedAt keeps the channel's offset, which does
 * not sort) with the order id to make it unique.
 */
export function placedIndexAttributes(order: { orderId: string; placedAt: string }) {
  const placed = new Date(order.placedAt).toISOString();
  return {
    placedDay: placedDayPartition(placed.slice(0, 10), shardOf(order.orderId, PLACED_DAY_SHARDS)),
    placedSort: `${placed}#${order.orderId}`,
  };
}

/** What a summary is made of: the attributes the placed-day index holds (lib/tables.ts). */
export const SUMMARY_ATTRIBUTES = [
  'orderId',
  'channelId',
  'externalId',
  'channelOrderNumber',
  'status',
  'placedAt',
  'currency',
  'totals',
  'reconciliation',
  'customer',
] as const;

/** Partitions of the backorder index: a sold-out flash sale backorders hundreds a second. */
export const BACKORDER_SHARDS = 4;

export const backorderPartition = (shard: number) => `BACKORDER#${shard}`;

/** The statuses the backorder retry routes again when stock arrives (functions/routing/route-order.ts). */
const WAITING_FOR_STOCK = ['BACKORDERED', 'PARTIALLY_ROUTED'];

/**
 * The backorder index's partition of an order in `status`, or undefined when the order does not
 * wait for stock and leaves the (sparse) index. Every writer of an order's status sets or removes
 * it with the status (functions/data/order-items.ts).
 */
export function backorderShardOf(orderId: string, status: string): string | undefined {
  return WAITING_FOR_STOCK.includes(status)
    ? backorderPartition(shardOf(orderId, BACKORDER_SHARDS))
    : undefined;
}
