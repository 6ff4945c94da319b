import type { Order } from '../order.js';
import type { RoutingOrder } from './model.js';
import { toRoutingOrder, type FulfillmentOrder } from './routing-input.js';

/**
 * Merging: not-yet-routed orders of one customer to one address are routed as one order, so
 * that the customer gets one parcel and the location packs once. The engine is not told: it
 * routes one order whose lines are every merged order's lines, their ids prefixed with their
 * order's id (`<orderId>:<lineId>`), and the fulfillment orders it plans are split back per
 * order line here.
 */

const SEPARATOR = ':';

/** The same place for a courier: case, spacing and postal-code punctuation do not matter. */
export function addressKey(order: Order): string | undefined {
  const address = order.shippingAddress;
  if (!address) return undefined;
  const normalize = (text: string | undefined) => (text ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  const postalCode = normalize(address.postalCode).replace(/[\s-]/g, '');
  return [normalize(address.line1), postalCode, address.country.toUpperCase()].join('|');
}

/**
 * Whether `other` may be routed together with `order`: same customer (whatever the channel),
 * shipped to the same address in the same currency, still RECEIVED, placed within the window.
 */
export function canMergeWith(order: Order, other: Order, windowMinutes: number): boolean {
  if (other.orderId === order.orderId || other.status !== 'RECEIVED') return false;
  if (order.fulfillment.type !== 'ship' || other.fulfillment.type !== 'ship') return false;
  if (order.customerKey === undefined || other.customerKey !== order.customerKey) return false;
  if (other.currency !== order.currency) return false;
  const key = addressKey(order);
  if (key === undefined || addressKey(other) !== key) return false;
  const apartMs = Math.abs(Date.parse(other.placedAt) - Date.parse(order.placedAt));
  return apartMs <= windowMinutes * 60_000;
}

/** One routing order holding every merged order's lines; the first order gives the rest. */
export function mergedRoutingOrder(order: Order, others: readonly Order[]): RoutingOrder {
  const parts = [order, ...others].map((each) => ({ orderId: each.orderId, routing: toRoutingOrder(each) }));
  const first = parts[0]!.routing;
  return {
    ...first,
    lines: parts.flatMap(({ orderId, routing }) =>
      routing.lines.map((line) => ({ ...line, lineId: `${orderId}${SEPARATOR}${line.lineId}` })),
    ),
    value: parts.reduce((sum, { routing }) => sum + routing.value, 0),
    tags: [...new Set(parts.flatMap(({ routing }) => routing.tags))],
    ...(parts.some(({ routing }) => routing.skuAttributes) && {
      skuAttributes: Object.assign({}, ...parts.map(({ routing }) => routing.skuAttributes ?? {})),
    }),
  };
}

/**
 * The fulfillment orders of a merged plan as stored: each line back to its own order's line id,
 * with the order it belongs to, and the ids of every merged order on the fulfillment order.
 */
export function splitMergedLines(
  fulfillmentOrders: readonly FulfillmentOrder[],
  mergedOrderIds: readonly string[],
): FulfillmentOrder[] {
  return fulfillmentOrders.map((fo) => ({
    ...fo,
    lines: fo.lines.map((line) => {
      const at = line.lineId.indexOf(SEPARATOR);
      return { ...line, orderId: line.lineId.slice(0, at), lineId: line.lineId.slice(at + 1) };
    }),
    mergedOrderIds: [...mergedOrderIds],
  }));
}

/** The decision line that says why the orders travel together. */
export function mergeDecision(order: Order, others: readonly Order[], windowMinutes: number): string {
  const ids = others.map((other) => other.orderId).join(', ');
  return (
    `Merged with ${ids} (same customer and shipping address, placed within ${windowMinutes} minutes of ` +
    `${order.orderId}): their lines were routed as one order.`
  );
}
