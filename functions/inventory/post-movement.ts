import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Movement } from '../domain/inventory/movement.js';
import { parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, jsonBodyOf, type HttpResponse } from '../shared/http.js';
import { actorFrom, authorizeResource } from '../shared/access.js';
import { withApiAccess } from '../shared/middleware.js';
import { recordStockMovement } from './record-movement.js';

/**
 * POST /v1/inventory/movements: a receipt, adjustment, cycle count, transfer shipment or receipt,
 * POS sale or safety-stock change. 201 with the record when applied; 200 with the same record
 * when the movementId was recorded before with the same payload; 409 when with another one; 403
 * when the caller may not change stock at a location it touches. The record names the token's actor.
 */
export async function postMovement(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const movement = parseOrThrow(Movement, jsonBodyOf(event), 'movement');
    const caller = {
      actor: actorFrom(event),
      mayActAt: (locationIds: readonly string[]) => authorizeResource(event, { locationIds }),
    };
    const { record, replayed } = await recordStockMovement(movement, caller, () => new Date().toISOString());
    return json(replayed ? 200 : 201, record);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(postMovement);
