import { formatMinorUnits } from '../../domain/money.js';
import type { WooCommerceClient } from '../clients/woocommerce-api.js';
import type {
  ChannelUpdate,
  LinesCanceledEvent,
  OrderCanceledEvent,
  PickupEvent,
  RefundEvent,
  ShipmentEvent,
} from './events.js';
import { alreadyDone, refundMarker, sent, type UpdateOutcome } from './outcome.js';

/**
 * A WooCommerce store told what the OMS did, through its REST API v3. WooCommerce has no
 * shipments of its own: tracking reaches the customer as a customer note (which WooCommerce
 * emails), and the order moves to `completed` once everything has shipped. The OMS line ids of a
 * WooCommerce order are its line item ids (functions/channels/woocommerce.ts). Every update
 * looks at the order's notes, status or refunds first, so that a redelivery writes nothing twice.
 */
export interface WooCommerceUpdateDeps {
  /** Whether, with this shipment, every unit of the OMS order has shipped. */
  isFullyShipped(event: ShipmentEvent): Promise<boolean>;
  /** The name of an OMS location, for the customer; undefined when it is not configured. */
  locationName(locationId: string): Promise<string | undefined>;
}

export async function updateWooCommerce(
  client: WooCommerceClient,
  update: ChannelUpdate,
  deadline: number,
  deps: WooCommerceUpdateDeps,
): Promise<UpdateOutcome> {
  switch (update.kind) {
    case 'shipment':
      return shipped(client, update.event, deadline, deps);
    case 'ready_for_pickup':
      return readyForPickup(client, update.event, deadline, deps);
    case 'order_canceled':
      return cancel(client, update.event, deadline);
    case 'lines_canceled':
      return linesCanceled(client, update.event, deadline);
    case 'refund':
      return refund(client, update.event, deadline);
  }
}

export function trackingNote(shipment: ShipmentEvent['shipment']): string {
  const service = shipment.service ? ` (${shipment.service})` : '';
  const link = shipment.trackingUrl ? ` Track it at ${shipment.trackingUrl}` : '';
  return `Shipped with ${shipment.carrier}${service}, tracking number ${shipment.trackingNumber}.${link}`;
}

async function shipped(
  client: WooCommerceClient,
  event: ShipmentEvent,
  deadline: number,
  deps: WooCommerceUpdateDeps,
): Promise<UpdateOutcome> {
  const { shipment, externalId } = event;
  const notes = await client.notes(externalId, deadline);
  const noted = notes.some((note) => note.note.includes(shipment.trackingNumber));
  if (!noted) await client.addCustomerNote(externalId, trackingNote(shipment), deadline);
  if (!(await deps.isFullyShipped(event))) {
    return noted
      ? alreadyDone(`The order already has a note with tracking number ${shipment.trackingNumber}.`)
      : sent(
          `Customer note with tracking number ${shipment.trackingNumber}; the order stays processing until all has shipped.`,
        );
  }
  if ((await client.orderStatus(externalId, deadline)) === 'completed') {
    return noted
      ? alreadyDone('The order is completed and has the tracking note.')
      : sent('Customer note with tracking; the order was already completed.');
  }
  await client.setStatus(externalId, 'completed', deadline);
  return sent(`Order completed, with a customer note of tracking number ${shipment.trackingNumber}.`);
}

async function readyForPickup(
  client: WooCommerceClient,
  event: PickupEvent,
  deadline: number,
  deps: WooCommerceUpdateDeps,
): Promise<UpdateOutcome> {
  const notes = await client.notes(event.externalId, deadline);
  if (notes.some((note) => note.note.includes(event.pickupCode))) {
    return alreadyDone('The order already has a note with the pick-up code.');
  }
  const store = await deps.locationName(event.locationId);
  const where = store ? ` at ${store}` : '';
  await client.addCustomerNote(
    event.externalId,
    `Your order is ready for pick-up${where}. Show the code ${event.pickupCode} at the store to collect it.`,
    deadline,
  );
  return sent('Customer note with the pick-up code.');
}

async function cancel(
  client: WooCommerceClient,
  event: OrderCanceledEvent,
  deadline: number,
): Promise<UpdateOutcome> {
  if ((await client.orderStatus(event.externalId, deadline)) === 'cancelled') {
    return alreadyDone('The WooCommerce order is already cancelled.');
  }
  await client.setStatus(event.externalId, 'cancelled', deadline);
  return sent('WooCommerce order cancelled.');
}

/** WooCommerce can not cancel part of an order: the customer is told which lines, the refund follows. */
async function linesCanceled(
  client: WooCommerceClient,
  event: LinesCanceledEvent,
  deadline: number,
): Promise<UpdateOutcome> {
  const what = event.lines.map((line) => `${line.quantity} × ${line.sku}`).join(', ');
  const note = `Canceled from your order: ${what}.${event.reason ? ` Reason: ${event.reason}.` : ''}`;
  const notes = await client.notes(event.externalId, deadline);
  if (notes.some((existing) => existing.note === note))
    return alreadyDone('The order already has this cancellation note.');
  await client.addCustomerNote(event.externalId, note, deadline);
  return sent(`Customer note of the canceled lines (${what}).`);
}

/**
 * A refund recorded on the WooCommerce order with `api_refund: false`: the OMS records refunds
 * and tells channels, it never moves money, and WooCommerce's gateway refund would (and fails
 * the whole request for gateways that can not refund through the API). The retailer refunds the
 * payment where it was taken; the order's totals and refunded lines on WooCommerce are right.
 */
async function refund(
  client: WooCommerceClient,
  event: RefundEvent,
  deadline: number,
): Promise<UpdateOutcome> {
  const marker = refundMarker(event.refundId);
  const refunds = await client.refunds(event.externalId, deadline);
  if (refunds.some((existing) => existing.reason?.includes(marker))) {
    return alreadyDone(`A WooCommerce refund records ${marker}.`);
  }
  const amount = formatMinorUnits(event.total, event.currency);
  const created = await client.createRefund(
    event.externalId,
    {
      amount,
      reason: `${marker} (${event.cause})`,
      lines: event.lines.map((line) => ({
        lineItemId: line.lineId,
        quantity: line.quantity,
        refundTotal: formatMinorUnits(line.amount, event.currency),
      })),
    },
    deadline,
  );
  return sent(
    `WooCommerce refund ${created.id} of ${amount} ${event.currency}, recorded without a gateway refund.`,
  );
}
