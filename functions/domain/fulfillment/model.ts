import type { FulfillmentOrderKind } from '../routing/model.js';
import type { FulfillmentOrder } from '../routing/routing-input.js';

/**
 * A fulfillment order through its lifecycle: the router's record (functions/domain/routing/
 * routing-input.ts) plus what the location has done with it. Quantities are counted per line so
 * that stock can always be accounted for: every assigned unit is still reserved at the location,
 * has left it (shipped, or handed over at pick-up) or was released (rejected, short-picked,
 * canceled). `reserved` is derived, never stored, so it can not drift.
 */
export const FULFILLMENT_STATES = [
  'PENDING',
  'CREATED',
  'ACCEPTED',
  'PICKED',
  'PACKED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'IN_TRANSIT',
  'DELIVERED',
  'READY_FOR_PICKUP',
  'PICKED_UP',
  'REJECTED',
  'CANCELED',
] as const;
export type FulfillmentState = (typeof FULFILLMENT_STATES)[number];

/**
 * PENDING is the router's: written ahead of the last transaction of a large commit
 * (functions/data/routing-repository.ts), not yet announced to its location. It is not work yet:
 * no action is allowed from it (no transition lists it) and no work queue shows it.
 */
export const NOT_YET_WORK: readonly FulfillmentState[] = ['PENDING'];

/** States nothing leaves: the work is over, whatever the outcome. */
export const TERMINAL_STATES: readonly FulfillmentState[] = [
  'DELIVERED',
  'PICKED_UP',
  'REJECTED',
  'CANCELED',
];

/** Kinds whose goods end in a customer's hands at a store rather than at their door. */
export const PICKUP_KINDS: readonly FulfillmentOrderKind[] = ['pickup', 'ship_to_store', 'transfer'];
/** Kinds a carrier takes from this location (to the customer, or to the pick-up store). */
export const SHIPPING_KINDS: readonly FulfillmentOrderKind[] = [
  'ship',
  'ship_to_store',
  'transfer',
  'dropship',
];

export interface FulfillmentLine {
  lineId: string;
  sku: string;
  /** Units the router assigned to this location; never changes. */
  quantity: number;
  picked: number;
  packed: number;
  /** Units that left the location: shipped, or handed over to the customer at pick-up. */
  shipped: number;
  /** Units given back to the router or canceled: rejected, short-picked, canceled. */
  released: number;
  /** The order the line belongs to when orders were merged. */
  orderId?: string;
}

export interface Dimensions {
  length: number;
  width: number;
  height: number;
}

export interface Package {
  packageId: string;
  lines: { lineId: string; quantity: number }[];
  weightGrams?: number;
  dimensionsCm?: Dimensions;
}

export const SHIPMENT_STATUSES = ['SHIPPED', 'IN_TRANSIT', 'DELIVERED'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export interface Shipment {
  shipmentId: string;
  carrier: string;
  service?: string;
  trackingNumber: string;
  trackingUrl?: string;
  lines: { lineId: string; quantity: number }[];
  status: ShipmentStatus;
  shippedAt: string;
  inTransitAt?: string;
  deliveredAt?: string;
}

export interface CancelRequest {
  reason: string;
  /** Absent: the whole remaining fulfillment order. */
  lines?: { lineId: string; quantity: number }[];
  requestedAt: string;
}

/** How the location answered a cancel request: kept, so customer service sees what became of it. */
export interface CancelAnswer {
  answer: 'accepted' | 'refused';
  /** The request's own reason (customer service's, or the channel's). */
  requestReason: string;
  /** The location's reason for refusing. */
  reason?: string;
  lines?: { lineId: string; quantity: number }[];
  requestedAt: string;
  answeredAt: string;
  /** The fulfillment order's version the answer made: its step in `history`. */
  version: number;
}

export interface FulfillmentOrderState {
  fulfillmentOrderId: string;
  orderId: string;
  locationId: string;
  kind: FulfillmentOrderKind;
  /** The store the goods travel to (ship_to_store, transfer). */
  transferTo?: string;
  status: FulfillmentState;
  lines: FulfillmentLine[];
  packages: Package[];
  shipments: Shipment[];
  pickupCode?: string;
  pickedUpAt?: string;
  cancelRequest?: CancelRequest;
  /** Every cancel request answered, oldest first. */
  cancelAnswers?: CancelAnswer[];
  /** Every action applied, oldest first, with who took it (from the token). */
  history?: FulfillmentStep[];
  /** Incremented by every applied action; also the optimistic-locking counter. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One applied action: what it was, who took it and the move it made. */
export interface FulfillmentStep {
  action: string;
  at: string;
  actor: { sub: string; role: string; clientId?: string };
  from: FulfillmentState;
  to: FulfillmentState;
  /** The fulfillment order's version the action produced. */
  version: number;
}

/** Units still held for this fulfillment order at its location. */
export function reservedOf(line: FulfillmentLine): number {
  return line.quantity - line.shipped - line.released;
}

/** The lifecycle view of a fulfillment order the router has just written. */
export function startFulfillment(record: FulfillmentOrder): FulfillmentOrderState {
  return {
    fulfillmentOrderId: record.fulfillmentOrderId,
    orderId: record.orderId,
    locationId: record.locationId,
    kind: record.kind,
    ...(record.transferTo !== undefined && { transferTo: record.transferTo }),
    status: record.status,
    lines: record.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      picked: 0,
      packed: 0,
      shipped: 0,
      released: record.status === 'REJECTED' ? line.quantity : 0,
      ...(line.orderId !== undefined && { orderId: line.orderId }),
    })),
    packages: [],
    shipments: [],
    version: 1,
    createdAt: record.createdAt,
    updatedAt: record.createdAt,
  };
}
