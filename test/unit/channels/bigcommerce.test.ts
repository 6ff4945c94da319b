import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBigCommerceAdapter, mapBigCommerceOrder } from '../../../functions/channels/bigcommerce.js';
import { createBigCommerceClient } from '../../../functions/channels/clients/bigcommerce-client.js';
import { reconcileTotals } from '../../../functions/domain/totals.js';
import {
  aBigCommerceOrder,
  aBigCommerceProductList,
  aBigCommerceShippingAddress,
  aBigCommerceWebhook,
  aRequest,
  expectOrder,
  recordingSleep,
  signatureHeaders,
  startFakeApi,
  validationIssues,
  type JsonObject,
  aChannel,
} from './helpers.js';

const aBundle = (
  order: JsonObject = aBigCommerceOrder(),
  shippingAddresses: JsonObject[] = [aBigCommerceShippingAddress()],
) => ({
  order,
  products: aBigCommerceProductList(),
  shippingAddresses,
});

const pickupConsignment = (location: JsonObject) => ({
  pickups: [
    {
      id: 3,
      pickup_method_id: 10,
      pickup_method_display_name: 'Pickup at Location 1',
      location,
      line_items: [{ id: 301 }],
    },
  ],
  shipping: [],
});

const webhook = (event: JsonObject) => {
  const body = JSON.stringify(event);
  return aRequest(body, signatureHeaders('bigcommerce', body));
};

describe('BigCommerce order mapping', () => {
  it('maps a V2 order with its products and shipping address', () => {
    const order = mapBigCommerceOrder(aBundle());

    expect(order).toMatchObject({
      externalId: '250',
      placedAt: '2024-03-05T21:38:13.000Z',
      currency: 'USD',
      fulfillment: { type: 'ship', method: 'UPS Ground' },
      shippingPrice: 1000,
      shippingTax: 83,
      orderDiscount: 0,
      customer: { id: '11', email: 'jane.doe@example.com', name: 'Jane Doe' },
      shippingAddress: {
        name: 'Jane Doe',
        company: 'Acme',
        line1: '455 Main St',
        line2: 'Suite 2',
        city: 'Austin',
        region: 'Texas',
        postalCode: '78701',
        country: 'US',
      },
      totals: { subtotal: 9000, discount: 500, tax: 826, shipping: 1000, total: 10326 },
      note: 'Leave at the back door',
    });
    expect(order.lines).toEqual([
      expect.objectContaining({
        lineId: '301',
        sku: 'OTL-1',
        quantity: 2,
        unitPrice: 3000,
        discount: 333,
        tax: 495,
        discounts: [{ code: 'SPRING', amount: 333 }],
      }),
      expect.objectContaining({
        lineId: '302',
        sku: '502',
        quantity: 1,
        unitPrice: 3000,
        discount: 167,
        tax: 248,
      }),
    ]);
    expect(reconcileTotals(order).status).toBe('matched');
  });

  it('maps a pick-up consignment to its location code, else its location id', () => {
    const byCode = mapBigCommerceOrder(
      aBundle(aBigCommerceOrder({ consignments: [pickupConsignment({ id: 1, code: 'AUSTIN-1' })] }), []),
    );
    const byId = mapBigCommerceOrder(
      aBundle(aBigCommerceOrder({ consignments: pickupConsignment({ id: 7, name: 'Store 7' }) }), []),
    );

    expect(byCode.fulfillment).toEqual({ type: 'pickup', locationId: 'AUSTIN-1' });
    expect(byId.fulfillment).toEqual({ type: 'pickup', locationId: '7' });
  });

  it('refuses an order that mixes pick-up and shipping, naming its consignments', async () => {
    const mixed = aBundle(
      aBigCommerceOrder({ consignments: [pickupConsignment({ id: 1, code: 'AUSTIN-1' })] }),
    );

    const issues = await validationIssues(() => mapBigCommerceOrder(mixed));

    expect(issues).toEqual([{ path: 'order/consignments', message: expect.stringContaining('mixes') }]);
  });

  it('names the resource and field of a problem', async () => {
    const products = aBigCommerceProductList();
    products[1] = { ...products[1], quantity: 0 };

    const issues = await validationIssues(() => mapBigCommerceOrder({ ...aBundle(), products }));

    expect(issues.map((issue) => issue.path)).toEqual(['products/1/quantity']);
  });
});

describe('BigCommerce adapter (thin webhook)', () => {
  it('fetches the order the webhook names and uses the payload hash as the delivery id', async () => {
    const fetchOrder = vi.fn(async () => aBundle());
    const adapter = createBigCommerceAdapter({ fetchOrder });

    const result = await adapter.toCanonical(webhook(aBigCommerceWebhook()), aChannel('bigcommerce'));

    expect(fetchOrder).toHaveBeenCalledWith(250, aChannel('bigcommerce'));
    expect(result).toMatchObject({ kind: 'order', deliveryId: 'dd70c0976e06b67aaf671e73f49dcb79230ebf9d' });
    expect(expectOrder(result).externalId).toBe('250');
  });

  it('ignores other scopes without calling the API', async () => {
    const fetchOrder = vi.fn();

    const result = await createBigCommerceAdapter({ fetchOrder }).toCanonical(
      webhook(aBigCommerceWebhook('store/order/statusUpdated')),
      aChannel('bigcommerce'),
    );

    expect(result).toEqual({ kind: 'ignored', reason: expect.stringContaining('store/order/statusUpdated') });
    expect(fetchOrder).not.toHaveBeenCalled();
  });

  it('rejects a webhook for an order the store does not know', async () => {
    const adapter = createBigCommerceAdapter({ fetchOrder: async () => undefined });

    const issues = await validationIssues(() =>
      adapter.toCanonical(webhook(aBigCommerceWebhook()), aChannel('bigcommerce')),
    );

    expect(issues).toEqual([{ path: 'data/id', message: expect.stringContaining('250') }]);
  });
});

describe('BigCommerce API client', () => {
  let api: Awaited<ReturnType<typeof startFakeApi>> | undefined;
  afterEach(async () => api?.close());

  it('reads the order, its products and its shipping addresses, retrying a 502 and reading 204 as empty', async () => {
    let orderCalls = 0;
    api = await startFakeApi((request) => {
      if (request.url.startsWith('/stores/abc123/v2/orders/250?')) {
        orderCalls += 1;
        return orderCalls === 1
          ? { status: 502, body: {} }
          : {
              status: 200,
              body: aBigCommerceOrder({ consignments: [pickupConsignment({ id: 1, code: 'AUSTIN-1' })] }),
            };
      }
      if (request.url.startsWith('/stores/abc123/v2/orders/250/products'))
        return { status: 200, body: aBigCommerceProductList() };
      return { status: 204 };
    });
    const { delays, sleep } = recordingSleep();
    const client = createBigCommerceClient({
      baseUrl: `${api.baseUrl}/stores/abc123/`,
      accessToken: 'bc-token',
      sleep,
    });

    const bundle = await client.fetchOrder(250);

    expect(delays).toEqual([250]);
    expect(bundle?.shippingAddresses).toEqual([]);
    expect(mapBigCommerceOrder(bundle!).fulfillment).toEqual({ type: 'pickup', locationId: 'AUSTIN-1' });
    expect(api.requests.map((request) => request.url)).toEqual(
      expect.arrayContaining([
        '/stores/abc123/v2/orders/250?include=consignments',
        '/stores/abc123/v2/orders/250/products?limit=250&page=1',
        '/stores/abc123/v2/orders/250/shipping_addresses?limit=250&page=1',
      ]),
    );
    expect(api.requests.every((request) => request.headers['x-auth-token'] === 'bc-token')).toBe(true);
  });

  it('reads every page of a long product list', async () => {
    const product = aBigCommerceProductList()[0]!;
    api = await startFakeApi((request) => {
      if (request.url.includes('/products')) {
        const page = Number(new URL(request.url, 'http://x').searchParams.get('page'));
        return {
          status: 200,
          body: Array.from({ length: page === 1 ? 250 : 3 }, (_, index) => ({
            ...product,
            id: page * 1000 + index,
          })),
        };
      }
      return request.url.includes('/shipping_addresses')
        ? { status: 200, body: [aBigCommerceShippingAddress()] }
        : { status: 200, body: aBigCommerceOrder() };
    });
    const client = createBigCommerceClient({ baseUrl: api.baseUrl, accessToken: 't' });

    const bundle = await client.fetchOrder(250);

    expect(bundle?.products).toHaveLength(253);
  });

  it('returns undefined for an order the store does not have', async () => {
    api = await startFakeApi(() => ({
      status: 404,
      body: { status: 404, title: 'The requested resource was not found.' },
    }));

    expect(
      await createBigCommerceClient({ baseUrl: api.baseUrl, accessToken: 't' }).fetchOrder(9),
    ).toBeUndefined();
    expect(api.requests).toHaveLength(1);
  });
});
