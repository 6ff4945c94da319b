import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ulid } from 'ulid';
import { getCarrierAccount } from '../../data/config-repository.js';
import { changeFulfillmentOrder } from '../../data/fulfillment-changes.js';
import { findShipmentsByTrackingNumber } from '../../data/shipments-repository.js';
import type { Actor } from '../../domain/access.js';
import { trackBodyFor, type TrackingUpdate } from '../../domain/fulfillment/carrier.js';
import { applyFulfillmentAction } from '../../domain/fulfillment/machine.js';
import { PayloadTooLargeError } from '../../domain/errors.js';
import {
  errorResponse,
  json,
  lowerCaseHeaders,
  MAX_JSON_BODY_BYTES,
  rawBodyOf,
  type HttpResponse,
} from '../../shared/http.js';
import { withObservability } from '../../shared/middleware.js';
import { logger } from '../../shared/observability.js';
import { resolveSecret } from '../../shared/secrets.js';
import { receiveTracking, type ReceiveTrackingDeps } from './receive-tracking.js';

/** Recorded on the fulfillment order's history as who moved the shipment. */
const SHIPPO: Actor = { sub: 'carrier:shippo', role: 'integration', clientId: 'shippo' };

async function track(fulfillmentOrderId: string, update: TrackingUpdate): Promise<boolean> {
  const now = () => new Date().toISOString();
  const outcome = await changeFulfillmentOrder({
    fulfillmentOrderId,
    action: 'track',
    decide: (fo) => {
      const body = trackBodyFor(fo, update);
      // The number belongs to another carrier's shipment: nothing to apply here.
      if (!body) return { fulfillmentOrder: fo, effects: [], events: [] };
      return applyFulfillmentAction(fo, 'track', body, { now: now(), newId: ulid, random: Math.random });
    },
    actor: SHIPPO,
    now,
  });
  return outcome.changed;
}

const deps: ReceiveTrackingDeps = {
  getCarrierAccount: (carrierId) => getCarrierAccount(carrierId),
  resolveSecret,
  findShipments: findShipmentsByTrackingNumber,
  track,
  now: () => new Date(),
};

/** POST /v1/carriers/shippo/tracking: Shippo's signed `track_updated` webhook. */
export async function postShippoTracking(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  try {
    const rawBody = rawBodyOf(event);
    if (Buffer.byteLength(rawBody, 'utf8') > MAX_JSON_BODY_BYTES)
      throw new PayloadTooLargeError(MAX_JSON_BODY_BYTES);
    const result = await receiveTracking(deps, { headers: lowerCaseHeaders(event.headers), rawBody });
    logger.info('Shippo tracking event', { ...result });
    return json(200, result);
  } catch (error) {
    return errorResponse(error, event.rawPath);
  }
}

export const handler = withObservability(postShippoTracking);
