import type { OrderStatus } from '../order.js';
import type { StockLevel } from '../stock.js';
import type { PlannedLine, RoutingPlan, UnplacedLine, UnplacedReason } from './model.js';
import type { FulfillmentOrder } from './routing-input.js';

/**
 * Retrying a PARTIALLY_ROUTED order when stock arrives, as a BACKORDERED one is: only its
 * unplaced lines are routed again, so the lines already placed are neither decided nor reserved
 * twice; the fulfillment orders they have stay as they are.
 */

/** Why a line waits that arriving stock can change; reviews and vendors wait for other things, pre-orders for their date. */
const WAITING_FOR_STOCK: readonly UnplacedReason[] = [
  'insufficient_stock',
  'split_policy',
  'no_eligible_location',
];

/**
 * The unplaced lines a retry routes again: those waiting for stock, and the pre-order lines of
 * SKUs that `released` says may ship now (their release date has come, rerouting.ts isReleased).
 */
export function linesAwaitingStock(
  unplaced: readonly UnplacedLine[] = [],
  released: (sku: string) => boolean = () => false,
): PlannedLine[] {
  return unplaced
    .filter(
      (line) => WAITING_FOR_STOCK.includes(line.reason) || (line.reason === 'preorder' && released(line.sku)),
    )
    .map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity }));
}

/**
 * The stock a retry may take: none of a SKU at a location where the order already holds that
 * SKU. A reservation is one marker per (sku, location, order), held by a fulfillment order that
 * a rejection releases whole; a second one there could not be told apart from the first.
 */
export function stockForRetry(
  levels: readonly StockLevel[],
  fulfillmentOrders: readonly FulfillmentOrder[],
): StockLevel[] {
  // Any fulfillment order a location still works on holds its marker, not only a new one.
  const held = new Set(
    fulfillmentOrders
      .filter((fo) => fo.status !== 'REJECTED' && fo.status !== 'PENDING' && fo.kind !== 'dropship')
      .filter((fo) => !['CANCELED', 'SHIPPED', 'DELIVERED', 'PICKED_UP'].includes(fo.status as string))
      .flatMap((fo) => fo.lines.map((line) => `${line.sku}|${fo.locationId}`)),
  );
  return levels.filter((level) => !held.has(`${level.sku}|${level.locationId}`));
}

/** With the placed lines still on their way, the order is ROUTED once nothing is left unplaced. */
export function statusAfterRetry(plan: Pick<RoutingPlan, 'unplaced'>): OrderStatus {
  return plan.unplaced.length === 0 ? 'ROUTED' : 'PARTIALLY_ROUTED';
}
