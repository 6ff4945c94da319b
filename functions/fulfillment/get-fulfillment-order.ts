import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.js';
import { locationsOf } from '../domain/fulfillment/progress.js';
import { toFulfillmentOrderView } from '../domain/fulfillment/view.js';
import { getFulfillmentOrderById, getOrdersById } from '../data/fulfillment-repository.js';
import { authorizeResource } from '../shared/access.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * GET /v1/fulfillment-orders/{fulfillmentOrderId}: one fulfillment order with its lines, goods,
 * customer, packages, shipments and history. A store sees it when it is its own or goes to it
 * (a transfer's pick-up store); a PENDING one is not work yet, so it does not exist for anyone.
 */
export async function getFulfillmentOrder(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const fulfillmentOrderId = pathParameter(event, 'fulfillmentOrderId');
    const fo = await getFulfillmentOrderById(fulfillmentOrderId);
    if (!fo || fo.status === 'PENDING')
      throw new NotFoundError(`There is no fulfillment order "${fulfillmentOrderId}".`);
    authorizeAtAnyOf(event, locationsOf(fo));
    return json(200, toFulfillmentOrderView(fo, await getOrdersById([fo.orderId])));
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

/** Allowed when the caller may act at one of the locations; the last refusal is the answer. */
function authorizeAtAnyOf(event: APIGatewayProxyEventV2, locationIds: readonly string[]): void {
  let refusal: unknown;
  for (const locationId of locationIds) {
    try {
      authorizeResource(event, { locationIds: [locationId] });
      return;
    } catch (error) {
      refusal = error;
    }
  }
  throw refusal;
}

export const handler = withApiAccess(getFulfillmentOrder);
