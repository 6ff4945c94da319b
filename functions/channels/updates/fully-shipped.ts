import type { ShipmentEvent } from './events.js';

/**
 * Statuses of an order all of whose goods have left (functions/domain/fulfillment/order-status.ts
 * derives them from the fulfillment orders; FULFILLED is the router-era name).
 */
const ALL_SHIPPED = new Set(['SHIPPED', 'DELIVERED', 'COMPLETED', 'FULFILLED']);

/** What of the OMS order this needs; the status is a string, as statuses keep being added. */
export interface OrderProgress {
  status: string;
  lines: { lineId: string; quantity: number }[];
}

/**
 * Whether the OMS order has shipped in full with this shipment: its derived status says so, or
 * this one shipment carries every unit of every line (the order's status may be written after
 * the event that announced the shipment).
 */
export async function isFullyShipped(
  getOrder: (orderId: string) => Promise<OrderProgress | undefined>,
  event: ShipmentEvent,
): Promise<boolean> {
  const order = await getOrder(event.orderId);
  if (!order) return false;
  if (ALL_SHIPPED.has(order.status)) return true;
  const shipped = new Map<string, number>();
  for (const line of event.shipment.lines)
    shipped.set(line.lineId, (shipped.get(line.lineId) ?? 0) + line.quantity);
  return order.lines.every((line) => (shipped.get(line.lineId) ?? 0) >= line.quantity);
}
