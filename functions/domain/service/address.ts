import { ConflictError } from '../errors.js';
import type { FulfillmentOrderState } from '../fulfillment/model.js';
import { reservedOf } from '../fulfillment/model.js';
import type { Location } from '../location.js';
import type { Address, Order } from '../order.js';
import { decide, type Product, type RuleSet } from '../routing/index.js';
import { buildRoutingInput } from '../routing/routing-input.js';
import type { StockLevel } from '../stock.js';
import { belongsTo } from './fulfillment-view.js';

/** Work of these kinds travels to the customer's address; the others go to a store. */
const TO_THE_ADDRESS = ['ship', 'dropship'];

/** 409 when the order is canceled or any of its units has shipped or was collected. */
export function assertAddressMayChange(
  order: Order,
  fulfillmentOrders: readonly FulfillmentOrderState[],
): void {
  if (order.status === 'CANCELED') throw new ConflictError(`Order ${order.orderId} is canceled.`);
  const shipped = fulfillmentOrders.filter((fo) =>
    fo.lines.some((line) => belongsTo(fo, line, order.orderId) && line.shipped > 0),
  );
  if (shipped.length > 0) {
    throw new ConflictError('Some of the order has shipped already: its address can not change any more.', {
      fulfillmentOrderIds: shipped.map((fo) => fo.fulfillmentOrderId),
      hint: 'Ask the carrier to redirect the parcel, or return the goods once delivered.',
    });
  }
}

/** The work no location has started that travels to the customer's address. */
export function unstartedToTheAddress(
  order: Order,
  fulfillmentOrders: readonly FulfillmentOrderState[],
): FulfillmentOrderState[] {
  if (order.fulfillment.type !== 'ship') return [];
  return fulfillmentOrders.filter(
    (fo) => fo.status === 'CREATED' && TO_THE_ADDRESS.includes(fo.kind) && fo.orderId === order.orderId,
  );
}

/**
 * Whether a new shipping address may be taken, and which unstarted work should move:
 * 1. a canceled order, or one with any unit already shipped or collected, keeps its address (409);
 * 2. for the fulfillment orders no location has started that travel to the address, the order is
 *    routed again on paper with the new address (the active rules, today's stock with the
 *    order's own reservations given back), and every one whose lines would now go elsewhere is
 *    listed: the router places them again (through its rejection path, so from another location).
 */
export function fulfillmentOrdersToReroute(args: {
  order: Order;
  address: Address;
  fulfillmentOrders: readonly FulfillmentOrderState[];
  ruleSet: RuleSet;
  locations: readonly Location[];
  products: Record<string, Product>;
  stockLevels: readonly StockLevel[];
  now: string;
}): FulfillmentOrderState[] {
  const { order } = args;
  assertAddressMayChange(order, args.fulfillmentOrders);
  const unstarted = unstartedToTheAddress(order, args.fulfillmentOrders);
  if (unstarted.length === 0) return [];
  const held = new Map<string, number>();
  for (const fo of unstarted)
    for (const line of fo.lines)
      held.set(
        `${line.sku}|${fo.locationId}`,
        (held.get(`${line.sku}|${fo.locationId}`) ?? 0) + reservedOf(line),
      );
  const stockLevels = args.stockLevels.map((level) => {
    const own = held.get(`${level.sku}|${level.locationId}`) ?? 0;
    return own === 0 ? level : { ...level, reserved: level.reserved - own, available: level.available + own };
  });
  const plan = decide(
    buildRoutingInput({
      order: { ...order, shippingAddress: args.address },
      locations: args.locations,
      stockLevels,
      products: args.products,
      ruleSet: args.ruleSet,
      now: args.now,
      lines: unstarted.flatMap((fo) =>
        fo.lines.map((line) => ({ lineId: line.lineId, sku: line.sku, quantity: reservedOf(line) })),
      ),
    }),
  );
  const placedAt = (lineId: string) =>
    new Set(
      plan.fulfillmentOrders
        .filter((fo) => fo.lines.some((line) => line.lineId === lineId))
        .map((fo) => fo.locationId),
    );
  return unstarted.filter((fo) =>
    fo.lines.some((line) => {
      const locations = placedAt(line.lineId);
      // A line the new plan can not place anywhere stays where its stock is already held.
      return locations.size > 0 && !locations.has(fo.locationId);
    }),
  );
}
