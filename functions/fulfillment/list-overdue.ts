import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { listOverdueFulfillmentOrders } from '../data/fulfillment-sla-repository.js';
import { OverdueQuery } from '../domain/fulfillment/sla.js';
import { parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, type HttpResponse } from '../shared/http.js';
import { withApiAccess } from '../shared/middleware.js';

/**
 * GET /v1/fulfillment-orders?overdue=true&limit&cursor: open work whose due-by has passed, the
 * most overdue first, for ops to chase (docs/runbook.md, "Overdue fulfillment").
 */
export async function listOverdue(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const query = parseOrThrow(OverdueQuery, event.queryStringParameters ?? {}, 'query');
    const now = new Date().toISOString();
    const page = await listOverdueFulfillmentOrders({
      now,
      limit: query.limit,
      ...(query.cursor !== undefined && { cursor: query.cursor }),
    });
    return json(200, { asOf: now, ...page });
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(listOverdue);
