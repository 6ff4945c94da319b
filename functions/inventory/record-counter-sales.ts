import {
  counterSaleFulfillment,
  counterSaleOrder,
  type CounterSaleReceipt,
} from '../domain/inventory/counter-sale.js';
import type { PosSaleBatch } from '../domain/inventory/movement.js';
import type { FulfillmentOrderState } from '../domain/fulfillment/model.js';
import type { Order } from '../domain/order.js';
import type { ChannelOrderKey, ReceivedPayload } from '../data/orders-repository.js';
import type { PosSaleResult } from './record-movement.js';

export interface CounterSalesDeps {
  createCounterSaleOrder(
    order: Order,
    fulfillmentOrder: FulfillmentOrderState,
    received: Omit<ReceivedPayload, 'deliveryId'>,
  ): Promise<{ created: true } | { created: false; existing: ChannelOrderKey }>;
  newId(): string;
  now(): Date;
}

export type CounterSaleResult =
  | { receiptId: string; status: 'created' | 'duplicate'; orderId: string }
  | { receiptId: string; status: 'rejected'; error: string; orderId?: string };

/** How the receipt is kept beside its order (ORDER#<id> / RAW), as a channel's payload is. */
export const POS_RECEIPT_FORMAT = 'pos-receipt';

/**
 * Records the order of each receipt of an upload, once, after its sales' stock movements:
 * 1. a receipt one of whose sales was rejected (its sale id belongs to another sale) gets no
 *    order: the stock it would describe is not this receipt's;
 * 2. builds the order, COMPLETED at the counter, with its collected fulfillment order
 *    (functions/domain/inventory/counter-sale.ts);
 * 3. writes both, and the receipt as the till sent it, in one transaction on condition of the
 *    receipt's key at the POS channel: an upload sent again finds it and answers `duplicate`
 *    with the same order; the same receipt id with other content is `rejected`, naming the order
 *    that holds it. The customer is linked from the order's OrderReceived (LinkCustomers).
 */
export async function recordCounterSales(
  deps: CounterSalesDeps,
  args: {
    locationId: string;
    channelId: string;
    defaultCountry?: string;
    batch: PosSaleBatch;
    receipts: readonly CounterSaleReceipt[];
    sales: readonly PosSaleResult[];
  },
): Promise<CounterSaleResult[]> {
  const { locationId, channelId, defaultCountry, batch } = args;
  const results: CounterSaleResult[] = [];
  for (const receipt of args.receipts) {
    const { receiptId } = receipt;
    const rejected = args.sales.find(
      (sale) => sale.status === 'rejected' && receipt.saleIds.includes(sale.saleId),
    );
    if (rejected) {
      results.push({ receiptId, status: 'rejected', error: `Sale "${rejected.saleId}" was rejected.` });
      continue;
    }
    const now = deps.now().toISOString();
    const order = counterSaleOrder({
      receipt,
      locationId,
      channelId,
      orderId: deps.newId(),
      now,
      ...(defaultCountry && { defaultCountry }),
    });
    const received = {
      rawBody: JSON.stringify({
        receipt: batch.receipts?.find((candidate) => candidate.receiptId === receiptId),
        sales: batch.sales.filter((sale) => sale.receiptId === receiptId),
      }),
      format: POS_RECEIPT_FORMAT,
    };
    const fulfillment = counterSaleFulfillment(order, deps.newId());
    const result = await deps.createCounterSaleOrder(order, fulfillment, received);
    if (result.created) results.push({ receiptId, status: 'created', orderId: order.orderId });
    else if (result.existing.payloadHash === order.payloadHash)
      results.push({ receiptId, status: 'duplicate', orderId: result.existing.orderId });
    else
      results.push({
        receiptId,
        status: 'rejected',
        orderId: result.existing.orderId,
        error: `Receipt "${receiptId}" was recorded before with other sales, prices or customer.`,
      });
  }
  return results;
}
