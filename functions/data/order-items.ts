import type { Order } from '../domain/order.js';
import { backorderShardOf } from '../domain/order-index.js';

/**
 * Strips the table's own attributes so that callers see the domain record only. Kept apart from
 * the repository so that the stream outbox, which gets items from stream records, does not load
 * the DynamoDB client.
 */
export function toOrder(item: Record<string, unknown>): Order {
  const {
    pk: _pk,
    sk: _sk,
    entityType: _entityType,
    placedDay: _placedDay,
    placedSort: _placedSort,
    backorderShard: _backorderShard,
    ...order
  } = item;
  return order as unknown as Order;
}

/** The sparse index of orders waiting for stock (lib/tables.ts). */
export const BACKORDER_INDEX = 'backordersWaiting';
/** The placed-day index of GET /v1/orders (lib/tables.ts). */
export const PLACED_DAY_INDEX = 'byPlacedDay';

/**
 * What an update that moves an order to `status` does to the sparse backorder index (lib/tables.ts
 * `backordersWaiting`): sets `backorderShard` while the order waits for stock, removes it once it
 * does not. Every writer of an order's status adds these clauses to its UpdateExpression, so the
 * index never lists an order the retry would skip, nor misses one it would route.
 */
export function backorderIndexUpdate(
  orderId: string,
  status: string,
): { set?: string; remove?: string; values: Record<string, string> } {
  const shard = backorderShardOf(orderId, status);
  return shard === undefined
    ? { remove: 'backorderShard', values: {} }
    : { set: 'backorderShard = :backorderShard', values: { ':backorderShard': shard } };
}
