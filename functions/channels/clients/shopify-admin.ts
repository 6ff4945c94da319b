import * as z from 'zod';
import { ChannelRequestError, channelApiCaller, type JsonRequestOptions } from './json-request.js';

/**
 * The slice of Shopify's Admin API that tells a Shopify store what the OMS did with its order.
 * REST (`/admin/api/<version>/…json`) for fulfillment orders, fulfillments, cancellation and
 * refunds; GraphQL (`/admin/api/<version>/graphql.json`) for "ready for pickup", which REST does
 * not offer. Authentication is the store's Admin API access token in X-Shopify-Access-Token.
 * Answers are parsed for the fields used, tolerating everything else Shopify sends.
 */
export const SHOPIFY_ADMIN_API_VERSION = '2025-07';

export interface ShopifyAdminOptions extends JsonRequestOptions {
  /** https://<shop>.myshopify.com */
  baseUrl: string;
  accessToken: string;
  apiVersion?: string;
}

const Id = z.union([z.number(), z.string()]).transform(String);

const FulfillmentOrder = z.object({
  id: Id,
  status: z.string(),
  assigned_location_id: Id.nullish(),
  delivery_method: z.object({ method_type: z.string().nullish() }).nullish(),
  line_items: z.array(
    z.object({ id: Id, line_item_id: Id, quantity: z.number(), fulfillable_quantity: z.number() }),
  ),
});
export type ShopifyFulfillmentOrder = z.output<typeof FulfillmentOrder>;

const Fulfillment = z.object({
  id: Id,
  status: z.string().nullish(),
  location_id: Id.nullish(),
  tracking_number: z.string().nullish(),
  tracking_numbers: z.array(z.string()).nullish(),
});
export type ShopifyFulfillment = z.output<typeof Fulfillment>;

const Order = z.object({ id: Id, cancelled_at: z.string().nullish() });

const Refund = z.object({ id: Id, note: z.string().nullish() });

const SuggestedTransaction = z.object({
  parent_id: Id,
  amount: z.string(),
  gateway: z.string(),
  kind: z.string().optional(),
});
export type ShopifySuggestedTransaction = z.output<typeof SuggestedTransaction>;

const CalculatedRefund = z.object({ transactions: z.array(SuggestedTransaction).default([]) });

const GraphQlAnswer = z.object({
  data: z
    .object({
      fulfillmentOrderLineItemsPreparedForPickup: z
        .object({ userErrors: z.array(z.object({ message: z.string() })).default([]) })
        .nullish(),
    })
    .nullish(),
  errors: z
    .array(z.object({ message: z.string(), extensions: z.object({ code: z.string() }).partial().nullish() }))
    .optional(),
});

export interface ShopifyFulfillmentInput {
  lineItemsByFulfillmentOrder: {
    fulfillmentOrderId: string;
    lineItems: { id: string; quantity: number }[];
  }[];
  tracking: { company: string; number: string; url?: string };
  notifyCustomer: boolean;
}

export interface ShopifyRefundInput {
  currency: string;
  note: string;
  notify: boolean;
  /** Decimal amount of shipping refunded, in the order's currency. */
  shipping?: string;
  lines: { lineItemId: string; quantity: number; restockType: 'no_restock' | 'cancel' | 'return' }[];
}

const PREPARED_FOR_PICKUP = `mutation PreparedForPickup($input: FulfillmentOrderLineItemsPreparedForPickupInput!) {
  fulfillmentOrderLineItemsPreparedForPickup(input: $input) { userErrors { field message } }
}`;

export function createShopifyAdminClient(options: ShopifyAdminOptions) {
  const root = `${options.baseUrl.replace(/\/+$/, '')}/admin/api/${options.apiVersion ?? SHOPIFY_ADMIN_API_VERSION}`;
  const headers = { 'x-shopify-access-token': options.accessToken };

  const call = channelApiCaller('Shopify', root, headers, options);

  const order = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;

  return {
    async fulfillmentOrders(orderId: string, deadline: number): Promise<ShopifyFulfillmentOrder[]> {
      const answer = await call(
        'GET',
        `${order(orderId)}/fulfillment_orders.json`,
        deadline,
        z.object({ fulfillment_orders: z.array(FulfillmentOrder) }),
      );
      return answer.fulfillment_orders;
    },

    async fulfillments(orderId: string, deadline: number): Promise<ShopifyFulfillment[]> {
      const answer = await call(
        'GET',
        `${order(orderId)}/fulfillments.json?limit=250`,
        deadline,
        z.object({ fulfillments: z.array(Fulfillment) }),
      );
      return answer.fulfillments;
    },

    /** POST /fulfillments.json: one fulfillment with one tracking number, over one or more fulfillment orders. */
    async createFulfillment(input: ShopifyFulfillmentInput, deadline: number): Promise<{ id: string }> {
      const answer = await call(
        'POST',
        '/fulfillments.json',
        deadline,
        z.object({ fulfillment: z.object({ id: Id }) }),
        {
          fulfillment: {
            line_items_by_fulfillment_order: input.lineItemsByFulfillmentOrder.map((group) => ({
              fulfillment_order_id: restId(group.fulfillmentOrderId),
              fulfillment_order_line_items: group.lineItems.map((line) => ({
                id: restId(line.id),
                quantity: line.quantity,
              })),
            })),
            tracking_info: {
              company: input.tracking.company,
              number: input.tracking.number,
              ...(input.tracking.url && { url: input.tracking.url }),
            },
            notify_customer: input.notifyCustomer,
          },
        },
      );
      return answer.fulfillment;
    },

    /** GraphQL fulfillmentOrderLineItemsPreparedForPickup: Shopify sends its "Ready for pickup" notification. */
    async markPreparedForPickup(fulfillmentOrderIds: string[], deadline: number): Promise<void> {
      const answer = await call('POST', '/graphql.json', deadline, GraphQlAnswer, {
        query: PREPARED_FOR_PICKUP,
        variables: {
          input: {
            lineItemsByFulfillmentOrder: fulfillmentOrderIds.map((id) => ({
              fulfillmentOrderId: `gid://shopify/FulfillmentOrder/${id}`,
            })),
          },
        },
      });
      // GraphQL answers 200 even when throttled: the cost limit is reported as an error code.
      const errors = answer.errors ?? [];
      if (errors.some((error) => error.extensions?.code === 'THROTTLED')) {
        throw new ChannelRequestError('Shopify GraphQL throttled the pick-up mutation.', true);
      }
      if (errors.length > 0) {
        throw new ChannelRequestError(
          `Shopify GraphQL refused the pick-up mutation: ${errors.map((e) => e.message).join('; ')}`,
          false,
        );
      }
      const userErrors = answer.data?.fulfillmentOrderLineItemsPreparedForPickup?.userErrors ?? [];
      if (userErrors.length > 0) {
        throw new ChannelRequestError(
          `Shopify refused to mark the order ready for pickup: ${userErrors.map((e) => e.message).join('; ')}`,
          false,
        );
      }
    },

    async isCanceled(orderId: string, deadline: number): Promise<boolean> {
      const answer = await call(
        'GET',
        `${order(orderId)}.json?fields=id,cancelled_at`,
        deadline,
        z.object({ order: Order }),
      );
      return Boolean(answer.order.cancelled_at);
    },

    /**
     * POST /orders/{id}/cancel.json without an amount: Shopify cancels and emails the customer but
     * refunds nothing; the money follows in the RefundRecorded the OMS sends as a refund.
     */
    async cancelOrder(orderId: string, reason: ShopifyCancelReason, deadline: number): Promise<void> {
      await call('POST', `${order(orderId)}/cancel.json`, deadline, z.unknown(), {
        reason,
        email: true,
        restock: false,
      });
    },

    async refunds(orderId: string, deadline: number): Promise<{ id: string; note?: string | null }[]> {
      const answer = await call(
        'GET',
        `${order(orderId)}/refunds.json?fields=id,note`,
        deadline,
        z.object({ refunds: z.array(Refund) }),
      );
      return answer.refunds;
    },

    /** POST /orders/{id}/refunds/calculate.json: the transactions (parent, gateway, amount) Shopify suggests. */
    async calculateRefund(
      orderId: string,
      input: ShopifyRefundInput,
      deadline: number,
    ): Promise<ShopifySuggestedTransaction[]> {
      const answer = await call(
        'POST',
        `${order(orderId)}/refunds/calculate.json`,
        deadline,
        z.object({ refund: CalculatedRefund }),
        {
          refund: { currency: input.currency, ...refundBody(input) },
        },
      );
      return answer.refund.transactions;
    },

    async createRefund(
      orderId: string,
      input: ShopifyRefundInput,
      transactions: { parentId: string; amount: string; gateway: string }[],
      deadline: number,
    ): Promise<{ id: string }> {
      const answer = await call(
        'POST',
        `${order(orderId)}/refunds.json`,
        deadline,
        z.object({ refund: z.object({ id: Id }) }),
        {
          refund: {
            currency: input.currency,
            note: input.note,
            notify: input.notify,
            ...refundBody(input),
            transactions: transactions.map((transaction) => ({
              parent_id: restId(transaction.parentId),
              amount: transaction.amount,
              kind: 'refund',
              gateway: transaction.gateway,
            })),
          },
        },
      );
      return answer.refund;
    },
  };
}

export type ShopifyAdminClient = ReturnType<typeof createShopifyAdminClient>;

/** The reasons Shopify's cancel endpoint accepts. */
export const SHOPIFY_CANCEL_REASONS = ['customer', 'inventory', 'fraud', 'declined', 'other'] as const;
export type ShopifyCancelReason = (typeof SHOPIFY_CANCEL_REASONS)[number];

function refundBody(input: ShopifyRefundInput) {
  return {
    ...(input.shipping !== undefined && { shipping: { amount: input.shipping } }),
    refund_line_items: input.lines.map((line) => ({
      line_item_id: restId(line.lineItemId),
      quantity: line.quantity,
      restock_type: line.restockType,
    })),
  };
}

/** REST ids are numbers in Shopify's JSON; one too large for a JS number stays a string. */
function restId(id: string): number | string {
  const value = Number(id);
  return /^\d+$/.test(id) && Number.isSafeInteger(value) ? value : id;
}
