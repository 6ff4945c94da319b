import * as z from 'zod';
import type { ShipBody, TrackBody } from './actions.js';
import type { Dimensions, FulfillmentOrderState } from './model.js';
import { parseOrThrow } from '../validation.js';

/**
 * The carrier seam. A location ships either with a tracking number it types in (manual entry:
 * its own carrier account, a courier at the door) or with a label bought through a label
 * provider (Shippo: functions/fulfillment/carriers/shippo.ts). Either way the result is the
 * body of the `ship` action; tracking comes back as the body of the `track` action.
 */
export interface ShipmentAddress {
  name?: string;
  company?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  country: string;
  phone?: string;
  email?: string;
}

export interface LabelRequest {
  fulfillmentOrderId: string;
  from: ShipmentAddress;
  to: ShipmentAddress;
  parcel: { weightGrams: number; dimensionsCm: Dimensions };
  /** Wanted carrier and service; absent: the cheapest rate offered. */
  carrier?: string;
  service?: string;
}

export interface ShipmentDetails {
  carrier: string;
  service?: string;
  trackingNumber: string;
  trackingUrl?: string;
  labelUrl?: string;
  /** What the label cost, in integer minor units of `currency`. */
  cost?: { amount: number; currency: string };
  /** The provider's id for the purchase, to reconcile its invoice. */
  providerReference?: string;
}

export interface LabelProvider {
  readonly name: string;
  buyLabel(request: LabelRequest): Promise<ShipmentDetails>;
}

export interface TrackingUpdate {
  carrier: string;
  trackingNumber: string;
  status: TrackBody['status'];
  occurredAt: string;
}

export const ManualTracking = z.strictObject({
  carrier: z.string().min(1, 'is required').max(100),
  service: z.string().min(1).max(100).optional(),
  trackingNumber: z.string().min(1, 'is required').max(100),
  trackingUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .optional(),
});
export type ManualTracking = z.output<typeof ManualTracking>;

/** Manual entry: what the store typed is the shipment; there is no label and no cost. */
export function manualShipment(entry: unknown): ShipmentDetails {
  return parseOrThrow(ManualTracking, entry, 'tracking entry');
}

/** The `ship` action body for a shipment, for the given units (absent: every packed unit). */
export function shipBodyFor(details: ShipmentDetails, lines?: ShipBody['lines']): ShipBody {
  return {
    carrier: details.carrier,
    ...(details.service !== undefined && { service: details.service }),
    trackingNumber: details.trackingNumber,
    ...(details.trackingUrl !== undefined && { trackingUrl: details.trackingUrl }),
    ...(lines && { lines }),
  };
}

/**
 * The `track` action body for a tracking update, or undefined when the update is not about one
 * of this fulfillment order's shipments. Carrier names are compared without case, because
 * providers spell them their own way (`usps`, `USPS`).
 */
export function trackBodyFor(fo: FulfillmentOrderState, update: TrackingUpdate): TrackBody | undefined {
  const shipment = fo.shipments.find(
    (candidate) =>
      candidate.trackingNumber === update.trackingNumber &&
      candidate.carrier.toLowerCase() === update.carrier.toLowerCase(),
  );
  if (!shipment) return undefined;
  return { shipmentId: shipment.shipmentId, status: update.status, occurredAt: update.occurredAt };
}

/**
 * A label provider account (Config `CARRIER / <carrierId>`): where its API is and the names of
 * its secrets (Secrets Manager in AWS, `oms/carriers/*`; the local runtime's configuration
 * locally). The secrets themselves are never stored in the Config table.
 */
export const CarrierAccount = z.strictObject({
  carrierId: z.literal('shippo'),
  /** Absent: the provider's public API. Set to a fake on 127.0.0.1 in tests. */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .optional(),
  apiTokenSecretName: z.string().min(1).max(200),
  webhookSecretName: z.string().min(1).max(200),
  active: z.boolean().default(true),
});
export type CarrierAccount = z.output<typeof CarrierAccount>;
