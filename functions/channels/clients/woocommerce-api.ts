import * as z from 'zod';
import { channelApiCaller, type JsonRequestOptions } from './json-request.js';

/**
 * The slice of WooCommerce's REST API v3 (`<site>/wp-json/wc/v3`) that tells a store what the
 * OMS did with its order: the order's status, customer notes (WooCommerce emails a note marked
 * `customer_note` to the customer) and refunds. Authentication is HTTP Basic with the store's
 * consumer key and secret, which WooCommerce accepts over HTTPS.
 */
export interface WooCommerceApiOptions extends JsonRequestOptions {
  /** The site, e.g. https://shop.example.com; the client adds /wp-json/wc/v3. */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

const Id = z.union([z.number(), z.string()]).transform(String);

const Order = z.object({ id: Id, status: z.string() });
const Note = z.object({ id: Id, note: z.string(), customer_note: z.boolean().optional() });
const Refund = z.object({ id: Id, reason: z.string().nullish() });

export interface WooCommerceRefundInput {
  /** Decimal amount in the order's currency; WooCommerce takes it over the sum of the lines. */
  amount: string;
  reason: string;
  lines: { lineItemId: string; quantity: number; refundTotal: string }[];
}

/** The page size WooCommerce allows at most. */
const PAGE_SIZE = 100;

export function createWooCommerceClient(options: WooCommerceApiOptions) {
  const root = `${options.baseUrl.replace(/\/+$/, '')}/wp-json/wc/v3`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${options.consumerKey}:${options.consumerSecret}`).toString('base64')}`,
  };

  const call = channelApiCaller('WooCommerce', root, headers, options);

  const order = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;

  return {
    async orderStatus(orderId: string, deadline: number): Promise<string> {
      return (await call('GET', order(orderId), deadline, Order)).status;
    },

    async setStatus(orderId: string, status: 'completed' | 'cancelled', deadline: number): Promise<void> {
      await call('PUT', order(orderId), deadline, Order, { status });
    },

    async notes(orderId: string, deadline: number): Promise<{ note: string }[]> {
      return call('GET', `${order(orderId)}/notes?type=customer`, deadline, z.array(Note));
    },

    /** A note the customer sees on the order and receives by email. */
    async addCustomerNote(orderId: string, note: string, deadline: number): Promise<void> {
      await call('POST', `${order(orderId)}/notes`, deadline, Note, { note, customer_note: true });
    },

    async refunds(orderId: string, deadline: number): Promise<{ reason?: string | null }[]> {
      return call('GET', `${order(orderId)}/refunds?per_page=${PAGE_SIZE}`, deadline, z.array(Refund));
    },

    /**
     * POST /orders/{id}/refunds with `api_refund: false`: WooCommerce records the refund on the
     * order (its totals, its refunded lines) without asking the payment gateway to move money,
     * and with `api_restock: false` without touching its own stock, which the OMS keeps.
     */
    async createRefund(
      orderId: string,
      input: WooCommerceRefundInput,
      deadline: number,
    ): Promise<{ id: string }> {
      return call('POST', `${order(orderId)}/refunds`, deadline, z.object({ id: Id }), {
        amount: input.amount,
        reason: input.reason,
        api_refund: false,
        api_restock: false,
        line_items: input.lines.map((line) => ({
          id: line.lineItemId,
          quantity: line.quantity,
          refund_total: line.refundTotal,
        })),
      });
    },
  };
}

export type WooCommerceClient = ReturnType<typeof createWooCommerceClient>;
