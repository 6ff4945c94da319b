import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelApiError } from '../../../functions/channels/clients/http.js';
import { createSquareClient } from '../../../functions/channels/clients/square-client.js';
import { createSquareAdapter, mapSquareOrder } from '../../../functions/channels/square.js';
import { reconcileTotals } from '../../../functions/domain/totals.js';
import {
  aRequest,
  aSquareEvent,
  aSquareOrder,
  expectOrder,
  fixture,
  recordingSleep,
  signatureHeaders,
  startFakeApi,
  validationIssues,
  type JsonObject,
  type NativeOrder,
  aChannel,
} from './helpers.js';

const THIN_ORDER_ID = 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY';

const aShippedOrder = () =>
  aSquareOrder({
    id: THIN_ORDER_ID,
    location_id: 'FPYCBCHYMXFK1',
    customer_id: 'JDKYHBWT1D4F8MFH63DBMEN8Y4',
    fulfillments: [
      {
        uid: 'VWJ1N9leLqjSDLvF2hvYjD',
        type: 'SHIPMENT',
        state: 'PROPOSED',
        shipment_details: {
          carrier: 'USPS',
          shipping_type: 'Priority',
          recipient: {
            display_name: 'Amelia Earhart',
            email_address: 'Amelia.Earhart@Example.com',
            phone_number: '+1 (206) 555-0198',
            address: {
              address_line_1: '1455 Market St',
              address_line_2: 'Suite 600',
              locality: 'San Francisco',
              administrative_district_level_1: 'CA',
              postal_code: '94103',
              country: 'US',
            },
          },
        },
      },
    ],
  });

const webhook = (event: JsonObject) => {
  const body = JSON.stringify(event);
  return aRequest(body, signatureHeaders('square', body));
};

describe('Square order mapping', () => {
  it('maps order- and line-level discounts, applied taxes and modifiers from integer minor units', () => {
    const order = mapSquareOrder(aSquareOrder());

    expect(order).toMatchObject({
      externalId: 'CAISENgvlJ6jLWAzERDzjyHVybY',
      channelOrderNumber: 'my-order-001',
      placedAt: '2020-01-17T20:47:53.293Z',
      currency: 'USD',
      fulfillment: { type: 'pickup', locationId: '057P5VYJ4A5X1' },
      totals: { subtotal: 6099, discount: 433, tax: 510, shipping: 0, total: 6176 },
    });
    expect(order.lines).toEqual([
      expect.objectContaining({
        sku: 'custom-New-York-Strip-Steak',
        quantity: 1,
        unitPrice: 1599,
        discount: 87,
        tax: 136,
        discounts: [
          { code: 'Membership Discount', amount: 8 },
          { code: 'Labor Day Sale', amount: 79 },
        ],
        taxLines: [{ name: 'State Sales Tax', rate: 0.09, amount: 136 }],
      }),
      expect.objectContaining({
        sku: 'BEMYCSMIJL46OCDV4KYIKXIB',
        name: 'New York Steak (Larger)',
        quantity: 2,
        unitPrice: 2250,
        discount: 346,
        tax: 374,
      }),
    ]);
    expect(reconcileTotals(order).status).toBe('matched');
  });

  it.each(['RetrieveOrderResponse', 'PayOrderResponse', 'UpdateOrderResponse'])(
    'maps the %s example',
    (example) => {
      const { order: square } = fixture<
        Record<string, { order: JsonObject & { total_money: { amount: number } } }>
      >('square-orders-api-examples.json')[example]!;

      const order = mapSquareOrder(square);

      expect(order.externalId).toBe(square.id);
      expect(order.totals?.total).toBe(square.total_money.amount);
      expect(reconcileTotals(order).status).toBe('matched');
    },
  );

  it('ships a SHIPMENT fulfillment to its recipient, who is also the customer', () => {
    const order = mapSquareOrder(aShippedOrder());

    expect(order).toMatchObject({
      fulfillment: { type: 'ship', method: 'Priority', carrier: 'USPS' },
      shippingAddress: {
        name: 'Amelia Earhart',
        line1: '1455 Market St',
        line2: 'Suite 600',
        city: 'San Francisco',
        region: 'CA',
        postalCode: '94103',
        country: 'US',
      },
      customer: {
        id: 'JDKYHBWT1D4F8MFH63DBMEN8Y4',
        email: 'amelia.earhart@example.com',
        name: 'Amelia Earhart',
        phone: '+12065550198',
      },
    });
  });

  it('rejects a fractional quantity and a foreign currency under their native paths', async () => {
    const square: NativeOrder = aSquareOrder();
    square.line_items[0] = { ...square.line_items[0], quantity: '1.5' };
    square.line_items[1] = {
      ...square.line_items[1],
      total_tax_money: { amount: 374, currency: 'EUR' },
    };

    const issues = await validationIssues(() => mapSquareOrder(square));

    expect(issues.map((issue) => issue.path)).toEqual([
      'line_items/0/quantity',
      'line_items/1/total_tax_money/currency',
    ]);
  });
});

describe('Square adapter (thin order.created webhook)', () => {
  it('fetches the order the webhook names and maps it', async () => {
    const fetchOrder = vi.fn(async () => aShippedOrder());
    const adapter = createSquareAdapter({ fetchOrder });

    const result = await adapter.toCanonical(webhook(aSquareEvent('OrderCreatedEvent')), aChannel('square'));

    expect(fetchOrder).toHaveBeenCalledWith(THIN_ORDER_ID, aChannel('square'));
    expect(result).toMatchObject({ kind: 'order', deliveryId: '116038d3-2948-439f-8679-fc86dbf80f69' });
    expect(expectOrder(result).externalId).toBe(THIN_ORDER_ID);
  });

  it('rejects a webhook for an order Square does not know, naming the order id', async () => {
    const adapter = createSquareAdapter({ fetchOrder: async () => undefined });

    const issues = await validationIssues(() =>
      adapter.toCanonical(webhook(aSquareEvent('OrderCreatedEvent')), aChannel('square')),
    );

    expect(issues).toEqual([
      { path: 'data/object/order_created/order_id', message: expect.stringContaining(THIN_ORDER_ID) },
    ]);
  });

  it.each(['OrderUpdatedEvent', 'OrderFulfillmentUpdatedEvent'])(
    'ignores the %s without calling Square',
    async (name) => {
      const fetchOrder = vi.fn();
      const adapter = createSquareAdapter({ fetchOrder });

      const result = await adapter.toCanonical(webhook(aSquareEvent(name)), aChannel('square'));

      expect(result.kind).toBe('ignored');
      expect(fetchOrder).not.toHaveBeenCalled();
    },
  );
});

describe('Square API client', () => {
  let api: Awaited<ReturnType<typeof startFakeApi>> | undefined;
  afterEach(async () => api?.close());

  it('retries 5xx and 429 with exponential backoff, honoring Retry-After', async () => {
    const responses = [
      { status: 503, body: { errors: [{ code: 'SERVICE_UNAVAILABLE' }] } },
      { status: 429, body: { errors: [{ code: 'RATE_LIMITED' }] }, headers: { 'retry-after': '1' } },
      { status: 200, body: { order: aShippedOrder() } },
    ];
    api = await startFakeApi(() => responses.shift()!);
    const { delays, sleep } = recordingSleep();
    const client = createSquareClient({ baseUrl: api.baseUrl, accessToken: 'EAAA-token', sleep });

    const order = (await client.retrieveOrder(THIN_ORDER_ID)) as JsonObject;

    expect(order.id).toBe(THIN_ORDER_ID);
    expect(delays).toEqual([250, 1000]);
    expect(api.requests).toHaveLength(3);
    expect(api.requests[0]).toMatchObject({
      method: 'GET',
      url: `/v2/orders/${THIN_ORDER_ID}`,
      headers: { authorization: 'Bearer EAAA-token', 'square-version': expect.any(String) },
    });
  });

  it('gives up after the last attempt', async () => {
    api = await startFakeApi(() => ({ status: 500, body: {} }));
    const { delays, sleep } = recordingSleep();
    const client = createSquareClient({
      baseUrl: api.baseUrl,
      accessToken: 't',
      sleep,
      retry: { maxAttempts: 3 },
    });

    await expect(client.retrieveOrder('X')).rejects.toThrow(/after 3 attempts \(HTTP 500\)/);
    expect(delays).toEqual([250, 500]);
  });

  it('does not retry a 401 and returns undefined for a 404', async () => {
    api = await startFakeApi((request) => ({
      status: request.url.endsWith('/missing') ? 404 : 401,
      body: {},
    }));
    const client = createSquareClient({
      baseUrl: api.baseUrl,
      accessToken: 'revoked',
      sleep: recordingSleep().sleep,
    });

    await expect(client.retrieveOrder('any')).rejects.toBeInstanceOf(ChannelApiError);
    expect(api.requests).toHaveLength(1);
    expect(await client.retrieveOrder('missing')).toBeUndefined();
  });

  it('resolves a signed thin webhook end to end through the client', async () => {
    api = await startFakeApi(() => ({ status: 200, body: { order: aShippedOrder() } }));
    const client = createSquareClient({ baseUrl: api.baseUrl, accessToken: 't' });
    const adapter = createSquareAdapter({ fetchOrder: (orderId) => client.retrieveOrder(orderId) });

    const result = await adapter.toCanonical(webhook(aSquareEvent('OrderCreatedEvent')), aChannel('square'));

    expect(expectOrder(result).fulfillment).toMatchObject({ type: 'ship', carrier: 'USPS' });
  });
});
