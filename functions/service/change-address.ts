import { ConflictError, NotFoundError } from '../domain/errors.js';
import {
  assertAddressMayChange,
  fulfillmentOrdersToReroute,
  unstartedToTheAddress,
} from '../domain/service/address.js';
import { lifecycleOf } from '../domain/service/fulfillment-view.js';
import type { AddressChange, ChangedBy, ShippingAddressBody } from '../domain/service/records.js';
import { MAX_ATTEMPTS, type ServiceDeps } from './deps.js';

/**
 * Changes an order's shipping address:
 * 1. loads the order and its fulfillment orders (404);
 * 2. decides which unstarted work should move (address.ts: 409 once anything has shipped);
 * 3. stores the address and the change record with the order's version moved on; the outbox
 *    announces OrderShippingAddressChanged, and asks the router to place each listed fulfillment
 *    order again (FulfillmentOrderRerouteRequested, on the routing queue like a rejection).
 */
export async function changeShippingAddress(
  deps: ServiceDeps,
  orderId: string,
  body: ShippingAddressBody,
  by: ChangedBy,
): Promise<AddressChange> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const aggregate = await deps.getOrderAggregate(orderId);
    if (!aggregate) throw new NotFoundError(`There is no order "${orderId}".`);
    const { order } = aggregate;
    const fulfillmentOrders = aggregate.fulfillmentOrders.map(lifecycleOf);
    const skus = [...new Set(order.lines.map((line) => line.sku))];
    const now = deps.now().toISOString();
    assertAddressMayChange(order, fulfillmentOrders);
    // The rules and stock are read only when there is unstarted work that could move.
    const rerouted =
      unstartedToTheAddress(order, fulfillmentOrders).length === 0
        ? []
        : fulfillmentOrdersToReroute({
            order,
            address: body.address,
            fulfillmentOrders,
            ...(await deps.routingSources(skus)),
            now,
          });
    const change: AddressChange = {
      changeId: deps.newId(),
      orderId,
      channelId: order.channelId,
      externalId: order.externalId,
      ...(order.shippingAddress && { previous: order.shippingAddress }),
      address: body.address,
      ...(body.reason !== undefined && { reason: body.reason }),
      rerouted: rerouted.map(({ fulfillmentOrderId, locationId }) => ({ fulfillmentOrderId, locationId })),
      changedAt: now,
      by,
    };
    const result = await deps.commitServiceChange({
      order,
      now,
      orderUpdate: { shippingAddress: body.address },
      addressChange: change,
    });
    if (result === 'ok') return change;
  }
  throw new ConflictError(`Order ${orderId} kept changing; try again.`);
}
