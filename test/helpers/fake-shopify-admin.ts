import {
  jsonNumber,
  startFakeChannelServer,
  type RecordedRequest,
  type Reply,
} from './fake-channel-server.js';

/**
 * A Shopify store's Admin API on 127.0.0.1, with the state the channel updates read and change:
 * each order's fulfillment orders (fulfillable quantities that a fulfillment takes away),
 * fulfillments with their tracking, cancellation and refunds. Requests without the store's
 * access token are answered 401, as Shopify does. Paths are those of API version `version`.
 */
export const FAKE_SHOPIFY_TOKEN = 'shpat_fake-admin-token';

export interface FakeShopifyOrder {
  id: string;
  cancelledAt?: string;
  /** Amount the customer paid, which calculate suggests refunding from (decimal string). */
  paid: string;
  lineItems: { id: string; price: string; quantity: number }[];
  fulfillmentOrders: {
    id: string;
    status: string;
    assignedLocationId: string;
    methodType: 'shipping' | 'pick_up';
    preparedForPickup?: boolean;
    lineItems: { id: string; lineItemId: string; quantity: number; fulfillableQuantity: number }[];
  }[];
  fulfillments: {
    id: string;
    locationId: string;
    trackingNumber: string;
    trackingUrl?: string;
    company?: string;
  }[];
  refunds: { id: string; note?: string; body: unknown }[];
}

/** A paid order of one fulfillment order at one location, from its line items. */
export function aShopifyOrder(
  id: string,
  lines: { id: string; price: string; quantity: number }[],
  options: { methodType?: 'shipping' | 'pick_up'; locationId?: string } = {},
): FakeShopifyOrder {
  const paid = lines.reduce((sum, line) => sum + Number(line.price) * 100 * line.quantity, 0);
  return {
    id,
    paid: (paid / 100).toFixed(2),
    lineItems: lines,
    fulfillmentOrders: [
      {
        id: `${id}1`,
        status: 'open',
        assignedLocationId: options.locationId ?? '655441491',
        methodType: options.methodType ?? 'shipping',
        lineItems: lines.map((line, index) => ({
          id: `${id}1${index}`,
          lineItemId: line.id,
          quantity: line.quantity,
          fulfillableQuantity: line.quantity,
        })),
      },
    ],
    fulfillments: [],
    refunds: [],
  };
}

/** The request bodies the fake reads, as the Admin API documents them. */
interface FulfillmentBody {
  line_items_by_fulfillment_order?: {
    fulfillment_order_id: number | string;
    fulfillment_order_line_items: { id: number | string; quantity: number }[];
  }[];
  tracking_info?: { number?: string; url?: string; company?: string };
}
interface RefundBody {
  note?: string;
  refund_line_items?: { line_item_id: number | string; quantity: number }[];
  shipping?: { amount?: string };
}
interface RequestBody {
  fulfillment?: FulfillmentBody;
  refund?: RefundBody;
  variables?: { input?: { lineItemsByFulfillmentOrder?: { fulfillmentOrderId: string }[] } };
}

export async function startFakeShopifyAdmin(options: { version?: string; token?: string } = {}) {
  const token = options.token ?? FAKE_SHOPIFY_TOKEN;
  const root = `/admin/api/${options.version ?? '2025-07'}`;
  const orders = new Map<string, FakeShopifyOrder>();
  let nextId = 9000;

  const route = (request: RecordedRequest): Reply | undefined => {
    if (request.headers['x-shopify-access-token'] !== token) {
      return { status: 401, body: { errors: '[API] Invalid API key or access token' } };
    }
    if (!request.path.startsWith(root)) return undefined;
    const path = request.path.slice(root.length);
    const body = (request.body ?? {}) as RequestBody;
    if (request.method === 'POST' && path === '/fulfillments.json')
      return createFulfillment(body.fulfillment);
    if (request.method === 'POST' && path === '/graphql.json') return preparedForPickup(body);
    const match = /^\/orders\/([^/.]+)(\/[a-z_/]+)?\.json$/.exec(path);
    const order = match && orders.get(match[1]!);
    if (!order) return { status: 404, body: { errors: 'Not Found' } };
    const key = `${request.method} ${match[2] ?? ''}`;
    switch (key) {
      case 'GET ':
        return {
          status: 200,
          body: { order: { id: jsonNumber(order.id), cancelled_at: order.cancelledAt ?? null } },
        };
      case 'GET /fulfillment_orders':
        return {
          status: 200,
          body: { fulfillment_orders: order.fulfillmentOrders.map(fulfillmentOrderJson) },
        };
      case 'GET /fulfillments':
        return { status: 200, body: { fulfillments: order.fulfillments.map(fulfillmentJson) } };
      case 'POST /cancel':
        if (order.cancelledAt) return { status: 422, body: { error: 'Order has already been cancelled' } };
        order.cancelledAt = new Date().toISOString();
        return {
          status: 200,
          body: { order: { id: jsonNumber(order.id), cancelled_at: order.cancelledAt } },
        };
      case 'GET /refunds':
        return {
          status: 200,
          body: {
            refunds: order.refunds.map((refund) => ({
              id: jsonNumber(refund.id),
              note: refund.note ?? null,
            })),
          },
        };
      case 'POST /refunds/calculate':
        return {
          status: 200,
          body: {
            refund: {
              transactions: [
                {
                  parent_id: 801038806,
                  amount: refundable(order, body.refund),
                  kind: 'suggested_refund',
                  gateway: 'bogus',
                  maximum_refundable: order.paid,
                },
              ],
            },
          },
        };
      case 'POST /refunds': {
        const id = String((nextId += 1));
        order.refunds.push({ id, note: body.refund?.note, body: body.refund });
        return { status: 201, body: { refund: { id: jsonNumber(id), order_id: jsonNumber(order.id) } } };
      }
      default:
        return undefined;
    }
  };

  function createFulfillment(input: FulfillmentBody | undefined): Reply {
    const groups = input?.line_items_by_fulfillment_order ?? [];
    const fulfillmentOrders = groups.map((group) => findFulfillmentOrder(String(group.fulfillment_order_id)));
    if (groups.length === 0 || fulfillmentOrders.some((found) => !found)) {
      return { status: 422, body: { errors: ['Invalid fulfillment order line items'] } };
    }
    for (const [index, group] of groups.entries()) {
      const { fulfillmentOrder } = fulfillmentOrders[index]!;
      for (const line of group.fulfillment_order_line_items) {
        const item = fulfillmentOrder.lineItems.find((candidate) => candidate.id === String(line.id));
        if (!item || item.fulfillableQuantity < line.quantity) {
          return { status: 422, body: { errors: [`Invalid quantity for line item ${line.id}`] } };
        }
      }
    }
    for (const [index, group] of groups.entries()) {
      const { fulfillmentOrder } = fulfillmentOrders[index]!;
      for (const line of group.fulfillment_order_line_items) {
        fulfillmentOrder.lineItems.find(
          (candidate) => candidate.id === String(line.id),
        )!.fulfillableQuantity -= line.quantity;
      }
      const left = fulfillmentOrder.lineItems.some((item) => item.fulfillableQuantity > 0);
      fulfillmentOrder.status = left ? 'in_progress' : 'closed';
    }
    const { order, fulfillmentOrder } = fulfillmentOrders[0]!;
    const id = String((nextId += 1));
    order.fulfillments.push({
      id,
      locationId: fulfillmentOrder.assignedLocationId,
      trackingNumber: input?.tracking_info?.number ?? '',
      trackingUrl: input?.tracking_info?.url,
      company: input?.tracking_info?.company,
    });
    return {
      status: 201,
      body: { fulfillment: { id: jsonNumber(id), status: 'success', order_id: jsonNumber(order.id) } },
    };
  }

  function preparedForPickup(body: RequestBody): Reply {
    const groups = (body.variables?.input?.lineItemsByFulfillmentOrder ?? []) as {
      fulfillmentOrderId: string;
    }[];
    const userErrors = [];
    for (const group of groups) {
      const found = findFulfillmentOrder(
        group.fulfillmentOrderId.replace('gid://shopify/FulfillmentOrder/', ''),
      );
      if (!found)
        userErrors.push({
          field: ['input'],
          message: `Fulfillment order ${group.fulfillmentOrderId} not found.`,
        });
      else found.fulfillmentOrder.preparedForPickup = true;
    }
    return { status: 200, body: { data: { fulfillmentOrderLineItemsPreparedForPickup: { userErrors } } } };
  }

  function findFulfillmentOrder(id: string) {
    for (const order of orders.values()) {
      const fulfillmentOrder = order.fulfillmentOrders.find((candidate) => candidate.id === id);
      if (fulfillmentOrder) return { order, fulfillmentOrder };
    }
    return undefined;
  }

  const server = await startFakeChannelServer(route);
  return {
    ...server,
    token,
    addOrder(order: FakeShopifyOrder) {
      orders.set(order.id, order);
      return order;
    },
    order: (id: string) => orders.get(id),
  };
}

export type FakeShopifyAdmin = Awaited<ReturnType<typeof startFakeShopifyAdmin>>;

function fulfillmentOrderJson(fulfillmentOrder: FakeShopifyOrder['fulfillmentOrders'][number]) {
  return {
    id: jsonNumber(fulfillmentOrder.id),
    status: fulfillmentOrder.status,
    assigned_location_id: jsonNumber(fulfillmentOrder.assignedLocationId),
    delivery_method: { method_type: fulfillmentOrder.methodType },
    line_items: fulfillmentOrder.lineItems.map((item) => ({
      id: jsonNumber(item.id),
      line_item_id: jsonNumber(item.lineItemId),
      quantity: item.quantity,
      fulfillable_quantity: item.fulfillableQuantity,
    })),
  };
}

function fulfillmentJson(fulfillment: FakeShopifyOrder['fulfillments'][number]) {
  return {
    id: jsonNumber(fulfillment.id),
    status: 'success',
    location_id: jsonNumber(fulfillment.locationId),
    tracking_company: fulfillment.company ?? null,
    tracking_number: fulfillment.trackingNumber,
    tracking_numbers: [fulfillment.trackingNumber],
    tracking_url: fulfillment.trackingUrl ?? null,
  };
}

/** What calculate suggests: the refunded lines at their price, plus shipping, within what was paid. */
function refundable(order: FakeShopifyOrder, input: RefundBody | undefined): string {
  const lines = input?.refund_line_items ?? [];
  let cents = lines.reduce((sum, line) => {
    const item = order.lineItems.find((candidate) => candidate.id === String(line.line_item_id));
    return sum + Math.round(Number(item?.price ?? 0) * 100) * line.quantity;
  }, 0);
  cents += Math.round(Number(input?.shipping?.amount ?? 0) * 100);
  return (Math.min(cents, Math.round(Number(order.paid) * 100)) / 100).toFixed(2);
}
