import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getOrder } from '../data/orders-repository.js';
import { NotFoundError } from '../domain/errors.js';
import { toOrderView } from '../domain/order-view.js';
import { errorResponse, json, type HttpResponse } from '../shared/http.js';
import { withObservability } from '../shared/middleware.js';

/** GET /v1/orders/{orderId}: the order as customer service and channels see it. */
export async function getOrderById(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const orderId = event.pathParameters?.orderId ?? '';
    const order = await getOrder(orderId);
    if (!order) throw new NotFoundError(`There is no order "${orderId}".`);
    return json(200, toOrderView(order));
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withObservability(getOrderById);
