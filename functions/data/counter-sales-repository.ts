import type { FulfillmentOrderState } from '../domain/fulfillment/model.js';
import type { Order } from '../domain/order.js';
import { createOrder, type ChannelOrderKey, type ReceivedPayload } from './orders-repository.js';
import { fulfillmentOrderKey } from './routing-repository.js';

/**
 * Writes a till receipt's order (functions/domain/inventory/counter-sale.ts) with its collected
 * fulfillment order and the receipt as received, in the one transaction that creates any order
 * on condition of its key at the channel: an upload sent again creates nothing. The fulfillment
 * order is done, so it gets no work-queue or open-work attribute: no location is asked for it.
 */
export async function createCounterSaleOrder(
  order: Order,
  fulfillmentOrder: FulfillmentOrderState,
  received: Omit<ReceivedPayload, 'deliveryId'>,
): Promise<{ created: true } | { created: false; existing: ChannelOrderKey }> {
  const result = await createOrder(order, received, [
    {
      ...fulfillmentOrderKey(order.orderId, fulfillmentOrder.fulfillmentOrderId),
      entityType: 'FulfillmentOrder',
      ...fulfillmentOrder,
    },
  ]);
  // Without a delivery id the receipt's key is the only one that can exist already.
  if (!result.created && 'redelivery' in result)
    throw new Error(`Order ${order.orderId} met a delivery key.`);
  return result;
}
