import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ReplenishmentQuery } from '../domain/inventory/queries.js';
import { parseOrThrow } from '../domain/validation.js';
import { listReplenishmentSuggestions } from '../data/inventory-repository.js';
import { errorResponse, json, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/** GET /v1/replenishment/suggestions?vendorId: suggested purchase orders, one per vendor. */
export async function getReplenishmentSuggestions(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const query = parseOrThrow(ReplenishmentQuery, event.queryStringParameters ?? {}, 'query');
    return json(200, { suggestions: await listReplenishmentSuggestions(query.vendorId) });
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(getReplenishmentSuggestions);
