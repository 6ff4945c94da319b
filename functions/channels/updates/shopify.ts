import { formatMinorUnits, toMinorUnits } from '../../domain/money.js';
import {
  SHOPIFY_CANCEL_REASONS,
  type ShopifyAdminClient,
  type ShopifyCancelReason,
  type ShopifyFulfillmentOrder,
  type ShopifySuggestedTransaction,
} from '../clients/shopify-admin.js';
import type { ChannelUpdate, OrderCanceledEvent, PickupEvent, RefundEvent, ShipmentEvent } from './events.js';
import { alreadyDone, refundMarker, sent, skipped, type UpdateOutcome } from './outcome.js';

/**
 * A Shopify store told what the OMS did, through the Admin API. The OMS line ids of a Shopify
 * order are Shopify's line item ids (functions/channels/shopify.ts), and its externalId is the
 * Shopify order id. Every update looks at the order on Shopify before it writes, so that a
 * redelivered event, or one whose first answer was lost, changes nothing twice.
 */
const FULFILLABLE = new Set(['open', 'in_progress']);

export async function updateShopify(
  client: ShopifyAdminClient,
  update: ChannelUpdate,
  deadline: number,
): Promise<UpdateOutcome> {
  switch (update.kind) {
    case 'shipment':
      return fulfill(client, update.event, deadline);
    case 'ready_for_pickup':
      return readyForPickup(client, update.event, deadline);
    case 'order_canceled':
      return cancel(client, update.event, deadline);
    case 'lines_canceled':
      return skipped(
        'Shopify learns of canceled lines from the refund that records them (restock type cancel).',
      );
    case 'refund':
      return refund(client, update.event, deadline);
  }
}

/**
 * A fulfillment with the shipment's tracking on the Shopify fulfillment orders that hold its
 * lines; Shopify emails the customer (notify_customer). A fulfillment spans the fulfillment
 * orders of one Shopify location, so lines held at two locations become two fulfillments.
 */
async function fulfill(
  client: ShopifyAdminClient,
  event: ShipmentEvent,
  deadline: number,
): Promise<UpdateOutcome> {
  const { shipment, externalId } = event;
  const existing = await client.fulfillments(externalId, deadline);
  const tracked = existing.filter(
    (fulfillment) =>
      fulfillment.status !== 'cancelled' &&
      (fulfillment.tracking_number === shipment.trackingNumber ||
        (fulfillment.tracking_numbers ?? []).includes(shipment.trackingNumber)),
  );
  // A shipment whose lines sit at two Shopify locations is two fulfillments: a redelivery after
  // the first one was created makes only the second.
  const doneAt = new Set(tracked.map((fulfillment) => fulfillment.location_id ?? 'unassigned'));
  const orders = await client.fulfillmentOrders(externalId, deadline);
  const { byLocation, unplaced } = allocate(orders, shipment.lines);
  for (const location of doneAt) byLocation.delete(location);
  if (byLocation.size === 0 && tracked.length > 0) {
    return alreadyDone(
      `Shopify fulfillment ${tracked.map((f) => f.id).join(', ')} has tracking number ${shipment.trackingNumber}.`,
    );
  }
  if (byLocation.size === 0) {
    return skipped(
      `Shopify has nothing left to fulfill for lines ${shipment.lines.map((line) => line.lineId).join(', ')}.`,
    );
  }
  const created: string[] = [];
  for (const groups of byLocation.values()) {
    const fulfillment = await client.createFulfillment(
      {
        lineItemsByFulfillmentOrder: groups,
        tracking: {
          company: shipment.carrier,
          number: shipment.trackingNumber,
          ...(shipment.trackingUrl && { url: shipment.trackingUrl }),
        },
        notifyCustomer: true,
      },
      deadline,
    );
    created.push(fulfillment.id);
  }
  const rest = unplaced > 0 ? `; ${unplaced} unit(s) had nothing left to fulfill on Shopify` : '';
  return sent(
    `Shopify fulfillment ${created.join(', ')} with tracking number ${shipment.trackingNumber}${rest}.`,
  );
}

type Groups = { fulfillmentOrderId: string; lineItems: { id: string; quantity: number }[] }[];

/** The shipped units placed on fulfillment order line items that can still take them, oldest first. */
function allocate(orders: ShopifyFulfillmentOrder[], lines: ShipmentEvent['shipment']['lines']) {
  const remaining = new Map<string, number>();
  for (const order of orders) {
    for (const item of order.line_items) remaining.set(`${order.id}/${item.id}`, item.fulfillable_quantity);
  }
  const byLocation = new Map<string, Groups>();
  let unplaced = 0;
  for (const line of lines) {
    let wanted = line.quantity;
    for (const order of orders) {
      if (!FULFILLABLE.has(order.status)) continue;
      for (const item of order.line_items) {
        if (wanted === 0 || item.line_item_id !== line.lineId) continue;
        const key = `${order.id}/${item.id}`;
        const quantity = Math.min(wanted, remaining.get(key) ?? 0);
        if (quantity === 0) continue;
        remaining.set(key, (remaining.get(key) ?? 0) - quantity);
        wanted -= quantity;
        const location = order.assigned_location_id ?? 'unassigned';
        const groups = byLocation.get(location) ?? [];
        byLocation.set(location, groups);
        let group = groups.find((candidate) => candidate.fulfillmentOrderId === order.id);
        if (!group) {
          group = { fulfillmentOrderId: order.id, lineItems: [] };
          groups.push(group);
        }
        group.lineItems.push({ id: item.id, quantity });
      }
    }
    unplaced += wanted;
  }
  return { byLocation, unplaced };
}

/** Shopify's own "ready for pickup" (GraphQL), which sends the customer its pick-up notification. */
async function readyForPickup(
  client: ShopifyAdminClient,
  event: PickupEvent,
  deadline: number,
): Promise<UpdateOutcome> {
  const orders = await client.fulfillmentOrders(event.externalId, deadline);
  const pickups = orders.filter(
    (order) => order.delivery_method?.method_type === 'pick_up' && FULFILLABLE.has(order.status),
  );
  if (pickups.length === 0) {
    return skipped(
      'Shopify has no open local pick-up fulfillment order for this order: not a pick-up on Shopify, or already collected.',
    );
  }
  await client.markPreparedForPickup(
    pickups.map((order) => order.id),
    deadline,
  );
  return sent(`Shopify fulfillment order ${pickups.map((order) => order.id).join(', ')} ready for pickup.`);
}

async function cancel(
  client: ShopifyAdminClient,
  event: OrderCanceledEvent,
  deadline: number,
): Promise<UpdateOutcome> {
  if (await client.isCanceled(event.externalId, deadline))
    return alreadyDone('The Shopify order is already canceled.');
  await client.cancelOrder(event.externalId, cancelReason(event.reason), deadline);
  return sent('Shopify order canceled; the customer is emailed, the refund follows as its own update.');
}

/** The OMS reason when it is one Shopify knows, otherwise "other". */
function cancelReason(reason: string | undefined): ShopifyCancelReason {
  const normalized = reason?.trim().toLowerCase();
  return SHOPIFY_CANCEL_REASONS.find((candidate) => candidate === normalized) ?? 'other';
}

/**
 * A refund of the recorded lines (and shipping) on the transactions Shopify calculates for them,
 * never for more than the OMS recorded. Canceled lines are refunded with restock type `cancel`,
 * which takes them out of what Shopify still expects to fulfill; returned ones with `no_restock`,
 * because the OMS restocks them at the location that received them and syncs availability itself.
 */
async function refund(
  client: ShopifyAdminClient,
  event: RefundEvent,
  deadline: number,
): Promise<UpdateOutcome> {
  const marker = refundMarker(event.refundId);
  const refunds = await client.refunds(event.externalId, deadline);
  const found = refunds.find((existing) => existing.note?.includes(marker));
  if (found) return alreadyDone(`Shopify refund ${found.id} records ${marker}.`);

  const input = {
    currency: event.currency,
    note: `${marker} (${event.cause})`,
    notify: true,
    ...(event.shipping > 0 && { shipping: formatMinorUnits(event.shipping, event.currency) }),
    lines: event.lines.map((line) => ({
      lineItemId: line.lineId,
      quantity: line.quantity,
      restockType: event.cause === 'cancellation' ? ('cancel' as const) : ('no_restock' as const),
    })),
  };
  const suggested = await client.calculateRefund(event.externalId, input, deadline);
  const transactions = capTransactions(suggested, event.total, event.currency);
  const created = await client.createRefund(event.externalId, input, transactions, deadline);
  const amount = transactions.reduce(
    (sum, transaction) => sum + toMinorUnits(transaction.amount, event.currency),
    0,
  );
  return sent(
    `Shopify refund ${created.id}: ${formatMinorUnits(amount, event.currency)} ${event.currency} of the ${formatMinorUnits(event.total, event.currency)} recorded.`,
  );
}

/**
 * Shopify's suggested transactions, in its order, up to the OMS total: the channel never refunds
 * more than the OMS recorded, and never more than Shopify says is refundable.
 */
export function capTransactions(suggested: ShopifySuggestedTransaction[], total: number, currency: string) {
  let left = total;
  const transactions: { parentId: string; amount: string; gateway: string }[] = [];
  for (const transaction of suggested) {
    const amount = Math.min(left, toMinorUnits(transaction.amount, currency));
    if (amount <= 0) continue;
    left -= amount;
    transactions.push({
      parentId: transaction.parent_id,
      amount: formatMinorUnits(amount, currency),
      gateway: transaction.gateway,
    });
  }
  return transactions;
}
