import type { Order } from '../domain/order.js';

/**
 * Strips the table's own attributes so that callers see the domain record only. Kept apart from
 * the repository so that the stream outbox, which gets items from stream records, does not load
 * the DynamoDB client.
 */
export function toOrder(item: Record<string, unknown>): Order {
  const { pk: _pk, sk: _sk, entityType: _entityType, ...order } = item;
  return order as unknown as Order;
}
