import type { OrderStatus } from '../order.js';
import { PICKUP_KINDS, type FulfillmentOrderState } from './model.js';

/**
 * The order's status once its fulfillment orders are being worked, derived from them and never
 * set by hand, so it can not contradict them. Until a location starts, the router's status
 * stands (ROUTED, PARTIALLY_ROUTED, BACKORDERED, ...). These statuses join ORDER_STATUSES in
 * functions/domain/order.ts when the fulfillment API is wired.
 */
export const FULFILLMENT_ORDER_STATUSES = [
  'IN_FULFILLMENT',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'READY_FOR_PICKUP',
  'DELIVERED',
  'COMPLETED',
] as const;
export type FulfillmentOrderStatus = (typeof FULFILLMENT_ORDER_STATUSES)[number];
export type DerivedOrderStatus = OrderStatus | FulfillmentOrderStatus;

/**
 * The detail-type published when an order enters a derived status. READY_FOR_PICKUP has none of
 * its own: the fulfillment order's OrderReadyForPickup announces it, with the pick-up code.
 */
export const FULFILLMENT_STATUS_EVENTS: Partial<Record<FulfillmentOrderStatus, string>> = {
  IN_FULFILLMENT: 'OrderInFulfillment',
  PARTIALLY_SHIPPED: 'OrderPartiallyShipped',
  SHIPPED: 'OrderShipped',
  DELIVERED: 'OrderDelivered',
  COMPLETED: 'OrderCompleted',
};

/**
 * Where one fulfillment order stands from the customer's point of view. Goods delivered to the
 * door and goods collected at a store are both with the customer, but only the first were shipped.
 */
export type CustomerStage =
  'not_started' | 'in_progress' | 'partially_shipped' | 'shipped' | 'ready' | 'delivered' | 'collected';

export function customerStage(fo: FulfillmentOrderState): CustomerStage {
  const toStore = PICKUP_KINDS.includes(fo.kind);
  switch (fo.status) {
    case 'PENDING':
    case 'CREATED':
      return 'not_started';
    case 'ACCEPTED':
    case 'PICKED':
    case 'PACKED':
      return 'in_progress';
    case 'PARTIALLY_SHIPPED':
      return toStore ? 'in_progress' : 'partially_shipped';
    case 'SHIPPED':
    case 'IN_TRANSIT':
      return toStore ? 'in_progress' : 'shipped';
    case 'READY_FOR_PICKUP':
      return 'ready';
    case 'DELIVERED':
      return 'delivered';
    case 'PICKED_UP':
      return 'collected';
    case 'REJECTED':
    case 'CANCELED':
      return 'not_started';
  }
}

export interface OrderStatusInput {
  /** The status the router left: whether every line is placed, waiting, or canceled. */
  routerStatus: OrderStatus;
  fulfillmentOrders: readonly FulfillmentOrderState[];
  /**
   * An order is COMPLETED once everything is with the customer and the return window has
   * closed; without a window it stays DELIVERED.
   */
  returnWindow?: { days: number; now: string };
}

/**
 * Rules, first match wins:
 * - canceled by the router, or every fulfillment order canceled → CANCELED;
 * - nothing started (or all rejected, waiting for the router) → the router's status;
 * - some lines still unplaced: PARTIALLY_SHIPPED if anything shipped, else IN_FULFILLMENT;
 * - everything with the customer → DELIVERED, then COMPLETED after the return window;
 * - everything shipped, waiting at a store or with the customer → READY_FOR_PICKUP if anything
 *   waits, else SHIPPED;
 * - anything shipped to the customer → PARTIALLY_SHIPPED; otherwise IN_FULFILLMENT. Goods
 *   collected at a store were never shipped, so they alone do not make an order PARTIALLY_SHIPPED.
 */
export function deriveOrderStatus(input: OrderStatusInput): DerivedOrderStatus {
  const { routerStatus, fulfillmentOrders } = input;
  if (routerStatus === 'CANCELED') return 'CANCELED';
  const active = fulfillmentOrders.filter((fo) => fo.status !== 'REJECTED' && fo.status !== 'CANCELED');
  if (active.length === 0) {
    const allCanceled =
      fulfillmentOrders.length > 0 && fulfillmentOrders.every((fo) => fo.status === 'CANCELED');
    return allCanceled && routerStatus === 'ROUTED' ? 'CANCELED' : routerStatus;
  }
  const stages = active.map(customerStage);
  if (stages.every((stage) => stage === 'not_started')) return routerStatus;
  const someShipped = stages.some((stage) => SHIPPED_STAGES.includes(stage));
  if (routerStatus !== 'ROUTED') return someShipped ? 'PARTIALLY_SHIPPED' : 'IN_FULFILLMENT';
  if (stages.every((stage) => WITH_CUSTOMER_STAGES.includes(stage)))
    return deliveredOrCompleted(active, input.returnWindow);
  if (
    stages.every((stage) => stage === 'shipped' || stage === 'ready' || WITH_CUSTOMER_STAGES.includes(stage))
  )
    return stages.includes('ready') ? 'READY_FOR_PICKUP' : 'SHIPPED';
  return someShipped ? 'PARTIALLY_SHIPPED' : 'IN_FULFILLMENT';
}

/** When the last of a fulfillment order's goods reached the customer. */
function handedOverAt(fo: FulfillmentOrderState): number {
  const times = [fo.pickedUpAt, ...fo.shipments.map((shipment) => shipment.deliveredAt)];
  return Math.max(...times.filter((time): time is string => time !== undefined).map(Date.parse));
}

/** Stages in which goods are on their way to, or at, the customer's door. */
const SHIPPED_STAGES: readonly CustomerStage[] = ['partially_shipped', 'shipped', 'delivered'];
const WITH_CUSTOMER_STAGES: readonly CustomerStage[] = ['delivered', 'collected'];

function deliveredOrCompleted(
  active: readonly FulfillmentOrderState[],
  window: OrderStatusInput['returnWindow'],
): DerivedOrderStatus {
  if (!window) return 'DELIVERED';
  const lastHandOver = Math.max(...active.map(handedOverAt));
  const closes = lastHandOver + window.days * 86_400_000;
  return Date.parse(window.now) >= closes ? 'COMPLETED' : 'DELIVERED';
}
