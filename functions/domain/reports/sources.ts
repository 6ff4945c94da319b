import type { FulfillmentOrderState } from '../fulfillment/model.js';

/**
 * A fulfillment order as the Orders stream carries it: the lifecycle state, plus what the router
 * recorded with it. The router's first write has no shipments yet, hence the optional fields.
 */
export type StoredFulfillmentOrderLike = Pick<
  FulfillmentOrderState,
  'fulfillmentOrderId' | 'orderId' | 'locationId' | 'kind' | 'status' | 'createdAt' | 'pickedUpAt'
> & {
  lines: readonly { lineId: string; sku: string; quantity: number; orderId?: string }[];
  shipments?: FulfillmentOrderState['shipments'];
  updatedAt?: string;
  distanceKm?: number;
  promisedBy?: string;
  dueBy?: string;
};
