import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getCarrierAccount, listLocations } from '../../data/config-repository.js';
import { getFulfillmentOrderById } from '../../data/fulfillment-repository.js';
import { findLabel, labelIdFor, saveLabel } from '../../data/labels-repository.js';
import { getOrder } from '../../data/orders-repository.js';
import { locationsOf } from '../../domain/fulfillment/progress.js';
import { identifier } from '../../domain/text.js';
import { parseOrThrow } from '../../domain/validation.js';
import { actorFrom, authorizeResource } from '../../shared/access.js';
import { errorResponse, json, jsonBodyOf, pathParameter, type HttpResponse } from '../../shared/http.js';
import { withApiAccess } from '../../shared/middleware.js';
import { resolveSecret } from '../../shared/secrets.js';
import { buyLabel, type BuyLabelDeps } from './buy-label.js';
import { LabelBody } from './label-request.js';
import { createShippoClient } from './shippo.js';

const deps: BuyLabelDeps = {
  getFulfillmentOrder: getFulfillmentOrderById,
  getOrder,
  listLocations: () => listLocations(),
  getCarrierAccount: (carrierId) => getCarrierAccount(carrierId),
  resolveSecret,
  labelProvider: (account, apiToken) =>
    createShippoClient({ apiToken, ...(account.baseUrl !== undefined && { baseUrl: account.baseUrl }) }),
  findLabel,
  saveLabel,
  labelIdFor,
  now: () => new Date(),
};

/**
 * POST /v1/fulfillment-orders/{fulfillmentOrderId}/labels: buys a label for one parcel, for a
 * store user of the shipping location. An `Idempotency-Key` makes a retry answer the label
 * bought first instead of paying for a second one.
 */
export async function postLabel(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const fulfillmentOrderId = pathParameter(event, 'fulfillmentOrderId');
    const body = parseOrThrow(LabelBody, jsonBodyOf(event), 'label request');
    const key = event.headers?.['idempotency-key'];
    const idempotencyKey =
      key === undefined ? undefined : parseOrThrow(identifier(128), key, 'Idempotency-Key');
    const { label, created } = await buyLabel(deps, {
      fulfillmentOrderId,
      body,
      ...(idempotencyKey !== undefined && { idempotencyKey }),
      authorize: (fo) => authorizeResource(event, { locationIds: locationsOf(fo).slice(0, 1) }),
      actor: actorFrom(event),
    });
    return json(created ? 201 : 200, label);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withApiAccess(postLabel);
