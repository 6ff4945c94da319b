import { randomInt } from 'node:crypto';
import { ulid } from 'ulid';
import type { Actor } from '../domain/access.js';
import { applyFulfillmentAction, type FulfillmentAction } from '../domain/fulfillment/machine.js';
import type { FulfillmentOrderState } from '../domain/fulfillment/model.js';
import { actingLocationOf } from '../domain/fulfillment/progress.js';
import { toFulfillmentOrderView, type FulfillmentOrderView } from '../domain/fulfillment/view.js';
import { changeFulfillmentOrder } from '../data/fulfillment-changes.js';
import { getOrdersById } from '../data/fulfillment-repository.js';
import { acceptedCancelRecords } from './cancel-records.js';

export interface ActionCaller {
  actor: Actor;
  /** Throws ForbiddenError when the caller may not act at the location. */
  mayActAt: (locationId: string) => void;
}

/** States in which goods travelling to a pick-up store are there, or with the customer. */
const ARRIVED: readonly FulfillmentOrderState['status'][] = [
  'READY_FOR_PICKUP',
  'PICKED_UP',
  'CANCELED',
  'REJECTED',
];

/**
 * One fulfillment action, as a location (or its WMS) sends it:
 * 1. reads the fulfillment order and checks that the caller acts at the location the action is
 *    taken at (the pick-up store for `receive` and `picked-up`, else the fulfillment order's own);
 * 2. lets the state machine decide (409 out of order, naming the state; 400 for bad input), with
 *    the transfers still travelling to the store for `ready-for-pickup`;
 * 3. commits the new state with its stock, order status and events at once, the actor on its
 *    history (functions/data/fulfillment-changes.ts), and answers the fulfillment order as now;
 *    an accepted cancel request commits its cancellation and refund with it (cancel-records.ts).
 */
export async function performFulfillmentAction(
  fulfillmentOrderId: string,
  action: FulfillmentAction,
  body: unknown,
  caller: ActionCaller,
  now: () => string = () => new Date().toISOString(),
): Promise<FulfillmentOrderView> {
  const { fulfillmentOrder } = await changeFulfillmentOrder({
    fulfillmentOrderId,
    action,
    check: (fo) => caller.mayActAt(actingLocationOf(fo, action)),
    decide: (fo, siblings) =>
      applyFulfillmentAction(fo, action, body, {
        now: now(),
        newId: ulid,
        random: () => randomInt(0, 1_000_000) / 1_000_000,
        pendingInboundTransfers: siblings.filter(
          (other) =>
            (other.kind === 'transfer' || other.kind === 'ship_to_store') &&
            other.transferTo === fo.locationId &&
            !ARRIVED.includes(other.status),
        ).length,
      }),
    ...(action === 'accept-cancel' && { recordsFor: acceptedCancelRecords(caller.actor, now) }),
    actor: caller.actor,
    now,
  });
  const orders = await getOrdersById([fulfillmentOrder.orderId]);
  return toFulfillmentOrderView(fulfillmentOrder, orders);
}
