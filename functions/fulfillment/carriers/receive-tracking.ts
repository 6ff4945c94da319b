import { NotFoundError } from '../../domain/errors.js';
import type { CarrierAccount, TrackingUpdate } from '../../domain/fulfillment/carrier.js';
import { parseJson } from '../../domain/validation.js';
import {
  SHIPPO_SIGNATURE_HEADER,
  trackingUpdateFromShippo,
  verifyShippoSignature,
} from './shippo-webhook.js';

export interface ReceiveTrackingDeps {
  getCarrierAccount(carrierId: 'shippo'): Promise<CarrierAccount | undefined>;
  resolveSecret(name: string): Promise<string | undefined>;
  /** The shipments with this tracking number, whatever carrier they were shipped with. */
  findShipments(trackingNumber: string): Promise<{ fulfillmentOrderId: string; carrier: string }[]>;
  /** Applies the update to the fulfillment order: whether it moved anything. */
  track(fulfillmentOrderId: string, update: TrackingUpdate): Promise<boolean>;
  now(): Date;
}

/** The request as received: header names lower-cased, the body as the bytes that were signed. */
export interface SignedRequest {
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: string;
}

export type TrackingResult =
  | { status: 'ignored'; reason: string }
  | { status: 'applied'; trackingNumber: string; moved: number; unchanged: number };

/**
 * Takes a tracking webhook Shippo posted:
 * 1. finds the Shippo account (404 when none is configured) and its webhook secret;
 * 2. checks the signature over the raw body before reading it (401; nothing is written);
 * 3. maps the body to a tracking update (400 naming the field), or answers that there is
 *    nothing to do (another event, a status that moves nothing);
 * 4. finds the shipments with the tracking number and the same carrier (an unknown number is
 *    not ours: ignored, so Shippo stops sending it) and applies the update to each one's
 *    fulfillment order. A repeated or stale event moves nothing (the state machine only moves a
 *    shipment forward), so redeliveries are harmless.
 */
export async function receiveTracking(
  deps: ReceiveTrackingDeps,
  request: SignedRequest,
): Promise<TrackingResult> {
  const account = await deps.getCarrierAccount('shippo');
  const secret = account?.active ? await deps.resolveSecret(account.webhookSecretName) : undefined;
  if (!account || !secret) throw new NotFoundError('No Shippo account is configured to receive tracking.');
  const now = deps.now();
  verifyShippoSignature({
    header: request.headers[SHIPPO_SIGNATURE_HEADER],
    rawBody: request.rawBody,
    secret,
    nowUnixSeconds: Math.floor(now.getTime() / 1000),
  });
  const outcome = trackingUpdateFromShippo(parseJson(request.rawBody), now.toISOString());
  if (outcome.kind === 'ignored') return { status: 'ignored', reason: outcome.reason };
  const { update } = outcome;
  const shipments = (await deps.findShipments(update.trackingNumber)).filter(
    (shipment) => shipment.carrier.toLowerCase() === update.carrier.toLowerCase(),
  );
  if (shipments.length === 0)
    return { status: 'ignored', reason: `no shipment with tracking number ${update.trackingNumber}` };
  const fulfillmentOrderIds = [...new Set(shipments.map((shipment) => shipment.fulfillmentOrderId))];
  let moved = 0;
  for (const fulfillmentOrderId of fulfillmentOrderIds)
    if (await deps.track(fulfillmentOrderId, update)) moved += 1;
  return {
    status: 'applied',
    trackingNumber: update.trackingNumber,
    moved,
    unchanged: fulfillmentOrderIds.length - moved,
  };
}
