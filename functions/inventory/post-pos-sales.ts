import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { posSaleMovements, PosSaleBatch } from '../domain/inventory/movement.js';
import { NotFoundError } from '../domain/errors.js';
import { parseOrThrow } from '../domain/validation.js';
import { locationExists } from '../data/products-repository.js';
import { errorResponse, json, jsonBodyOf, pathParameter, type HttpResponse } from '../shared/http.js';
import { actorFrom } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';
import { recordPosSales } from './record-movement.js';

/**
 * POST /v1/locations/{locationId}/pos-sales: the sales a register made, possibly while offline,
 * with their original times. 200 with one result per sale; sending the batch again is safe.
 */
export async function postPosSales(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const locationId = pathParameter(event, 'locationId');
    const batch = parseOrThrow(PosSaleBatch, jsonBodyOf(event), 'POS sale batch');
    if (!(await locationExists(locationId))) throw new NotFoundError(`There is no location "${locationId}".`);
    const sales = posSaleMovements(locationId, batch);
    const results = await recordPosSales(sales, actorFrom(event), () => new Date().toISOString());
    return json(200, {
      locationId,
      recorded: results.filter((result) => result.status === 'recorded').length,
      duplicates: results.filter((result) => result.status === 'duplicate').length,
      oversold: results.filter((result) => 'oversold' in result && result.oversold).length,
      rejected: results.filter((result) => result.status === 'rejected').length,
      results,
    });
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(postPosSales);
