import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LocationInventoryQuery } from '../domain/inventory/queries.js';
import { NotFoundError } from '../domain/errors.js';
import { parseOrThrow } from '../domain/validation.js';
import { listLocationStock } from '../data/inventory-repository.js';
import { locationExists } from '../data/products-repository.js';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/** GET /v1/locations/{locationId}/inventory?limit&cursor: the location's stock, SKU by SKU, paged. */
export async function getLocationInventory(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const locationId = pathParameter(event, 'locationId');
    const query = parseOrThrow(LocationInventoryQuery, event.queryStringParameters ?? {}, 'query');
    if (!(await locationExists(locationId))) throw new NotFoundError(`There is no location "${locationId}".`);
    const page = await listLocationStock(locationId, query);
    return json(200, { locationId, ...page });
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(getLocationInventory);
