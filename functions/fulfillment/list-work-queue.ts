import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotFoundError } from '../domain/errors.js';
import { toFulfillmentOrderView, WorkQueueQuery } from '../domain/fulfillment/view.js';
import { parseOrThrow } from '../domain/validation.js';
import { getOrdersById, listWorkQueue } from '../data/fulfillment-repository.js';
import { locationExists } from '../data/products-repository.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * GET /v1/locations/{locationId}/fulfillment-orders?status&limit&cursor: the location's work in
 * one status (default CREATED), oldest first, paged; a transfer is listed at its pick-up store
 * once it has left. The location is checked from the path before this runs.
 * `?statuses=A,B` answers several statuses at once, each its first `limit`, status by status,
 * with `nextCursors` for the statuses that have more: a phone's queue in one round trip.
 */
export async function getWorkQueue(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const locationId = pathParameter(event, 'locationId');
    const query = parseOrThrow(WorkQueueQuery, event.queryStringParameters ?? {}, 'query');
    if (!(await locationExists(locationId))) throw new NotFoundError(`There is no location "${locationId}".`);
    if (query.statuses) {
      const pages = await Promise.all(
        query.statuses.map((status) => listWorkQueue(locationId, status, { limit: query.limit })),
      );
      const items = pages.flatMap((page) => page.items);
      const orders = await getOrdersById(items.map((fo) => fo.orderId));
      const nextCursors = Object.fromEntries(
        query.statuses.flatMap((status, index) => {
          const nextCursor = pages[index]!.nextCursor;
          return nextCursor ? [[status, nextCursor]] : [];
        }),
      );
      return json(200, {
        locationId,
        statuses: query.statuses,
        items: items.map((fo) => toFulfillmentOrderView(fo, orders)),
        ...(Object.keys(nextCursors).length > 0 && { nextCursors }),
      });
    }
    const page = await listWorkQueue(locationId, query.status, query);
    const orders = await getOrdersById(page.items.map((fo) => fo.orderId));
    return json(200, {
      locationId,
      status: query.status,
      items: page.items.map((fo) => toFulfillmentOrderView(fo, orders)),
      ...(page.nextCursor && { nextCursor: page.nextCursor }),
    });
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(getWorkQueue);
