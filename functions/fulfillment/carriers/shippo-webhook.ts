import * as z from 'zod';
import type { TrackingUpdate } from '../../domain/fulfillment/carrier.js';
import { verifyTimestampedSignature, type SignatureCheck } from '../../domain/signature.js';
import { parseOrThrow } from '../../domain/validation.js';

/**
 * Shippo's `track_updated` webhook. With HMAC enabled on the account, Shippo signs each call in
 * `Shippo-Auth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; the
 * timestamp is signed with the body, so an old delivery replayed outside the window is refused.
 */
export const SHIPPO_SIGNATURE_HEADER = 'shippo-auth-signature';
export const SHIPPO_SIGNATURE_TOLERANCE_SECONDS = 300;

export function verifyShippoSignature(args: SignatureCheck): void {
  verifyTimestampedSignature({
    ...args,
    headerName: SHIPPO_SIGNATURE_HEADER,
    toleranceSeconds: args.toleranceSeconds ?? SHIPPO_SIGNATURE_TOLERANCE_SECONDS,
  });
}

const TrackUpdated = z.object({
  event: z.string(),
  data: z.object({
    carrier: z.string().min(1),
    tracking_number: z.string().min(1),
    tracking_status: z
      .object({ status: z.string(), status_date: z.iso.datetime({ offset: true }).nullish() })
      .nullish(),
  }),
});

/** Shippo's tracking statuses that move a shipment; the others are noted and change nothing. */
const MOVES: Record<string, TrackingUpdate['status']> = { TRANSIT: 'in_transit', DELIVERED: 'delivered' };

export type ShippoTrackingOutcome =
  { kind: 'update'; update: TrackingUpdate } | { kind: 'ignored'; reason: string };

/**
 * Maps a verified webhook body to a tracking update. PRE_TRANSIT, UNKNOWN, RETURNED and FAILURE
 * are ignored here: the first two move nothing, the last two need a person, not a state change.
 * `receivedAt` stands in for a status without a date.
 */
export function trackingUpdateFromShippo(body: unknown, receivedAt: string): ShippoTrackingOutcome {
  const event = parseOrThrow(TrackUpdated, body, 'Shippo webhook');
  if (event.event !== 'track_updated') return { kind: 'ignored', reason: `event ${event.event}` };
  const status = event.data.tracking_status?.status ?? 'UNKNOWN';
  const moved = MOVES[status];
  if (!moved) return { kind: 'ignored', reason: `tracking status ${status}` };
  return {
    kind: 'update',
    update: {
      carrier: event.data.carrier,
      trackingNumber: event.data.tracking_number,
      status: moved,
      occurredAt: event.data.tracking_status?.status_date ?? receivedAt,
    },
  };
}
