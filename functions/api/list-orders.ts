import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { findOrders } from '../data/order-search-repository.js';
import { OrderSearchQuery, searchWindow } from '../domain/order-search.js';
import { parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * GET /v1/orders?status&channelId&customer&placedFrom&placedTo&cursor&limit: order summaries,
 * newest first, placed within a bounded window (the last 30 days unless asked otherwise), for
 * customer service and ops to find an order (docs/api.md, "Finding orders").
 */
export async function listOrders(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const query = parseOrThrow(OrderSearchQuery, event.queryStringParameters ?? {}, 'query');
    const page = await findOrders({
      window: searchWindow(query, new Date().toISOString()),
      limit: query.limit,
      ...(query.status !== undefined && { status: query.status }),
      ...(query.channelId !== undefined && { channelId: query.channelId }),
      ...(query.customer !== undefined && { customerKey: query.customer }),
      ...(query.cursor !== undefined && { cursor: query.cursor }),
    });
    return json(200, page);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(listOrders);
