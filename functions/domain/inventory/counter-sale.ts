import type { FulfillmentOrderState } from '../fulfillment/model.js';
import { newOrder } from '../new-order.js';
import { CanonicalOrder, type Order } from '../order.js';
import { parseOrThrow } from '../validation.js';
import type { PosSaleBatch } from './movement.js';

/**
 * A till receipt as an order: the sales a POS rang up on one receipt, with what was paid and the
 * customer the till captured, become one order of the POS channel, sold and handed over at the
 * counter. Its stock left through the sales' `pos_sale` movements, so the order is written
 * COMPLETED with its goods collected (a `pickup` fulfillment order PICKED_UP at the store): the
 * router skips it, nothing is reserved or consumed again, a return finds the units handed over,
 * and a cancellation finds nothing left to cancel.
 */
export interface CounterSaleReceipt {
  receiptId: string;
  /** The receipt's sales: its order stands only when each one's movement is this sale. */
  saleIds: string[];
  canonical: CanonicalOrder;
}

export type CounterSaleOrder = Order & Required<Pick<Order, 'counterSale'>>;

/** Receipt ids are unique per location, as sale ids are: the location namespaces them at the channel. */
export const counterSaleExternalId = (locationId: string, receiptId: string) => `${locationId}:${receiptId}`;

/**
 * The canonical order of each receipt of a validated batch: lines are its sales (line id = sale
 * id) in the order they were rung up, placed when the last was. Validated as every channel's
 * order is; a receipt that is not a valid order fails the batch (400) before anything is written.
 */
export function counterSaleReceipts(locationId: string, batch: PosSaleBatch): CounterSaleReceipt[] {
  return (batch.receipts ?? []).map((receipt, index) => {
    const sales = batch.sales
      .filter((sale) => sale.receiptId === receipt.receiptId)
      .sort(
        (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.saleId.localeCompare(b.saleId),
      );
    const placedAt = sales.reduce(
      (latest, sale) => (Date.parse(sale.occurredAt) > Date.parse(latest) ? sale.occurredAt : latest),
      sales[0]?.occurredAt ?? '',
    );
    const canonical = parseOrThrow(
      CanonicalOrder,
      {
        externalId: counterSaleExternalId(locationId, receipt.receiptId),
        placedAt,
        currency: receipt.currency,
        ...(receipt.customer && { customer: receipt.customer }),
        fulfillment: { type: 'pickup', locationId },
        lines: sales.map((sale) => ({
          lineId: sale.saleId,
          sku: sale.sku,
          quantity: sale.quantity,
          unitPrice: sale.unitPrice,
          discount: sale.discount ?? 0,
          tax: sale.tax ?? 0,
        })),
        orderDiscount: receipt.orderDiscount,
        taxesIncluded: receipt.taxesIncluded,
      },
      `receipt "${receipt.receiptId}"`,
      `receipts/${index}`,
    );
    return { receiptId: receipt.receiptId, saleIds: sales.map((sale) => sale.saleId), canonical };
  });
}

/**
 * The OMS record of a receipt's order: built as a channel's order is (totals reconciled, the
 * customer's normalized key read in the channel's default country), then COMPLETED at the counter.
 */
export function counterSaleOrder(args: {
  receipt: CounterSaleReceipt;
  locationId: string;
  channelId: string;
  orderId: string;
  now: string;
  defaultCountry?: string;
}): CounterSaleOrder {
  const { receipt, locationId, channelId, orderId, now, defaultCountry } = args;
  const order = newOrder({
    canonical: receipt.canonical,
    channelId,
    orderId,
    now,
    ...(defaultCountry && { defaultCountry }),
  });
  return { ...order, status: 'COMPLETED', counterSale: { locationId, receiptId: receipt.receiptId } };
}

/** The goods of a counter sale, collected at the till when the receipt was closed. */
export function counterSaleFulfillment(
  order: CounterSaleOrder,
  fulfillmentOrderId: string,
): FulfillmentOrderState {
  return {
    fulfillmentOrderId,
    orderId: order.orderId,
    locationId: order.counterSale.locationId,
    kind: 'pickup',
    status: 'PICKED_UP',
    lines: order.lines.map(({ lineId, sku, quantity }) => ({
      lineId,
      sku,
      quantity,
      picked: quantity,
      packed: 0,
      shipped: quantity,
      released: 0,
    })),
    packages: [],
    shipments: [],
    pickedUpAt: order.placedAt,
    version: 1,
    createdAt: order.receivedAt,
    updatedAt: order.receivedAt,
  };
}
