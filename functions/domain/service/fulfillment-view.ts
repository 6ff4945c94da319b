import { PICKUP_KINDS, startFulfillment, type FulfillmentOrderState } from '../fulfillment/model.js';
import type { FulfillmentOrder } from '../routing/routing-input.js';

/**
 * A stored fulfillment order as its lifecycle state. The router writes the bare record (status
 * CREATED or REJECTED); the fulfillment API adds the per-line counts, packages and shipments.
 * Reading both the same way lets customer service act on work whatever stage it is at.
 */
export function lifecycleOf(record: FulfillmentOrder | FulfillmentOrderState): FulfillmentOrderState {
  if ('packages' in record && Array.isArray(record.packages)) return record;
  return startFulfillment(record as FulfillmentOrder);
}

/** Whether a fulfillment order line belongs to the order (merged fulfillment orders hold several). */
export const belongsTo = (fo: FulfillmentOrderState, line: { orderId?: string }, orderId: string) =>
  (line.orderId ?? fo.orderId) === orderId;

export interface HandedOver {
  lineId: string;
  quantity: number;
  /** The latest time one of these units reached the customer. */
  at: string;
}

/**
 * Units of the order that reached the customer, per line: delivered by a carrier, or collected
 * at a store. These are the units a return may take back.
 */
export function handedOver(
  orderId: string,
  fulfillmentOrders: readonly FulfillmentOrderState[],
): HandedOver[] {
  const byLine = new Map<string, HandedOver>();
  const add = (lineId: string, quantity: number, at: string) => {
    const entry = byLine.get(lineId) ?? { lineId, quantity: 0, at };
    entry.quantity += quantity;
    if (at > entry.at) entry.at = at;
    byLine.set(lineId, entry);
  };
  for (const fo of fulfillmentOrders) {
    const ours = new Set(fo.lines.filter((line) => belongsTo(fo, line, orderId)).map((line) => line.lineId));
    if (PICKUP_KINDS.includes(fo.kind)) {
      if (fo.status !== 'PICKED_UP') continue;
      for (const line of fo.lines)
        if (ours.has(line.lineId)) add(line.lineId, line.shipped, fo.pickedUpAt ?? fo.updatedAt);
      continue;
    }
    for (const shipment of fo.shipments) {
      if (shipment.status !== 'DELIVERED') continue;
      for (const line of shipment.lines)
        if (ours.has(line.lineId))
          add(line.lineId, line.quantity, shipment.deliveredAt ?? shipment.shippedAt);
    }
  }
  return [...byLine.values()];
}
