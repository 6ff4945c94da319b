import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorResponse, json, pathParameter, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';
import { readSkuInventory } from './read-inventory.js';

/** GET /v1/inventory/{sku}: stock per location, network totals and availability per channel. */
export async function getSkuInventory(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    return json(200, await readSkuInventory(pathParameter(event, 'sku')));
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(getSkuInventory);
