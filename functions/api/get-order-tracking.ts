import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getCarrierServices, listLocations } from '../data/config-repository.js';
import { getOrder } from '../data/orders-repository.js';
import { listFulfillmentOrders, listSharedFulfillmentOrders } from '../data/routing-repository.js';
import { NotFoundError } from '../domain/errors.js';
import { toTrackingView, type TrackedFulfillmentOrder } from '../domain/fulfillment/tracking.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { authorizeResource } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * GET /v1/orders/{orderId}/tracking: what the customer sees (status, parcels and tracking links,
 * the projected delivery date, the pick-up); a channel's client reads its own orders only. The
 * projection is computed now from the fulfillment orders, so it is as fresh as they are.
 */
export async function getOrderTracking(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const orderId = pathParameter(event, 'orderId');
    const [order, own, locations, services] = await Promise.all([
      getOrder(orderId),
      listFulfillmentOrders(orderId),
      listLocations(),
      getCarrierServices(),
    ]);
    if (!order) throw new NotFoundError(`There is no order "${orderId}".`);
    authorizeResource(event, { channelIds: [order.channelId] });
    const shared = await listSharedFulfillmentOrders(orderId, order.mergedWith ?? []);
    const fulfillmentOrders = [...own, ...shared] as unknown as TrackedFulfillmentOrder[];
    const now = new Date().toISOString();
    return json(
      200,
      toTrackingView({ order, fulfillmentOrders, locations, ...(services && { services }), now }),
    );
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(getOrderTracking);
