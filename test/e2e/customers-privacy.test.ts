import { createHmac } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { linkCustomers } from '../../functions/customers/link-customers.js';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { dynamo, tableName } from '../../functions/data/dynamo.js';
import { DEMO_CHANNEL_SECRETS } from '../../lib/local/local-config.js';
import { TABLES } from '../../lib/tables.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';
import { fetchAs, type TokenPrincipal } from '../helpers/tokens.js';
import { fixtureText } from '../unit/channels/helpers.js';

/**
 * One customer across channels, and their personal data on request, on the local runtime over
 * HTTP with tokens: a web order with an email, a sale at a store's till uploaded by the store
 * (the customer's phone and that email, from a loyalty lookup) and a later Shopify order with
 * only the phone become one customer with all three orders; the export holds everything; the
 * erasure leaves no trace of the person in any table, any published event or any log line,
 * while the amounts stay.
 */
// Every log line is written, at every level, to be scanned: set before any handler's logger exists
// (Powertools puts a logger back to its initial level at each invocation).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

let local: TestRuntime;
const logged: string[] = [];
const AGENT = { role: 'customer_service', sub: 'carla' } as const;
const STORE = 'STORE-LOUISVILLE';
const CLERK: TokenPrincipal = { role: 'store', sub: 'rui', locationIds: [STORE] };
const JSON_BODY = { 'content-type': 'application/json' };

/** What must be found before the erasure and nowhere after it (lower case; the phone as digits too). */
const PERSONAL = ['bob norman', 'bob.norman@hostmail.com', '555-0142', '5550142', 'chestnut street'];
const mentions = (text: string) => PERSONAL.filter((value) => text.toLowerCase().includes(value));

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    });
  }
  local = await startTestRuntime({ seed: false });
  await putLocation(
    aLocation(STORE, {
      address: { city: 'Louisville', country: 'US' },
      timeZone: 'America/Kentucky/Louisville',
    }),
  );
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putChannel(
    aChannel({
      channelId: 'store-pos',
      name: 'Store POS',
      secretName: 'oms/channels/app',
      defaultCountry: 'US',
    }),
  );
  await putChannel(
    aChannel({
      channelId: 'shopify',
      name: 'Shopify',
      format: 'shopify',
      secretName: 'oms/channels/shopify',
    }),
  );
}, 120_000);
afterAll(async () => {
  delete process.env.POWERTOOLS_LOG_LEVEL;
  vi.restoreAllMocks();
  await local?.stop();
});

interface CustomerView {
  customerId: string;
  identities: { type: string; value: string; linkedBy: { orderId: string; channelId: string } }[];
  merges: { customerId: string; mergedBy: { orderId: string } }[];
  orders: { orderId: string; channelId: string; status: string; total: number; currency: string }[];
  totals: { currency: string; orders: number; ordered: number; refunded: number }[];
  erasure?: { erasureId: string };
}

const webOrder = JSON.stringify(
  aCanonicalOrder({
    externalId: 'W-BOB-1',
    currency: 'USD',
    customer: { email: 'Bob.Norman@Hostmail.com', name: 'Bob Norman' },
    shippingAddress: {
      name: 'Bob Norman',
      line1: 'Chestnut Street 92',
      city: 'Louisville',
      region: 'KY',
      postalCode: '40202',
      country: 'US',
    },
    note: 'Bob Norman asks to ring twice',
  }),
);
/** The till's upload: one receipt of two sales, with the customer its loyalty lookup found. */
const posUpload = JSON.stringify({
  who: 'till-2',
  channelId: 'store-pos',
  receipts: [
    {
      receiptId: 'LOU-7',
      currency: 'USD',
      customer: { name: 'Bob Norman', phone: '(502) 555-0142', email: 'BOB.NORMAN@hostmail.com' },
    },
  ],
  sales: [
    {
      saleId: 'LOU-7-1',
      sku: 'MUG-BLUE',
      quantity: 2,
      occurredAt: '2026-11-20T16:02:00-05:00',
      receiptId: 'LOU-7',
      unitPrice: 1450,
      tax: 174,
    },
    {
      saleId: 'LOU-7-2',
      sku: 'TEA-GREEN',
      quantity: 1,
      occurredAt: '2026-11-20T16:03:00-05:00',
      receiptId: 'LOU-7',
      unitPrice: 800,
      discount: 100,
    },
  ],
});
const shopifyFixture = (JSON.parse(fixtureText('shopify-order.json')) as { order: Record<string, unknown> })
  .order;
/** A later Shopify order that knows the customer by their phone only. */
const shopifyOrder = JSON.stringify({
  ...shopifyFixture,
  email: null,
  customer: { ...(shopifyFixture.customer as Record<string, unknown>), email: null },
  phone: '+1 502-555-0142',
});

async function postShopify(body: string, eventId: string, topic = 'orders/create') {
  return local.post('/v1/channels/shopify/orders', body, {
    'x-shopify-topic': topic,
    'x-shopify-event-id': eventId,
    'x-shopify-hmac-sha256': createHmac('sha256', DEMO_CHANNEL_SECRETS.shopify).update(body).digest('base64'),
  });
}

const orderIdOf = async (response: Response) => ((await response.json()) as { orderId: string }).orderId;

async function customerByEmail(email: string): Promise<CustomerView[]> {
  const { customers } = await local.getJson<{ customers: CustomerView[] }>(
    `/v1/customers?email=${encodeURIComponent(email)}`,
  );
  return customers;
}

async function scanTables(): Promise<string> {
  const texts: string[] = [];
  for (const table of TABLES) {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await dynamo().send(
        new ScanCommand({ TableName: tableName(table.envVar), ExclusiveStartKey: cursor }),
      );
      texts.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
  }
  return texts.join('\n');
}

describe('customers across channels, export and erasure', () => {
  const orderIds: string[] = [];
  let customer: CustomerView;

  it('makes one customer of a web order, a till receipt the store uploads and a Shopify order, each sent more than once', async () => {
    const web = await local.postSignedOrder(webOrder);
    expect(web.status).toBe(202);
    orderIds.push(await orderIdOf(web));
    expect((await local.postSignedOrder(webOrder)).status).toBe(200);
    // The web order is linked before the till's receipt, which brings the phone to its customer.
    await vi.waitFor(
      async () => expect((await customerByEmail('bob.norman@hostmail.com'))[0]?.orders).toHaveLength(1),
      {
        timeout: 20_000,
        interval: 100,
      },
    );
    const upload = () =>
      fetchAs(
        local.url,
        `/v1/locations/${STORE}/pos-sales`,
        { method: 'POST', headers: JSON_BODY, body: posUpload },
        CLERK,
      );
    const pos = await upload();
    expect(pos.status).toBe(200);
    const [receipt] = ((await pos.json()) as { orders: { status: string; orderId: string }[] }).orders;
    expect(receipt).toMatchObject({ status: 'created' });
    orderIds.push(receipt!.orderId);
    expect(await (await upload()).json()).toMatchObject({
      duplicates: 2,
      orders: [{ status: 'duplicate', orderId: orderIds[1] }],
    });
    await vi.waitFor(
      async () => {
        const byPhone = await local.getJson<{ customers: CustomerView[] }>(
          '/v1/customers?phone=%2B15025550142',
        );
        expect(byPhone.customers[0]?.orders).toHaveLength(2);
      },
      { timeout: 20_000, interval: 100 },
    );
    const shopify = await postShopify(shopifyOrder, 'evt-bob-1');
    orderIds.push(await orderIdOf(shopify));
    expect((await postShopify(shopifyOrder, 'evt-bob-1')).status).toBe(200);

    customer = await vi.waitFor(
      async () => {
        const [found] = await customerByEmail('BOB.NORMAN@hostmail.com');
        expect(found?.orders).toHaveLength(3);
        return found as CustomerView;
      },
      { timeout: 20_000, interval: 100 },
    );

    expect(customer.orders.map((order) => order.orderId).sort()).toEqual([...orderIds].sort());
    expect(new Set(customer.orders.map((order) => order.channelId))).toEqual(
      new Set(['web', 'store-pos', 'shopify']),
    );
    expect(customer.orders.find((order) => order.channelId === 'store-pos')).toMatchObject({
      orderId: orderIds[1],
      status: 'COMPLETED',
      currency: 'USD',
      total: 2 * 1450 + 174 + 800 - 100,
    });
    expect(customer.identities).toHaveLength(2);
    expect(customer.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'email',
          value: 'bob.norman@hostmail.com',
          linkedBy: { orderId: orderIds[0], channelId: 'web' },
        }),
        expect.objectContaining({
          type: 'phone',
          value: '+15025550142',
          linkedBy: { orderId: orderIds[1], channelId: 'store-pos' },
        }),
      ]),
    );
    expect(customer.merges).toEqual([]);
    expect(customer.totals).toEqual([
      {
        currency: 'USD',
        orders: 3,
        ordered: customer.orders.reduce((sum, order) => sum + order.total, 0),
        refunded: 0,
      },
    ]);
    const byPhone = await local.getJson<{ customers: CustomerView[] }>(
      '/v1/customers?phone=%2B1%20502%20555%200142',
    );
    expect(byPhone.customers.map((found) => found.customerId)).toEqual([customer.customerId]);
  });

  it('links an order once when its message is delivered again', async () => {
    const message = { 'detail-type': 'OrderReceived', detail: { orderId: orderIds[2] } };
    const result = await linkCustomers({
      Records: [{ messageId: 'again', body: JSON.stringify(message) }],
    } as never);

    expect(result.batchItemFailures).toEqual([]);
    const view = await local.getJson<CustomerView>(`/v1/customers/${customer.customerId}`);
    expect(view.orders).toHaveLength(3);
    expect(view.merges).toEqual([]);
  });

  it('applies a Shopify address change, the address read from the stored change and never put on the bus', async () => {
    const shopify = JSON.parse(shopifyOrder) as { shipping_address: Record<string, unknown> };
    const updated = JSON.stringify({
      ...shopify,
      shipping_address: { ...shopify.shipping_address, address1: 'Chestnut Street 100' },
    });

    expect((await postShopify(updated, 'evt-bob-2', 'orders/updated')).status).toBe(202);

    await vi.waitFor(
      async () => {
        const view = await local.getJson<{ shippingAddress: { line1: string } }>(`/v1/orders/${orderIds[2]}`);
        expect(view.shippingAddress.line1).toBe('Chestnut Street 100');
      },
      { timeout: 20_000, interval: 100 },
    );
    const change = local.published.find((event) => event['detail-type'] === 'ChannelOrderChangeReceived');
    expect(change?.detail).toMatchObject({ change: { type: 'shipping_address', country: 'US' } });
  });

  it('lets customer service read customers, and no store', async () => {
    expect((await fetchAs(local.url, `/v1/customers/${customer.customerId}`, {}, AGENT)).status).toBe(200);
    const store = await fetchAs(local.url, `/v1/customers/${customer.customerId}`, {}, CLERK);
    expect(store.status).toBe(403);
    expect((await local.api('/v1/customers?email=nobody%40example.com')).status).toBe(200);
    expect(
      (await local.getJson<{ customers: unknown[] }>('/v1/customers?email=nobody%40example.com')).customers,
    ).toEqual([]);
    expect((await local.api('/v1/customers?email=a%40b.c&phone=%2B15025550142')).status).toBe(400);
    expect((await local.api('/v1/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });

  it('exports everything held about the person, and refuses to erase while an order is open', async () => {
    const exported = await local.post(`/v1/customers/${customer.customerId}/export`, {});
    expect(exported.status).toBe(200);
    const text = await exported.text();
    expect(mentions(text)).toEqual(PERSONAL);
    const body = JSON.parse(text) as { orders: { items: { entityType: string }[] }[] };
    expect(body.orders).toHaveLength(3);
    for (const order of body.orders) {
      expect(order.items.map((item) => item.entityType)).toEqual(
        expect.arrayContaining(['Order', 'RawPayload']),
      );
      // Raw payloads expire after the retention period (90 days unless the stage says otherwise).
      const raw = order.items.find((item) => item.entityType === 'RawPayload') as unknown as {
        receivedAt: string;
        expiration: number;
      };
      expect(raw.expiration).toBe(Math.floor(Date.parse(raw.receivedAt) / 1000) + 90 * 86_400);
    }

    const refused = await local.post(`/v1/customers/${customer.customerId}/erase`, {});
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    // The till's sale is completed at the counter; the other two are still being served.
    expect(
      ((await refused.json()) as { openOrders: { orderId: string }[] }).openOrders
        .map((open) => open.orderId)
        .sort(),
    ).toEqual([orderIds[0], orderIds[2]].sort());
  });

  it('erases the person from every table, leaving the amounts, and no event or log line ever named them', async () => {
    const before: Record<string, unknown> = {};
    const sold = await local.getJson<{ status: string; totals: unknown; lines: unknown }>(
      `/v1/orders/${orderIds[1]}`,
    );
    before[orderIds[1]!] = { totals: sold.totals, lines: sold.lines };
    // Nothing is left to cancel of goods handed over at the till.
    const tooLate = await fetchAs(
      local.url,
      `/v1/orders/${orderIds[1]}/cancel`,
      { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ reason: 'customer asked' }) },
      AGENT,
    );
    expect(tooLate.status).toBe(409);
    for (const orderId of [orderIds[0]!, orderIds[2]!]) {
      await vi.waitFor(
        async () =>
          expect((await local.getJson<{ status: string }>(`/v1/orders/${orderId}`)).status).not.toBe(
            'RECEIVED',
          ),
        { timeout: 20_000, interval: 100 },
      );
      const canceled = await fetchAs(
        local.url,
        `/v1/orders/${orderId}/cancel`,
        { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ reason: 'customer asked' }) },
        AGENT,
      );
      expect(canceled.status).toBe(200);
      const view = await local.orderWithStatus<{ status: string; totals: unknown; lines: unknown }>(
        orderId,
        'CANCELED',
      );
      before[orderId] = { totals: view.totals, lines: view.lines };
    }
    expect(mentions(await scanTables())).toEqual(PERSONAL);

    const erased = await fetchAs(
      local.url,
      `/v1/customers/${customer.customerId}/erase`,
      { method: 'POST', headers: JSON_BODY },
      AGENT,
    );
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({
      customerId: customer.customerId,
      orderIds: expect.arrayContaining(orderIds),
      requestedBy: { sub: 'carla', role: 'customer_service' },
    });

    expect(mentions(await scanTables())).toEqual([]);
    for (const orderId of orderIds) {
      const view = await local.getJson<{ totals: unknown; lines: unknown }>(`/v1/orders/${orderId}`);
      expect({ totals: view.totals, lines: view.lines }).toEqual(before[orderId]);
    }
    const after = await local.getJson<CustomerView>(`/v1/customers/${customer.customerId}`);
    expect(after.identities).toEqual([]);
    expect(after.orders).toHaveLength(3);
    expect(after.erasure).toBeDefined();
    expect(await customerByEmail('bob.norman@hostmail.com')).toEqual([]);

    expect(local.published.length).toBeGreaterThan(0);
    expect(mentions(JSON.stringify(local.published))).toEqual([]);
    expect(logged.some((line) => line.includes('Order received'))).toBe(true);
    expect(mentions(logged.join('\n'))).toEqual([]);
  });
});
