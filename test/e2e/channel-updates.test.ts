import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { createOrder } from '../../functions/data/orders-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { DEMO_CHANNELS } from '../../lib/local/demo-data.js';
import { DEMO_CHANNEL_API_SECRETS, LOCAL_EVENT_BUS_NAME } from '../../lib/local/local-config.js';
import {
  aShopifyOrder,
  startFakeShopifyAdmin,
  type FakeShopifyAdmin,
} from '../helpers/fake-shopify-admin.js';
import {
  aWooCommerceOrder,
  startFakeWooCommerceApi,
  type FakeWooCommerceApi,
} from '../helpers/fake-woocommerce-api.js';
import { actOk, orderStatusOf, routedFulfillmentOrders } from '../helpers/fulfillment.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aLocation, anOrder } from '../helpers/records.js';

/**
 * Channel updates on the local runtime: events published on the bus (as the fulfillment and
 * customer-service producers publish them, by the contract of docs/events.md) reach the demo
 * Shopify and WooCommerce channels, pointed at local fakes of their APIs, exactly once, though
 * each event is published twice and the channel first answers 503; a refusal ends in the
 * dead-letter queue and is delivered once redriven. And from the producer's side: an order
 * shipped through the fulfillment API completes its WooCommerce order with a tracking note.
 */
let local: TestRuntime;
let shopify: FakeShopifyAdmin;
let woo: FakeWooCommerceApi;

// Short, so that a failed update comes back within the test; the consumer then times out at half of it.
const VISIBILITY_TIMEOUT_MS = 4_000;

beforeAll(async () => {
  shopify = await startFakeShopifyAdmin({ token: DEMO_CHANNEL_API_SECRETS['oms/channels/shopify-api'] });
  woo = await startFakeWooCommerceApi({
    credentials: DEMO_CHANNEL_API_SECRETS['oms/channels/woocommerce-api'],
  });
  local = await startTestRuntime({ visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS });
  for (const [channelId, baseUrl] of [
    ['shopify', shopify.baseUrl],
    ['woocommerce', woo.baseUrl],
  ] as const) {
    const demo = DEMO_CHANNELS.find((channel) => channel.channelId === channelId)!;
    await putChannel({ ...demo, api: { baseUrl, accessTokenSecretName: `oms/channels/${channelId}-api` } });
  }
});

afterAll(async () => {
  await local?.stop();
  await shopify?.close();
  await woo?.close();
});

function publish(detailType: string, detail: Record<string, unknown>) {
  const result = local.runtime.bus.putEvents([
    {
      Source: 'oms',
      DetailType: detailType,
      Detail: JSON.stringify(detail),
      EventBusName: LOCAL_EVENT_BUS_NAME,
    },
  ]);
  expect(result.FailedEntryCount).toBe(0);
}

/** Waits until the channel-updates queue has nothing left in flight or waiting. */
async function drained() {
  await vi.waitFor(
    () => {
      const { visible, inFlight } = local.runtime.queues.channelUpdates.depth();
      if (visible + inFlight > 0) throw new Error(`${visible} waiting, ${inFlight} in flight`);
    },
    { timeout: 40_000, interval: 100 },
  );
}

describe('channel updates on the local runtime', () => {
  it('creates one Shopify fulfillment with the tracking for a shipment published twice, though Shopify first answers 503', async () => {
    shopify.addOrder(
      aShopifyOrder('820982911946154508', [{ id: '866550311766439020', price: '24.00', quantity: 1 }]),
    );
    shopify.inject({
      times: 1,
      match: (request) => request.path.endsWith('/fulfillments.json') && request.method === 'POST',
      reply: { status: 503 },
    });
    const shipment = {
      version: '1',
      eventId: 'e2e-FO1:shipment:S1',
      orderId: 'e2e-order-1',
      channelId: 'shopify',
      externalId: '820982911946154508',
      fulfillmentOrderId: 'e2e-FO1',
      locationId: 'store-lisbon',
      shipment: {
        shipmentId: 'S1',
        carrier: 'CTT',
        trackingNumber: 'RR123456785PT',
        trackingUrl: 'https://www.ctt.pt/track?RR123456785PT',
        shippedAt: new Date().toISOString(),
        lines: [{ lineId: '866550311766439020', sku: 'SHOPIFY-TEE', quantity: 1 }],
      },
    };

    publish('ShipmentCreated', shipment);
    publish('ShipmentCreated', shipment);

    await vi.waitFor(() => expect(shopify.order('820982911946154508')!.fulfillments).toHaveLength(1), {
      timeout: 30_000,
      interval: 100,
    });
    await drained();
    expect(shopify.order('820982911946154508')!.fulfillments).toEqual([
      expect.objectContaining({
        trackingNumber: 'RR123456785PT',
        company: 'CTT',
        trackingUrl: 'https://www.ctt.pt/track?RR123456785PT',
      }),
    ]);
    const posts = shopify.requests.filter(
      (request) => request.method === 'POST' && request.path.endsWith('/fulfillments.json'),
    );
    expect(posts).toHaveLength(2); // the one answered 503, and the one that created it
    expect(local.runtime.queues.channelUpdates.deadLetters()).toEqual([]);
  }, 60_000);

  it('records one WooCommerce refund for a refund published twice, though WooCommerce first answers 503', async () => {
    woo.addOrder(aWooCommerceOrder('727'));
    woo.inject({
      times: 1,
      match: (request) => request.path.endsWith('/refunds') && request.method === 'POST',
      reply: { status: 503 },
    });
    const refund = {
      version: '1',
      eventId: 'e2e-RF1:recorded',
      orderId: 'e2e-order-2',
      channelId: 'woocommerce',
      externalId: '727',
      refundId: 'e2e-RF1',
      cause: 'return',
      currency: 'EUR',
      total: 1999,
      shipping: 0,
      lines: [{ lineId: '315', sku: 'WOO-MUG', quantity: 1, amount: 1999 }],
      recordedAt: new Date().toISOString(),
    };

    publish('RefundRecorded', refund);
    publish('RefundRecorded', refund);

    await vi.waitFor(() => expect(woo.order('727')!.refunds).toHaveLength(1), {
      timeout: 30_000,
      interval: 100,
    });
    await drained();
    expect(woo.order('727')!.refunds.map((recorded) => recorded.body)).toEqual([
      expect.objectContaining({ amount: '19.99', api_refund: false, reason: 'OMS refund e2e-RF1 (return)' }),
    ]);
  }, 60_000);

  it('tells Shopify a pick-up and WooCommerce a shipment once each, though SQS delivers each message twice', async () => {
    local.runtime.faults.configure({
      rules: [{ kind: 'duplicate-message', queue: 'ChannelUpdatesQueue', times: 2 }],
    });
    shopify.addOrder(
      aShopifyOrder('820982911946154600', [{ id: '866550311766439100', price: '12.00', quantity: 1 }], {
        methodType: 'pick_up',
      }),
    );
    woo.addOrder(aWooCommerceOrder('728'));
    const common = { version: '1', fulfillmentOrderId: 'e2e-FO4', locationId: 'store-lisbon' };

    publish('OrderReadyForPickup', {
      ...common,
      eventId: 'e2e-FO4:ready',
      orderId: 'e2e-order-4',
      channelId: 'shopify',
      externalId: '820982911946154600',
      pickupCode: '482913',
      readyAt: new Date().toISOString(),
    });
    publish('ShipmentCreated', {
      ...common,
      eventId: 'e2e-FO5:shipment:S5',
      orderId: 'e2e-order-5',
      channelId: 'woocommerce',
      externalId: '728',
      shipment: {
        shipmentId: 'S5',
        carrier: 'DHL',
        trackingNumber: 'JD014600006281230000',
        shippedAt: new Date().toISOString(),
        lines: [{ lineId: '316', sku: 'WOO-MUG', quantity: 1 }],
      },
    });

    await drained();
    expect(local.runtime.faults.firedCount('duplicate-message')).toBe(2);
    expect(shopify.order('820982911946154600')!.fulfillmentOrders[0]!.preparedForPickup).toBe(true);
    expect(shopify.writes().filter((request) => request.path.endsWith('/graphql.json'))).toHaveLength(1);
    expect(woo.order('728')!.notes).toEqual([
      expect.objectContaining({ customerNote: true, note: expect.stringContaining('JD014600006281230000') }),
    ]);
    // The OMS does not know order e2e-order-5, so nothing says it has shipped in full.
    expect(woo.order('728')!.status).toBe('processing');
  }, 60_000);

  it('completes a WooCommerce order with a tracking note when the fulfillment API ships it', async () => {
    const sku = 'E2E-CHANNEL-MUG';
    await putLocation(
      aLocation('STORE-E2E-CHANNELS', { lat: 38.7103, lon: -9.1366, capabilities: ['ship'] }),
    );
    await putStockLevel(
      newStockLevel({ sku, locationId: 'STORE-E2E-CHANNELS', onHand: 5, now: new Date().toISOString() }),
    );
    woo.addOrder(aWooCommerceOrder('729'));
    const order = anOrder(
      { orderId: '01JD0000000000000000000729', channelId: 'woocommerce' },
      {
        externalId: '729',
        lines: [{ lineId: '317', sku, quantity: 1, unitPrice: 900, discount: 0, tax: 0 }],
        totals: undefined,
      },
    );
    expect(await createOrder(order)).toEqual({ created: true });
    const [fulfillmentOrder] = await routedFulfillmentOrders(local, order.orderId);
    const id = fulfillmentOrder!.fulfillmentOrderId;

    await actOk(local, id, 'accept');
    await actOk(local, id, 'pick', { lines: [{ lineId: '317', quantity: 1 }] });
    await actOk(local, id, 'pack', {
      packages: [{ lines: [{ lineId: '317', quantity: 1 }], weightGrams: 400 }],
    });
    await actOk(local, id, 'ship', {
      carrier: 'CTT',
      trackingNumber: 'CT000000729PT',
      trackingUrl: 'https://track.example/CT000000729PT',
    });

    expect(await orderStatusOf(local, order.orderId)).toBe('SHIPPED');
    await vi.waitFor(() => expect(woo.order('729')!.status).toBe('completed'), {
      timeout: 30_000,
      interval: 100,
    });
    expect(woo.order('729')!.notes).toEqual([
      expect.objectContaining({ customerNote: true, note: expect.stringContaining('CT000000729PT') }),
    ]);
  }, 60_000);

  it('dead-letters a cancellation the channel refuses, asking it once, and delivers it once redriven', async () => {
    const canceled = {
      version: '1',
      eventId: 'e2e-ORD3:cancel:1',
      orderId: 'e2e-order-3',
      channelId: 'shopify',
      externalId: '5550001',
      reason: 'customer',
      lines: [{ lineId: '5550002', sku: 'SHOPIFY-TEE', quantity: 1 }],
      canceledAt: new Date().toISOString(),
    };
    const asked = () => shopify.requests.filter((request) => request.path.includes('/orders/5550001')).length;

    publish('OrderCanceled', canceled);

    await vi.waitFor(() => expect(local.runtime.queues.channelUpdates.deadLetters()).toHaveLength(1), {
      timeout: 50_000,
      interval: 200,
    });
    expect(asked()).toBe(1); // Shopify answered 404 once; the redeliveries did not ask again

    shopify.addOrder(aShopifyOrder('5550001', [{ id: '5550002', price: '5.00', quantity: 1 }]));
    expect(local.runtime.redrive('ChannelUpdatesQueue')).toEqual({ queue: 'ChannelUpdatesQueue', moved: 1 });

    await vi.waitFor(() => expect(shopify.order('5550001')!.cancelledAt).toBeDefined(), {
      timeout: 20_000,
      interval: 100,
    });
    await drained();
    expect(local.runtime.queues.channelUpdates.deadLetters()).toEqual([]);
  }, 90_000);
});
