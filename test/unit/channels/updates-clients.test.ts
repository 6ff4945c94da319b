import { afterEach, describe, expect, it } from 'vitest';
import { ChannelRequestError } from '../../../functions/channels/clients/json-request.js';
import { createShopifyAdminClient } from '../../../functions/channels/clients/shopify-admin.js';
import { createWooCommerceClient } from '../../../functions/channels/clients/woocommerce-api.js';
import { aShopifyOrder, startFakeShopifyAdmin } from '../../helpers/fake-shopify-admin.js';
import {
  aWooCommerceOrder,
  FAKE_WOOCOMMERCE_KEY,
  FAKE_WOOCOMMERCE_SECRET,
  startFakeWooCommerceApi,
} from '../../helpers/fake-woocommerce-api.js';
import { instantSleep } from './updates-factories.js';

/**
 * The clients that write to channels: reads are retried on 429 and 5xx, writes only on 429 (the
 * one answer that says nothing happened), every attempt has a timeout, and a 4xx says it can
 * never succeed.
 */
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const later = () => Date.now() + 5_000;

async function shopify() {
  const fake = await startFakeShopifyAdmin();
  closers.push(fake.close);
  fake.addOrder(aShopifyOrder('450789469', [{ id: '466157049', price: '11.99', quantity: 2 }]));
  const { sleep, waits } = instantSleep();
  const client = createShopifyAdminClient({
    baseUrl: fake.baseUrl,
    accessToken: fake.token,
    sleep,
    timeoutMs: 300,
  });
  return { fake, client, waits };
}

async function failureOf(operation: Promise<unknown>): Promise<ChannelRequestError> {
  const error = await operation.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ChannelRequestError);
  return error as ChannelRequestError;
}

describe('Shopify Admin client', () => {
  it('reads an order’s fulfillment orders with the store’s access token and the pinned API version', async () => {
    const { fake, client } = await shopify();

    const orders = await client.fulfillmentOrders('450789469', later());

    expect(orders).toEqual([
      expect.objectContaining({ id: '4507894691', status: 'open', assigned_location_id: '655441491' }),
    ]);
    expect(orders[0]!.line_items[0]).toMatchObject({ line_item_id: '466157049', fulfillable_quantity: 2 });
    expect(fake.requests[0]).toMatchObject({
      method: 'GET',
      path: '/admin/api/2025-07/orders/450789469/fulfillment_orders.json',
      headers: expect.objectContaining({ 'x-shopify-access-token': fake.token }),
    });
  });

  it('creates a fulfillment with tracking and notify_customer on the fulfillment order line items', async () => {
    const { fake, client } = await shopify();

    await client.createFulfillment(
      {
        lineItemsByFulfillmentOrder: [
          { fulfillmentOrderId: '4507894691', lineItems: [{ id: '45078946910', quantity: 2 }] },
        ],
        tracking: { company: 'UPS', number: '1Z1', url: 'https://ups.example/1Z1' },
        notifyCustomer: true,
      },
      later(),
    );

    expect(fake.writes()[0]!.body).toEqual({
      fulfillment: {
        line_items_by_fulfillment_order: [
          {
            fulfillment_order_id: 4507894691,
            fulfillment_order_line_items: [{ id: 45078946910, quantity: 2 }],
          },
        ],
        tracking_info: { company: 'UPS', number: '1Z1', url: 'https://ups.example/1Z1' },
        notify_customer: true,
      },
    });
    expect(fake.order('450789469')!.fulfillmentOrders[0]!.status).toBe('closed');
  });

  it('retries a read that met a 503 and a 429, waiting as Retry-After asks', async () => {
    const { fake, client, waits } = await shopify();
    fake.inject({ times: 1, reply: { status: 503 } });
    fake.inject({ times: 1, reply: { status: 429, headers: { 'retry-after': '2.0' } } });

    await client.fulfillments('450789469', later());

    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([250, 2000]);
  });

  it('retries a write refused with 429, which Shopify answers before doing anything', async () => {
    const { fake, client } = await shopify();
    fake.inject({ times: 1, reply: { status: 429, headers: { 'retry-after': '1' } } });

    await client.cancelOrder('450789469', 'customer', later());

    expect(fake.writes().filter((request) => request.path.endsWith('/cancel.json'))).toHaveLength(2);
    expect(fake.order('450789469')!.cancelledAt).toBeDefined();
  });

  it('does not repeat a write that met a 500: it may have happened, so the queue retries it after a check', async () => {
    const { fake, client } = await shopify();
    fake.inject({ times: 1, reply: { status: 500, body: { errors: 'Internal' } } });

    const error = await failureOf(client.cancelOrder('450789469', 'customer', later()));

    expect(error).toMatchObject({ retryable: true, status: 500 });
    expect(fake.requests).toHaveLength(1);
  });

  it('gives up on a write that gets no answer in time, as something to retry', async () => {
    const { fake, client } = await shopify();
    fake.inject({ times: 1, reply: 'hang' });

    const error = await failureOf(client.cancelOrder('450789469', 'other', later()));

    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no complete response within 300 ms/);
  });

  it('gives up on reads when the operation runs out of time', async () => {
    const { fake, client } = await shopify();
    fake.inject({ times: 10, reply: 'hang' });

    const error = await failureOf(client.fulfillments('450789469', Date.now() + 500));

    expect(error.retryable).toBe(true);
    expect(fake.requests.length).toBeLessThanOrEqual(2);
  });

  it('reports a 4xx as a refusal that can never succeed, with what Shopify said', async () => {
    const { fake } = await shopify();
    const wrongToken = createShopifyAdminClient({ baseUrl: fake.baseUrl, accessToken: 'revoked' });

    const error = await failureOf(wrongToken.fulfillmentOrders('450789469', later()));

    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(error.message).toContain('Invalid API key or access token');
  });

  it('reports a GraphQL userError of the pick-up mutation as a refusal, and THROTTLED as retryable', async () => {
    const { fake, client } = await shopify();

    const refused = await failureOf(client.markPreparedForPickup(['999'], later()));
    fake.inject({
      times: 1,
      reply: { status: 200, body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }] } },
    });
    const throttled = await failureOf(client.markPreparedForPickup(['4507894691'], later()));

    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain('Fulfillment order gid://shopify/FulfillmentOrder/999 not found');
    expect(throttled.retryable).toBe(true);
  });

  it('treats an answer of an unexpected shape as retryable, naming what is wrong', async () => {
    const { fake, client } = await shopify();
    fake.inject({ times: 1, reply: { status: 200, body: { fulfillment_orders: [{ id: 1 }] } } });

    const error = await failureOf(client.fulfillmentOrders('450789469', later()));

    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/unexpected shape/);
  });
});

describe('WooCommerce REST client', () => {
  async function woo() {
    const fake = await startFakeWooCommerceApi();
    closers.push(fake.close);
    fake.addOrder(aWooCommerceOrder('727'));
    const { sleep } = instantSleep();
    const client = createWooCommerceClient({
      baseUrl: fake.baseUrl,
      consumerKey: FAKE_WOOCOMMERCE_KEY,
      consumerSecret: FAKE_WOOCOMMERCE_SECRET,
      sleep,
      timeoutMs: 300,
    });
    return { fake, client };
  }

  it('adds a customer note and moves the status through /wp-json/wc/v3 with HTTP Basic credentials', async () => {
    const { fake, client } = await woo();

    await client.addCustomerNote('727', 'Shipped', later());
    await client.setStatus('727', 'completed', later());

    expect(fake.writes().map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      {
        method: 'POST',
        path: '/wp-json/wc/v3/orders/727/notes',
        body: { note: 'Shipped', customer_note: true },
      },
      { method: 'PUT', path: '/wp-json/wc/v3/orders/727', body: { status: 'completed' } },
    ]);
    expect(fake.requests[0]!.headers.authorization).toMatch(/^Basic /);
    expect(fake.order('727')).toMatchObject({
      status: 'completed',
      notes: [{ note: 'Shipped', customerNote: true }],
    });
  });

  it('creates a refund that asks no gateway to move money and leaves WooCommerce stock alone', async () => {
    const { fake, client } = await woo();

    await client.createRefund(
      '727',
      {
        amount: '23.98',
        reason: 'OMS refund RF1 (return)',
        lines: [{ lineItemId: '315', quantity: 2, refundTotal: '23.98' }],
      },
      later(),
    );

    expect(fake.writes()[0]!.body).toEqual({
      amount: '23.98',
      reason: 'OMS refund RF1 (return)',
      api_refund: false,
      api_restock: false,
      line_items: [{ id: '315', quantity: 2, refund_total: '23.98' }],
    });
  });

  it('reports an unknown order as a refusal', async () => {
    const { client } = await woo();

    const error = await failureOf(client.orderStatus('404404', later()));

    expect(error).toMatchObject({ retryable: false, status: 404 });
  });
});
