import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Movement } from '../domain/inventory/movement.js';
import { parseOrThrow } from '../domain/validation.js';
import { errorResponse, json, jsonBodyOf, type HttpResponse } from '../shared/http.js';
import { withObservability } from '../shared/middleware.js';
import { recordStockMovement } from './record-movement.js';

/**
 * POST /v1/inventory/movements: a receipt, adjustment, cycle count, transfer shipment or receipt,
 * POS sale or safety-stock change. 201 with the record when applied; 200 with the same record
 * when the movementId was recorded before with the same payload; 409 when with another one.
 */
export async function postMovement(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const movement = parseOrThrow(Movement, jsonBodyOf(event), 'movement');
    const { record, replayed } = await recordStockMovement(movement, () => new Date().toISOString());
    return json(replayed ? 200 : 201, record);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withObservability(postMovement);
