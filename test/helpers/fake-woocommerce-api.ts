import { startFakeChannelServer, type RecordedRequest, type Reply } from './fake-channel-server.js';

/**
 * A WooCommerce store's REST API v3 on 127.0.0.1 (/wp-json/wc/v3), with the state the channel
 * updates read and change: each order's status, its notes and its refunds. Requests without the
 * store's consumer key and secret (HTTP Basic) are answered 401, as WooCommerce does.
 */
export const FAKE_WOOCOMMERCE_KEY = 'ck_fake-consumer-key';
export const FAKE_WOOCOMMERCE_SECRET = 'cs_fake-consumer-secret';

export interface FakeWooCommerceOrder {
  id: string;
  status: string;
  notes: { id: string; note: string; customerNote: boolean }[];
  refunds: { id: string; reason: string; body: Record<string, unknown> }[];
}

export function aWooCommerceOrder(id: string, status = 'processing'): FakeWooCommerceOrder {
  return { id, status, notes: [], refunds: [] };
}

/** `credentials`: the `<consumer key>:<consumer secret>` the store accepts. */
export async function startFakeWooCommerceApi(options: { credentials?: string } = {}) {
  const credentials = options.credentials ?? `${FAKE_WOOCOMMERCE_KEY}:${FAKE_WOOCOMMERCE_SECRET}`;
  const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  const orders = new Map<string, FakeWooCommerceOrder>();
  let nextId = 500;

  const route = (request: RecordedRequest): Reply | undefined => {
    if (request.headers.authorization !== authorization) {
      return {
        status: 401,
        body: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.' },
      };
    }
    const match = /^\/wp-json\/wc\/v3\/orders\/([^/]+)(\/notes|\/refunds)?$/.exec(request.path);
    const order = match && orders.get(match[1]!);
    if (!order)
      return {
        status: 404,
        body: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.' },
      };
    const body = (request.body ?? {}) as Record<string, unknown>;
    switch (`${request.method} ${match[2] ?? ''}`) {
      case 'GET ':
        return { status: 200, body: orderJson(order) };
      case 'PUT ':
        if (typeof body.status === 'string') order.status = body.status;
        return { status: 200, body: orderJson(order) };
      case 'GET /notes':
        return {
          status: 200,
          body: order.notes
            .filter((note) => request.query.get('type') !== 'customer' || note.customerNote)
            .map((note) => ({ id: Number(note.id), note: note.note, customer_note: note.customerNote })),
        };
      case 'POST /notes': {
        if (typeof body.note !== 'string' || body.note === '') {
          return {
            status: 400,
            body: { code: 'rest_missing_callback_param', message: 'Missing parameter(s): note' },
          };
        }
        const note = {
          id: String((nextId += 1)),
          note: body.note,
          customerNote: body.customer_note === true,
        };
        order.notes.push(note);
        return {
          status: 201,
          body: { id: Number(note.id), note: note.note, customer_note: note.customerNote },
        };
      }
      case 'GET /refunds':
        return {
          status: 200,
          body: order.refunds.map((refund) => ({ id: Number(refund.id), reason: refund.reason })),
        };
      case 'POST /refunds': {
        const refund = { id: String((nextId += 1)), reason: String(body.reason ?? ''), body };
        order.refunds.push(refund);
        return { status: 201, body: { id: Number(refund.id), amount: body.amount, reason: refund.reason } };
      }
      default:
        return undefined;
    }
  };

  const server = await startFakeChannelServer(route);
  return {
    ...server,

    /** The secret a channel keeps for this store: `<consumer key>:<consumer secret>`. */
    credentials,
    addOrder(order: FakeWooCommerceOrder) {
      orders.set(order.id, order);
      return order;
    },
    order: (id: string) => orders.get(id),
  };
}

export type FakeWooCommerceApi = Awaited<ReturnType<typeof startFakeWooCommerceApi>>;

function orderJson(order: FakeWooCommerceOrder) {
  return { id: Number(order.id), status: order.status, number: order.id, currency: 'EUR' };
}
