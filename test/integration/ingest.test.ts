import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { putChannel } from '../../functions/data/config-repository.js';
import { CanonicalOrder } from '../../functions/domain/order.js';
import { getOrder } from '../../functions/data/orders-repository.js';
import { postOrder } from '../../functions/ingest/post-order.js';
import { aCanonicalOrder, anApiEvent, aSignedOrderPost } from '../helpers/factories.js';
import { bodyOf } from '../helpers/http.js';
import { startMisbehavingApi } from '../helpers/misbehaving-api.js';
import { aChannel } from '../helpers/records.js';
import { useLocalTables } from '../helpers/tables.js';

let tables: Awaited<ReturnType<typeof useLocalTables>>;

beforeAll(async () => {
  tables = await useLocalTables();
  process.env.OMS_SECRETS_PROVIDER = 'local';
  process.env.OMS_LOCAL_SECRETS = JSON.stringify({ 'oms/channels/web': 'test-secret' });
  await putChannel(aChannel({ channelId: 'web', secretName: 'oms/channels/web' }));
  await putChannel(
    aChannel({ channelId: 'shop', name: 'Shopify store', format: 'shopify', secretName: 'oms/channels/web' }),
  );
  await putChannel(
    aChannel({ channelId: 'closed', name: 'Closed shop', secretName: 'oms/channels/web', active: false }),
  );
});

/** A webhook of the `shop` channel, signed as Shopify signs. */
function aShopifyWebhook(body: string, topic: string, eventId: string) {
  return anApiEvent({
    method: 'POST',
    path: '/v1/channels/shop/orders',
    pathParameters: { channelId: 'shop' },
    body,
    headers: {
      'x-shopify-topic': topic,
      'x-shopify-event-id': eventId,
      'x-shopify-hmac-sha256': createHmac('sha256', 'test-secret').update(body).digest('base64'),
    },
  });
}

function isNotAValidOrder(body: string): boolean {
  try {
    return !CanonicalOrder.safeParse(JSON.parse(body)).success;
  } catch {
    return true;
  }
}

const ordersTableItems = () => tables.itemCount('ORDERS_TABLE');

describe('POST /v1/channels/{channelId}/orders on DynamoDB Local', () => {
  it('accepts the contract example with 202, stores it as RECEIVED and points to it', async () => {
    const response = await postOrder(aSignedOrderPost({ order: aCanonicalOrder({ externalId: 'W-1001' }) }));

    expect(response.statusCode).toBe(202);
    const { orderId, status } = bodyOf(response);
    expect(status).toBe('RECEIVED');
    expect(response.headers?.location).toBe(`/v1/orders/${orderId}`);
    const stored = await getOrder(orderId);
    expect(stored).toMatchObject({
      orderId,
      channelId: 'web',
      externalId: 'W-1001',
      status: 'RECEIVED',
      currency: 'EUR',
      version: 1,
      customerKey: 'email:ana@example.com',
      reconciliation: { status: 'matched' },
    });
    expect(stored?.lines[0]).toMatchObject({ sku: 'TSHIRT-BLUE-M', quantity: 2, unitPrice: 1999 });
  });

  it('answers a repeated delivery with 200 and the same order id, writing nothing new', async () => {
    const order = aCanonicalOrder({ externalId: 'W-REPEAT' });
    const first = await postOrder(aSignedOrderPost({ order }));
    const before = await ordersTableItems();

    const second = await postOrder(aSignedOrderPost({ order }));

    expect(second.statusCode).toBe(200);
    expect(bodyOf(second)).toEqual({ orderId: bodyOf(first).orderId, status: 'ALREADY_RECEIVED' });
    expect(await ordersTableItems()).toBe(before);
  });

  it('creates one order when three copies of a delivery arrive at the same time', async () => {
    const order = aCanonicalOrder({ externalId: 'W-CONCURRENT' });
    const before = await ordersTableItems();

    const responses = await Promise.all([1, 2, 3].map(() => postOrder(aSignedOrderPost({ order }))));

    const orderIds = new Set(responses.map((response) => bodyOf(response).orderId));
    expect(orderIds.size).toBe(1);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 202]);
    // The order, its channel key and the payload as received.
    expect(await ordersTableItems()).toBe(before + 3);
  });

  it('rejects the same externalId with different content as a 409 naming the existing order', async () => {
    const first = await postOrder(aSignedOrderPost({ order: aCanonicalOrder({ externalId: 'W-CHANGED' }) }));
    const changed = aCanonicalOrder({ externalId: 'W-CHANGED', shippingPrice: 0 });

    const response = await postOrder(aSignedOrderPost({ order: changed }));

    expect(response.statusCode).toBe(409);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({
      status: 409,
      orderId: bodyOf(first).orderId,
      externalId: 'W-CHANGED',
    });
  });

  it('answers a webhook it does not ingest with 200 and the reason, storing nothing', async () => {
    const body = JSON.stringify({ id: 2002, name: '#2002', currency: 'USD', line_items: [] });
    const itemsBefore = await tables.itemCount('ORDERS_TABLE');

    const response = await postOrder(aShopifyWebhook(body, 'orders/paid', 'evt-ignored'));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      status: 'ignored',
      reason:
        'Shopify topic orders/paid is not ingested: orders enter through orders/create, cancellations through orders/cancelled and address changes through orders/updated.',
    });
    expect(await tables.itemCount('ORDERS_TABLE')).toBe(itemsBefore);
  });

  it('takes a base64-encoded body as API Gateway sends it, checking the signature over the decoded bytes', async () => {
    const order = aCanonicalOrder({ externalId: 'W-BASE64' });
    const signed = aSignedOrderPost({ order });

    const response = await postOrder({
      ...signed,
      body: Buffer.from(signed.body!, 'utf8').toString('base64'),
      isBase64Encoded: true,
    });

    expect(response.statusCode).toBe(202);
    expect(await getOrder(bodyOf(response).orderId)).toMatchObject({
      externalId: 'W-BASE64',
      status: 'RECEIVED',
    });
  });

  it('takes a channel delivery once: a redelivered event id answers with the order it created', async () => {
    const shopifyOrder = (id: number) =>
      JSON.stringify({
        id,
        name: `#${id}`,
        created_at: '2026-11-22T10:00:00-05:00',
        currency: 'USD',
        email: 'bob@example.com',
        total_price: '10.00',
        subtotal_price: '10.00',
        total_line_items_price: '10.00',
        total_tax: '0.00',
        total_discounts: '0.00',
        line_items: [{ id: 1, sku: 'MUG-1', quantity: 1, price: '10.00' }],
        shipping_address: { address1: '1 Main St', city: 'Ottawa', country_code: 'CA' },
      });
    const post = (body: string) => postOrder(aShopifyWebhook(body, 'orders/create', 'evt-42'));

    const first = await post(shopifyOrder(1001));
    const redelivered = await post(shopifyOrder(1002));

    expect(first.statusCode).toBe(202);
    expect(redelivered.statusCode).toBe(200);
    expect(bodyOf(redelivered).orderId).toBe(bodyOf(first).orderId);
  });

  it('keeps totals that do not add up, flagged as a mismatch rather than rejected', async () => {
    const order = aCanonicalOrder({
      externalId: 'W-MISMATCH',
      totals: { subtotal: 3998, discount: 0, tax: 460, shipping: 495, total: 9999 },
    });

    const response = await postOrder(aSignedOrderPost({ order }));

    expect(response.statusCode).toBe(202);
    const stored = await getOrder(bodyOf(response).orderId);
    expect(stored?.reconciliation).toMatchObject({
      status: 'mismatch',
      differences: [{ field: 'total', stated: 9999, computed: 4953 }],
    });
  });

  it('names every invalid field in a 400 problem and writes nothing', async () => {
    const before = await ordersTableItems();
    const invalid = {
      ...aCanonicalOrder({ externalId: 'W-BAD' }),
      currency: 'EURO',
      lines: [{ lineId: '1', sku: 'A', quantity: 0, unitPrice: 19.99 }],
    };

    const response = await postOrder(aSignedOrderPost({ order: invalid }));

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const paths = bodyOf(response).errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['currency', 'lines/0/quantity', 'lines/0/unitPrice']));
    expect(await ordersTableItems()).toBe(before);
  });

  it.each([
    ['a wrong secret', { secret: 'not-the-secret' }],
    ['a stale timestamp', { signedAt: Math.floor(Date.now() / 1000) - 600 }],
    ['a timestamp from the future', { signedAt: Math.floor(Date.now() / 1000) + 600 }],
  ])('rejects a request signed with %s with 401', async (_case, signing) => {
    const before = await ordersTableItems();
    const response = await postOrder(
      aSignedOrderPost({ order: aCanonicalOrder({ externalId: 'W-401' }), ...signing }),
    );
    expect(response.statusCode).toBe(401);
    expect(await ordersTableItems()).toBe(before);
  });

  it('rejects an unsigned request and a body changed after signing with 401', async () => {
    const unsigned = aSignedOrderPost({ order: aCanonicalOrder() });
    delete unsigned.headers['x-oms-signature'];
    const tampered = aSignedOrderPost({ order: aCanonicalOrder() });
    tampered.body = tampered.body?.replace('"quantity":2', '"quantity":20');

    expect((await postOrder(unsigned)).statusCode).toBe(401);
    expect((await postOrder(tampered)).statusCode).toBe(401);
  });

  it('answers 404 for an unknown or inactive channel', async () => {
    expect((await postOrder(aSignedOrderPost({ channelId: 'nope' }))).statusCode).toBe(404);
    expect((await postOrder(aSignedOrderPost({ channelId: 'closed' }))).statusCode).toBe(404);
  });

  it('answers 413 for a body over 256 KiB without reading it further', async () => {
    const huge = aCanonicalOrder({ externalId: 'W-HUGE', note: 'x'.repeat(300 * 1024) });
    const response = await postOrder(aSignedOrderPost({ order: huge }));
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response)).toMatchObject({ status: 413, limitBytes: 262144 });
  });

  it('answers every malformed payload with a 4xx problem and leaves the tables unchanged', async () => {
    const before = await ordersTableItems();
    const malformed = fc
      .oneof(
        fc.string().map((text) => text),
        fc.json(),
        fc
          .record({ externalId: fc.anything(), currency: fc.anything(), lines: fc.anything() })
          .map((value) => JSON.stringify(value)),
        fc
          .record({
            field: fc.constantFrom(
              'currency',
              'placedAt',
              'lines',
              'fulfillment',
              'shippingPrice',
              'customer',
              'totals',
              'externalId',
            ),
            value: fc.oneof(
              fc.string(),
              fc.integer(),
              fc.double(),
              fc.constant(null),
              fc.array(fc.integer()),
              fc.object(),
            ),
          })
          .map(({ field, value }) =>
            JSON.stringify({ ...aCanonicalOrder({ externalId: 'W-FUZZ' }), [field]: value }),
          ),
      )
      .filter(isNotAValidOrder);

    await fc.assert(
      fc.asyncProperty(malformed, async (body) => {
        const response = await postOrder(aSignedOrderPost({ body }));
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(response.headers?.['content-type']).toBe('application/problem+json');
      }),
      { numRuns: 200 },
    );
    expect(await ordersTableItems()).toBe(before);
  });

  it("answers 503 with Retry-After, writing nothing, when the channel's API answers a thin webhook with an endless body", async () => {
    const api = await startMisbehavingApi('endless');
    process.env.OMS_LOCAL_SECRETS = JSON.stringify({
      'oms/channels/web': 'test-secret',
      'oms/channels/bigcommerce-token': 'bc-token',
    });
    await putChannel({
      channelId: 'bigcommerce',
      name: 'BigCommerce store',
      format: 'bigcommerce',
      secretName: 'oms/channels/web',
      active: true,
      api: { baseUrl: api.baseUrl, accessTokenSecretName: 'oms/channels/bigcommerce-token' },
    });
    const before = await ordersTableItems();
    const body = JSON.stringify({
      scope: 'store/order/created',
      store_id: '1',
      data: { type: 'order', id: 250 },
    });

    try {
      const response = await postOrder(
        anApiEvent({
          method: 'POST',
          path: '/v1/channels/bigcommerce/orders',
          pathParameters: { channelId: 'bigcommerce' },
          body,
          headers: { 'x-oms-channel-secret': 'test-secret' },
        }),
      );

      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({
        'content-type': 'application/problem+json',
        'retry-after': expect.stringMatching(/^\d+$/),
      });
      expect(bodyOf(response)).toMatchObject({
        status: 503,
        detail: expect.stringContaining('/v2/orders/250'),
      });
      expect(await ordersTableItems()).toBe(before);
    } finally {
      await api.close();
    }
  });
});
