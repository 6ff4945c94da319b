import type { Location } from '../location.js';
import type { Order } from '../order.js';
import { projectOrder, reachedAt, type CarrierServices, type PromisedFulfillmentOrder } from './promise.js';

/**
 * What the customer may see of an order (`GET /v1/orders/{orderId}/tracking`): its status, each
 * parcel with its carrier and tracking link, the projected delivery date, and where and when a
 * pick-up is ready. Nothing internal: no reservations, rules, stock, actors or history, and no
 * pick-up code (the code proves the customer's identity at the counter; the channel has it from
 * `OrderReadyForPickup`).
 */
export interface TrackedFulfillmentOrder extends PromisedFulfillmentOrder {
  orderId: string;
  transferTo?: string;
  lines: { lineId: string; quantity: number; orderId?: string }[];
  shipments?: readonly TrackedShipment[];
}

interface TrackedShipment {
  shipmentId: string;
  carrier: string;
  service?: string;
  trackingNumber: string;
  trackingUrl?: string;
  lines: { lineId: string; quantity: number }[];
  status: string;
  shippedAt: string;
  inTransitAt?: string;
  deliveredAt?: string;
}

const GONE = ['REJECTED', 'CANCELED', 'PENDING'];
const TO_STORE = ['pickup', 'ship_to_store', 'transfer'];

export function toTrackingView(args: {
  order: Order;
  fulfillmentOrders: readonly TrackedFulfillmentOrder[];
  locations: readonly Location[];
  services?: CarrierServices;
  now: string;
}) {
  const { order } = args;
  const active = args.fulfillmentOrders.filter((fo) => !GONE.includes(fo.status));
  const lineOf = new Map(order.lines.map((line) => [line.lineId, line]));
  const ownLines = (fo: TrackedFulfillmentOrder, lines: readonly { lineId: string; quantity: number }[]) => {
    const orderOf = new Map(fo.lines.map((line) => [line.lineId, line.orderId ?? fo.orderId]));
    return lines
      .filter((line) => orderOf.get(line.lineId) === order.orderId)
      .map((line) => ({
        lineId: line.lineId,
        sku: lineOf.get(line.lineId)?.sku,
        ...(lineOf.get(line.lineId)?.name !== undefined && { name: lineOf.get(line.lineId)!.name }),
        quantity: line.quantity,
      }));
  };
  const shipments = active.flatMap((fo) =>
    (fo.shipments ?? [])
      .map((shipment) => ({
        carrier: shipment.carrier,
        ...(shipment.service !== undefined && { service: shipment.service }),
        trackingNumber: shipment.trackingNumber,
        trackingUrl: shipment.trackingUrl ?? trackingLinkFor(shipment.carrier, shipment.trackingNumber),
        status: shipment.status,
        // Goods on their way to a pick-up store are the store's parcel, not the customer's.
        toPickupStore: TO_STORE.includes(fo.kind),
        shippedAt: shipment.shippedAt,
        ...(shipment.inTransitAt !== undefined && { inTransitAt: shipment.inTransitAt }),
        ...(shipment.deliveredAt !== undefined && { deliveredAt: shipment.deliveredAt }),
        items: ownLines(fo, shipment.lines),
      }))
      .filter((shipment) => shipment.items.length > 0),
  );
  const projection = projectOrder({
    fulfillmentOrders: active,
    locations: args.locations,
    ...(args.services && { services: args.services }),
    now: args.now,
  });
  return {
    orderId: order.orderId,
    ...(order.channelOrderNumber !== undefined && { channelOrderNumber: order.channelOrderNumber }),
    status: order.status,
    placedAt: order.placedAt,
    ...(projection && {
      promisedBy: projection.promisedBy,
      projectedDelivery: projection.projectedDelivery,
      late: projection.late,
    }),
    shipments,
    ...pickupOf(order, active, args.locations),
  };
}

/** Where the customer collects, and whether it is ready: every unit must be waiting there. */
function pickupOf(order: Order, active: readonly TrackedFulfillmentOrder[], locations: readonly Location[]) {
  if (order.fulfillment.type === 'ship') return {};
  const storeId = order.fulfillment.locationId;
  const store = locations.find((location) => location.locationId === storeId);
  const forStore = active.filter((fo) => TO_STORE.includes(fo.kind));
  const ready =
    forStore.length > 0 && forStore.every((fo) => ['READY_FOR_PICKUP', 'PICKED_UP'].includes(fo.status));
  const collected = forStore.length > 0 && forStore.every((fo) => fo.status === 'PICKED_UP');
  const readyAt = ready
    ? forStore
        .map((fo) => reachedAt(fo, ['READY_FOR_PICKUP']))
        .filter((at): at is string => at !== undefined)
        .sort()
        .at(-1)
    : undefined;
  return {
    pickup: {
      location: {
        locationId: storeId,
        ...(store && { name: store.name, address: store.address }),
      },
      readiness: collected ? 'collected' : ready ? 'ready' : 'preparing',
      ...(readyAt !== undefined && { readyAt }),
    },
  };
}

/**
 * The carrier's public tracking page when the shipment came without a link (manual entry). Keyed
 * by the names carriers go by in Shippo tokens and what store staff type; others get no link.
 */
const TRACKING_PAGES: Record<string, (number: string) => string> = {
  ups: (number) => `https://www.ups.com/track?tracknum=${number}`,
  usps: (number) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${number}`,
  fedex: (number) => `https://www.fedex.com/fedextrack/?trknbr=${number}`,
  dhl: (number) => `https://www.dhl.com/global-en/home/tracking.html?tracking-id=${number}`,
  ctt: (number) => `https://www.ctt.pt/feapl_2/app/open/objectSearch/objectSearch.jspx?objects=${number}`,
};

export function trackingLinkFor(carrier: string, trackingNumber: string): string | undefined {
  const page = TRACKING_PAGES[carrier.toLowerCase().split(/[\s_-]/)[0] ?? ''];
  return page?.(encodeURIComponent(trackingNumber));
}
