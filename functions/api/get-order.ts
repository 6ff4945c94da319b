import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getOrder } from '../data/orders-repository.js';
import { listFulfillmentOrders, listSharedFulfillmentOrders } from '../data/routing-repository.js';
import { listServiceRecords } from '../data/service-repository.js';
import { NotFoundError } from '../domain/errors.js';
import { toOrderView } from '../domain/order-view.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { authorizeResource } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * GET /v1/orders/{orderId}: the order, where each line went and why, its cancellations, returns
 * and refunds; a channel's client sees its own.
 */
export async function getOrderById(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const orderId = pathParameter(event, 'orderId');
    const [order, own] = await Promise.all([getOrder(orderId), listFulfillmentOrders(orderId)]);
    if (!order) throw new NotFoundError(`There is no order "${orderId}".`);
    authorizeResource(event, { channelIds: [order.channelId] });
    const [shared, service] = await Promise.all([
      listSharedFulfillmentOrders(orderId, order.mergedWith ?? []),
      listServiceRecords(orderId),
    ]);
    return json(200, toOrderView(order, [...own, ...shared], service));
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(getOrderById);
