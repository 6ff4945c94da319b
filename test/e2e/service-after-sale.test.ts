import { createHmac } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putCarrierAccount, putChannel, putLocation } from '../../functions/data/config-repository.js';
import { getAggregate, putStockLevel } from '../../functions/data/inventory-repository.js';
import type { Location } from '../../functions/domain/location.js';
import { signOmsPayload } from '../../functions/domain/signature.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { SHIPPO_SIGNATURE_HEADER } from '../../functions/fulfillment/carriers/shippo-webhook.js';
import { DEMO_CHANNEL_SECRETS, DEMO_SHIPPO_SECRETS } from '../../lib/local/local-config.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { act, actOk, expectInventoryConsistent } from '../helpers/fulfillment.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';
import { fetchAs, type TokenPrincipal } from '../helpers/tokens.js';
import { fixtureText } from '../unit/channels/helpers.js';

/**
 * Customer service after the sale on the local runtime, over HTTP with tokens: cancellations
 * that give stock back (at once, or once the location that has started accepts), a cancel request
 * a location refuses, a partial cancellation of an order not routed yet, an address change that
 * moves unstarted work, a return taken at a store other than the one that shipped, an exchange,
 * and a Shopify cancellation webhook. The stores work their fulfillment orders through the
 * fulfillment routes with their own tokens; deliveries arrive as signed Shippo tracking webhooks.
 */
let local: TestRuntime;
const AGENT = { role: 'customer_service', sub: 'carla' } as const;
const PORTO_CLERK: TokenPrincipal = { role: 'store', sub: 'rui', locationIds: ['STORE-PORTO'] };
const BAIXA_CLERK: TokenPrincipal = { role: 'store', sub: 'maria', locationIds: ['STORE-BAIXA'] };

const aStore = (locationId: string, lat: number, lon: number, country = 'PT'): Location =>
  aLocation(locationId, {
    name: locationId,
    lat,
    lon,
    capabilities: ['ship', 'pickup'],
    costPerShipment: 500,
    address: { line1: 'Rua 1', city: locationId, country },
  });

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web', returnWindowDays: 30 }));
  await putChannel(
    aChannel({
      channelId: 'shopify',
      name: 'Shopify',
      format: 'shopify',
      secretName: 'oms/channels/shopify',
    }),
  );
  await putLocation(aStore('STORE-BAIXA', 38.7107, -9.1374));
  await putLocation(aStore('STORE-ALVALADE', 38.7527, -9.1435));
  await putLocation(aStore('STORE-PORTO', 41.1496, -8.611));
  await putLocation(aStore('STORE-MADRID', 40.4168, -3.7038, 'ES'));
  await putLocation(aStore('WH-NJ', 40.0583, -74.4057, 'US'));
  await putCarrierAccount({
    carrierId: 'shippo',
    baseUrl: 'https://api.goshippo.com',
    apiTokenSecretName: DEMO_SHIPPO_SECRETS.apiToken.name,
    webhookSecretName: DEMO_SHIPPO_SECRETS.webhook.name,
    active: true,
  });
  const now = new Date().toISOString();
  for (const [sku, locationId] of [
    ['MUG-RED', 'STORE-BAIXA'],
    ['TEE-GREEN-L', 'STORE-ALVALADE'],
    ['MUG-RED', 'STORE-PORTO'],
    ['LAMP-1', 'STORE-BAIXA'],
    ['LAMP-1', 'STORE-MADRID'],
    ['IPOD2008BLACK', 'WH-NJ'],
    ['IPOD2008GREEN', 'WH-NJ'],
    ['IPOD2008RED', 'WH-NJ'],
  ] as const) {
    await putStockLevel(newStockLevel({ sku, locationId, onHand: 10, now }));
  }
}, 120_000);
afterAll(() => local?.stop());

interface FulfillmentOrderView {
  fulfillmentOrderId: string;
  locationId: string;
  status: string;
}
interface OrderView {
  orderId: string;
  status: string;
  fulfillmentOrders: FulfillmentOrderView[];
  refunds: { refundId: string; total: number; lines: { lineId: string; total: number }[] }[];
  cancellations: { cancellationId: string }[];
  returns: { returnId: string }[];
}
interface Level {
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
}

const as = (principal: Record<string, unknown>, path: string, method: string, body?: unknown) =>
  fetchAs(
    local.url,
    path,
    {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    },
    principal as never,
  );

async function routedOrder(lines: unknown[], overrides: Record<string, unknown> = {}): Promise<OrderView> {
  const posted = await local.postSignedOrder(
    JSON.stringify(
      aCanonicalOrder({ externalId: `W-${ulid()}`, lines: lines as never, totals: undefined, ...overrides }),
    ),
  );
  expect(posted.status).toBe(202);
  const { orderId } = (await posted.json()) as { orderId: string };
  return local.orderWithStatus<OrderView>(orderId, 'ROUTED');
}

const levelAt = async (sku: string, locationId: string): Promise<Level> => {
  const { locations } = await local.getJson<{ locations: Level[] }>(`/v1/inventory/${sku}`);
  return locations.find((level) => level.locationId === locationId)!;
};

type Step = [action: string, body: unknown];
type FulfillmentOrderState = { lines: { lineId: string; open: number }[] };

/** Takes a fulfillment order through these steps as the store's clerk does, over HTTP. */
async function advance(
  fulfillmentOrderId: string,
  steps: Step[],
  clerk: TokenPrincipal = BAIXA_CLERK,
): Promise<void> {
  for (const [action, body] of steps) {
    const fo = await local.getJson<FulfillmentOrderState>(`/v1/fulfillment-orders/${fulfillmentOrderId}`);
    await actOk(local, fulfillmentOrderId, action, typeof body === 'function' ? body(fo) : body, {
      as: clerk,
    });
  }
}
const openLines = (fo: FulfillmentOrderState) =>
  fo.lines.filter((line) => line.open > 0).map(({ lineId, open }) => ({ lineId, quantity: open }));
const TO_THE_BENCH: Step[] = [
  ['accept', {}],
  ['pick', (fo: FulfillmentOrderState) => ({ lines: openLines(fo) })],
];
const packAndShip = (trackingNumber: string): Step[] => [
  ['pack', (fo: FulfillmentOrderState) => ({ packages: [{ lines: openLines(fo) }] })],
  ['ship', { carrier: 'CTT', trackingNumber }],
];
const toTheDoor = (trackingNumber = `RR${ulid()}PT`): Step[] => [
  ...TO_THE_BENCH,
  ...packAndShip(trackingNumber),
];

/** The carrier delivers the parcel: Shippo's signed tracking webhook, as it posts it. */
async function deliver(trackingNumber: string): Promise<void> {
  const body = JSON.stringify({
    event: 'track_updated',
    test: false,
    data: {
      carrier: 'ctt',
      tracking_number: trackingNumber,
      tracking_status: { status: 'DELIVERED', status_date: new Date().toISOString() },
    },
  });
  const signature = signOmsPayload(DEMO_SHIPPO_SECRETS.webhook.value, body, Math.floor(Date.now() / 1000));
  const response = await fetch(`${local.url}/v1/carriers/shippo/tracking`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SHIPPO_SIGNATURE_HEADER]: signature },
    body,
  });
  expect(response.status).toBe(200);
}

async function delivered(fulfillmentOrderId: string): Promise<void> {
  const trackingNumber = `RR${ulid()}PT`;
  await advance(fulfillmentOrderId, toTheDoor(trackingNumber));
  await deliver(trackingNumber);
}

const published = (orderId: string, detailType: string) =>
  local.published.filter((event) => event['detail-type'] === detailType && event.detail.orderId === orderId);

describe('cancellations', () => {
  it('cancels one line of a split order: its reservation goes back, the location’s work is canceled, the refund is exact', async () => {
    const order = await routedOrder([
      { lineId: '1', sku: 'MUG-RED', quantity: 2, unitPrice: 1200, discount: 0, tax: 276 },
      { lineId: '2', sku: 'TEE-GREEN-L', quantity: 1, unitPrice: 2500, discount: 0, tax: 575 },
    ]);
    const teeWork = order.fulfillmentOrders.find((fo) => fo.locationId === 'STORE-ALVALADE')!;
    expect((await levelAt('TEE-GREEN-L', 'STORE-ALVALADE')).reserved).toBe(1);

    const response = await as(AGENT, `/v1/orders/${order.orderId}/cancel`, 'POST', {
      reason: 'customer changed their mind',
      lines: [{ lineId: '2', quantity: 1 }],
    });

    expect(response.status).toBe(200);
    const { cancellation, refund } = (await response.json()) as {
      cancellation: { canceled: unknown[]; by: unknown; wholeOrder: boolean };
      refund: { total: number; cause: string; lines: unknown[]; shipping: { total: number } };
    };
    expect(cancellation).toMatchObject({
      canceled: [{ lineId: '2', sku: 'TEE-GREEN-L', quantity: 1 }],
      wholeOrder: false,
      by: { type: 'user', sub: 'carla', role: 'customer_service' },
    });
    expect(refund).toMatchObject({
      cause: 'cancellation',
      total: 3075,
      shipping: { total: 0 },
      lines: [
        { lineId: '2', sku: 'TEE-GREEN-L', quantity: 1, price: 2500, discount: 0, tax: 575, total: 3075 },
      ],
    });
    expect(await levelAt('TEE-GREEN-L', 'STORE-ALVALADE')).toMatchObject({ reserved: 0, available: 10 });
    expect((await levelAt('MUG-RED', 'STORE-BAIXA')).reserved).toBeGreaterThanOrEqual(2);

    const view = await local.getJson<OrderView>(`/v1/orders/${order.orderId}`);
    expect(
      view.fulfillmentOrders.find((fo) => fo.fulfillmentOrderId === teeWork.fulfillmentOrderId)?.status,
    ).toBe('CANCELED');
    expect(view.refunds.map((entry) => entry.total)).toEqual([3075]);
    await vi.waitFor(
      () => {
        expect(published(order.orderId, 'OrderLinesCanceled')[0]?.detail).toMatchObject({
          version: '1',
          orderId: order.orderId,
          channelId: 'web',
          reason: 'customer changed their mind',
          lines: [{ lineId: '2', sku: 'TEE-GREEN-L', quantity: 1 }],
        });
        expect(published(order.orderId, 'RefundRecorded')[0]?.detail).toMatchObject({
          cause: 'cancellation',
          currency: 'EUR',
          total: 3075,
          shipping: 0,
          lines: [{ lineId: '2', sku: 'TEE-GREEN-L', quantity: 1, amount: 3075 }],
        });
      },
      { timeout: 10_000, interval: 100 },
    );
    await expectInventoryConsistent(local);
  });

  it('refuses to cancel what has shipped, with a 409 that says to return it', async () => {
    const order = await routedOrder([
      { lineId: '1', sku: 'MUG-RED', quantity: 1, unitPrice: 1200, discount: 0, tax: 0 },
    ]);
    await advance(order.fulfillmentOrders[0]!.fulfillmentOrderId, toTheDoor());

    const response = await as(AGENT, `/v1/orders/${order.orderId}/cancel`, 'POST', { reason: 'too late' });

    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ hint: 'Return them once delivered: POST /v1/returns.' });
    expect((await local.getJson<OrderView>(`/v1/orders/${order.orderId}`)).cancellations).toEqual([]);
  });

  it('cancels some units of an order not routed yet: it is routed later without them', async () => {
    const posted = await local.postSignedOrder(
      JSON.stringify(
        aCanonicalOrder({
          externalId: `W-${ulid()}`,
          lines: [
            { lineId: '1', sku: 'VASE-1', quantity: 3, unitPrice: 3000, discount: 0, tax: 690 },
          ] as never,
          totals: undefined,
        }),
      ),
    );
    const { orderId } = (await posted.json()) as { orderId: string };
    await local.orderWithStatus(orderId, 'BACKORDERED');

    const response = await as(AGENT, `/v1/orders/${orderId}/cancel`, 'POST', {
      reason: 'two are enough',
      lines: [{ lineId: '1', quantity: 1 }],
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      cancellation: { canceled: [{ lineId: '1', sku: 'VASE-1', quantity: 1 }], wholeOrder: false },
      refund: { total: 3230, lines: [{ lineId: '1', quantity: 1, price: 3000, tax: 230 }] },
    });
    const received = await local.post('/v1/inventory/movements', {
      movementId: `receipt-${ulid()}`,
      type: 'receipt',
      who: 'e2e@warehouse',
      sku: 'VASE-1',
      locationId: 'STORE-BAIXA',
      quantity: 5,
    });
    expect(received.status).toBe(201);
    const routed = await local.orderWithStatus<OrderView & { fulfillmentOrders: { lines: unknown[] }[] }>(
      orderId,
      'ROUTED',
    );
    expect(routed.fulfillmentOrders).toMatchObject([
      { locationId: 'STORE-BAIXA', lines: [{ lineId: '1', sku: 'VASE-1', quantity: 2 }] },
    ]);
    expect(await levelAt('VASE-1', 'STORE-BAIXA')).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
  });

  it('cancels a whole Shopify order from its orders/cancelled webhook, once however often it comes', async () => {
    const created = JSON.stringify(JSON.parse(fixtureText('shopify-order.json')).order);
    const sign = (body: string) =>
      createHmac('sha256', DEMO_CHANNEL_SECRETS.shopify).update(body).digest('base64');
    const webhook = (topic: string, body: string, eventId: string) =>
      local.post('/v1/channels/shopify/orders', body, {
        'x-shopify-topic': topic,
        'x-shopify-event-id': eventId,
        'x-shopify-hmac-sha256': sign(body),
      });
    const posted = await webhook('orders/create', created, 'evt-create');
    const { orderId } = (await posted.json()) as { orderId: string };
    await local.orderWithStatus(orderId, 'ROUTED');
    const cancelled = JSON.stringify(JSON.parse(fixtureText('shopify-order-cancelled.json')).order);

    const first = await webhook('orders/cancelled', cancelled, 'evt-cancel');
    const again = await webhook('orders/cancelled', cancelled, 'evt-cancel');

    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ orderId, status: 'CHANGE_ACCEPTED' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'ignored' });
    await local.orderWithStatus(orderId, 'CANCELED');
    // Shopify sends the same change again under another event id: applied once all the same.
    expect((await webhook('orders/cancelled', cancelled, 'evt-cancel-2')).status).toBe(202);
    await vi.waitFor(
      () =>
        expect(
          local.published.filter(
            (event) =>
              event['detail-type'] === 'ChannelOrderChangeReceived' && event.detail.orderId === orderId,
          ),
        ).toHaveLength(2),
      { timeout: 10_000, interval: 100 },
    );
    // The second change goes through the queue too; give its consumer time to (not) act.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const view = await local.getJson<OrderView>(`/v1/orders/${orderId}`);
    expect(view.status).toBe('CANCELED');
    expect(view.cancellations).toHaveLength(1);
    expect(view.refunds).toHaveLength(1);
    expect((await levelAt('IPOD2008BLACK', 'WH-NJ')).reserved).toBe(0);
    const history = await local.getJson<{ history: { kind: string; by: { type: string } }[] }>(
      `/v1/orders/${orderId}/history`,
    );
    expect(history.history.filter((entry) => entry.kind === 'canceled')).toMatchObject([
      { by: { type: 'channel', channelId: 'shopify', deliveryId: 'evt-cancel' } },
    ]);
    await vi.waitFor(() => expect(published(orderId, 'OrderCanceled')).toHaveLength(1), {
      timeout: 10_000,
      interval: 100,
    });
    expect(published(orderId, 'OrderCanceled')[0]?.detail).toMatchObject({
      status: 'CANCELED',
      reason: 'canceled in Shopify (customer)',
      lines: expect.arrayContaining([expect.objectContaining({ sku: 'IPOD2008BLACK' })]),
    });
  });
});

describe('cancel requests a location answers', () => {
  const fulfillmentOrderOf = (fulfillmentOrderId: string) =>
    local.getJson<{
      status: string;
      lines: { open: number; released: number }[];
      cancelRequest?: unknown;
      cancelAnswers?: { answer: string; reason?: string }[];
    }>(`/v1/fulfillment-orders/${fulfillmentOrderId}`);
  const historyOf = async (orderId: string) =>
    (
      await local.getJson<{ history: { kind: string; why?: string; by: Record<string, unknown> }[] }>(
        `/v1/orders/${orderId}/history`,
      )
    ).history;

  it('accepted: the units go back to the shelf, the refund is exact and the channel is told', async () => {
    const order = await routedOrder([
      { lineId: '1', sku: 'MUG-RED', quantity: 2, unitPrice: 1200, discount: 0, tax: 276 },
    ]);
    const { fulfillmentOrderId, locationId } = order.fulfillmentOrders[0]!;
    expect(locationId).toBe('STORE-BAIXA');
    await advance(fulfillmentOrderId, [['accept', {}]]);
    // Nothing to answer yet: a 409 that says so, and nothing changes.
    const early = await act(local, fulfillmentOrderId, 'accept-cancel', {}, { as: BAIXA_CLERK });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toBe('application/problem+json');
    expect(await early.json()).toMatchObject({ guard: 'cancel_pending', currentState: 'ACCEPTED' });

    const asked = await as(AGENT, `/v1/orders/${order.orderId}/cancel`, 'POST', {
      reason: 'one is enough',
      lines: [{ lineId: '1', quantity: 1 }],
    });
    expect(asked.status).toBe(200);
    expect(await asked.json()).toMatchObject({
      cancellation: { canceled: [], requested: [{ lineId: '1', quantity: 1, fulfillmentOrderId }] },
    });
    expect(await fulfillmentOrderOf(fulfillmentOrderId)).toMatchObject({
      cancelRequest: { reason: 'one is enough', lines: [{ lineId: '1', quantity: 1 }] },
    });
    const reservedBefore = (await levelAt('MUG-RED', 'STORE-BAIXA')).reserved;
    // Another store's clerk may not answer for Baixa.
    expect((await act(local, fulfillmentOrderId, 'accept-cancel', {}, { as: PORTO_CLERK })).status).toBe(403);

    const key = `accept-cancel-${ulid()}`;
    const accepted = await act(
      local,
      fulfillmentOrderId,
      'accept-cancel',
      {},
      { as: BAIXA_CLERK, idempotencyKey: key },
    );
    const again = await act(
      local,
      fulfillmentOrderId,
      'accept-cancel',
      {},
      { as: BAIXA_CLERK, idempotencyKey: key },
    );

    expect(accepted.status).toBe(200);
    const answer = await accepted.json();
    expect(answer).toMatchObject({
      status: 'ACCEPTED',
      lines: [{ open: 1, released: 1 }],
      cancelAnswers: [{ answer: 'accepted', requestReason: 'one is enough' }],
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(answer);
    expect((await levelAt('MUG-RED', 'STORE-BAIXA')).reserved).toBe(reservedBefore - 1);
    const view = await local.getJson<
      Omit<OrderView, 'cancellations'> & { cancellations: { canceled: unknown[]; accepted?: unknown }[] }
    >(`/v1/orders/${order.orderId}`);
    expect(view.cancellations).toHaveLength(2);
    expect(view.cancellations.find((cancellation) => cancellation.accepted)).toMatchObject({
      canceled: [{ lineId: '1', sku: 'MUG-RED', quantity: 1 }],
      accepted: { fulfillmentOrderId, locationId: 'STORE-BAIXA' },
      by: { type: 'user', sub: 'maria', role: 'store' },
    });
    // One mug of two: 12.00 and half of the 2.76 tax.
    expect(view.refunds).toMatchObject([
      { total: 1338, lines: [{ lineId: '1', quantity: 1, price: 1200, tax: 138, total: 1338 }] },
    ]);
    await vi.waitFor(
      () => {
        expect(published(order.orderId, 'OrderLinesCanceled')).toMatchObject([
          { detail: { reason: 'one is enough', lines: [{ lineId: '1', sku: 'MUG-RED', quantity: 1 }] } },
        ]);
        expect(published(order.orderId, 'RefundRecorded')).toMatchObject([{ detail: { total: 1338 } }]);
      },
      { timeout: 10_000, interval: 100 },
    );
    await expectInventoryConsistent(local);
    expect((await historyOf(order.orderId)).map((entry) => entry.kind)).toEqual(
      expect.arrayContaining(['cancel_requested', 'cancel_accepted', 'canceled', 'refund_recorded']),
    );

    // The mug left goes on to the customer.
    await advance(fulfillmentOrderId, [
      ['pick', (fo: FulfillmentOrderState) => ({ lines: openLines(fo) })],
      ...packAndShip(`RR${ulid()}PT`),
    ]);
    expect((await fulfillmentOrderOf(fulfillmentOrderId)).status).toBe('SHIPPED');
  });

  it('refused: the work goes on and ships, and the refusal is in the order’s history', async () => {
    const order = await routedOrder([{ lineId: '1', sku: 'MUG-RED', quantity: 1, unitPrice: 1200 }]);
    const { fulfillmentOrderId } = order.fulfillmentOrders[0]!;
    await advance(fulfillmentOrderId, TO_THE_BENCH);
    expect(
      (await as(AGENT, `/v1/orders/${order.orderId}/cancel`, 'POST', { reason: 'ordered twice' })).status,
    ).toBe(200);

    const refused = await act(
      local,
      fulfillmentOrderId,
      'refuse-cancel',
      { reason: 'already on the packing bench' },
      { as: BAIXA_CLERK },
    );

    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({
      status: 'PICKED',
      cancelAnswers: [{ answer: 'refused', reason: 'already on the packing bench' }],
    });
    expect((await fulfillmentOrderOf(fulfillmentOrderId)).cancelRequest).toBeUndefined();
    await advance(fulfillmentOrderId, packAndShip(`RR${ulid()}PT`));
    const view = await local.getJson<OrderView>(`/v1/orders/${order.orderId}`);
    expect(view.status).toBe('SHIPPED');
    expect(view.refunds).toEqual([]);
    expect((await historyOf(order.orderId)).find((entry) => entry.kind === 'cancel_refused')).toMatchObject({
      why: 'already on the packing bench',
      by: { type: 'user', sub: 'maria', role: 'store' },
    });
  });
});

describe('address changes', () => {
  it('moves unstarted work to the location nearest the new address, across a border', async () => {
    const order = await routedOrder([
      { lineId: '1', sku: 'LAMP-1', quantity: 1, unitPrice: 4000, discount: 0, tax: 0 },
    ]);
    expect(order.fulfillmentOrders.map((fo) => fo.locationId)).toEqual(['STORE-BAIXA']);

    const response = await as(AGENT, `/v1/orders/${order.orderId}/shipping-address`, 'PUT', {
      address: {
        name: 'Ana Silva',
        line1: 'Gran Vía 1',
        city: 'Madrid',
        country: 'ES',
        lat: 40.42,
        lon: -3.705,
      },
      reason: 'moved to Madrid',
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      rerouted: [
        { fulfillmentOrderId: order.fulfillmentOrders[0]!.fulfillmentOrderId, locationId: 'STORE-BAIXA' },
      ],
    });
    await vi.waitFor(
      async () => {
        const view = await local.getJson<OrderView>(`/v1/orders/${order.orderId}`);
        expect(view.fulfillmentOrders.map((fo) => [fo.locationId, fo.status]).sort()).toEqual([
          ['STORE-BAIXA', 'REJECTED'],
          ['STORE-MADRID', 'CREATED'],
        ]);
      },
      { timeout: 20_000, interval: 200 },
    );
    expect((await levelAt('LAMP-1', 'STORE-BAIXA')).reserved).toBe(0);
    expect((await levelAt('LAMP-1', 'STORE-MADRID')).reserved).toBe(1);
  });

  it('refuses a new address once something has shipped (409)', async () => {
    const order = await routedOrder([{ lineId: '1', sku: 'MUG-RED', quantity: 1, unitPrice: 1200 }]);
    await advance(order.fulfillmentOrders[0]!.fulfillmentOrderId, toTheDoor());

    const response = await as(AGENT, `/v1/orders/${order.orderId}/shipping-address`, 'PUT', {
      address: { line1: 'Rua 2', city: 'Porto', country: 'PT' },
    });

    expect(response.status).toBe(409);
  });
});

describe('returns anywhere', () => {
  it('takes back at a Porto store what Lisbon shipped: its on-hand and the network availability rise, the refund is exact', async () => {
    const order = await routedOrder([
      { lineId: '1', sku: 'MUG-RED', quantity: 2, unitPrice: 1200, discount: 200, tax: 230 },
    ]);
    expect(order.fulfillmentOrders[0]!.locationId).toBe('STORE-BAIXA');
    await delivered(order.fulfillmentOrders[0]!.fulfillmentOrderId);
    const portoBefore = await levelAt('MUG-RED', 'STORE-PORTO');
    const networkBefore = (await getAggregate('MUG-RED'))!;

    const authorized = await as(AGENT, '/v1/returns', 'POST', {
      orderId: order.orderId,
      lines: [{ lineId: '1', quantity: 1, reason: 'chipped on arrival' }],
    });
    expect(authorized.status).toBe(201);
    const { returnId } = (await authorized.json()) as { returnId: string };
    expect(authorized.headers.get('location')).toBe(`/v1/returns/${returnId}`);

    const elsewhere = await as(BAIXA_CLERK, `/v1/returns/${returnId}/receive`, 'POST', {
      locationId: 'STORE-PORTO',
      lines: [{ lineId: '1', quantity: 1, condition: 'resellable' }],
    });
    expect(elsewhere.status).toBe(403);
    const received = await as(PORTO_CLERK, `/v1/returns/${returnId}/receive`, 'POST', {
      locationId: 'STORE-PORTO',
      lines: [{ lineId: '1', quantity: 1, condition: 'resellable' }],
    });

    expect(received.status).toBe(200);
    const { authorization, refund } = (await received.json()) as {
      authorization: { status: string };
      refund: { total: number; lines: unknown[] };
    };
    expect(authorization.status).toBe('RECEIVED');
    // 1200 − 100 (half the line discount) + 115 (half the tax).
    expect(refund).toMatchObject({
      total: 1215,
      lines: [{ lineId: '1', quantity: 1, price: 1200, discount: 100, tax: 115 }],
    });
    expect(await levelAt('MUG-RED', 'STORE-PORTO')).toMatchObject({
      onHand: portoBefore.onHand + 1,
      available: portoBefore.available + 1,
    });
    await vi.waitFor(
      async () =>
        expect((await getAggregate('MUG-RED'))!.availableToPromise).toBe(
          networkBefore.availableToPromise + 1,
        ),
      { timeout: 10_000, interval: 200 },
    );
    expect(await local.getJson(`/v1/returns/${returnId}`)).toMatchObject({
      status: 'RECEIVED',
      receipts: [{ locationId: 'STORE-PORTO' }],
    });
    const again = await as(AGENT, '/v1/returns', 'POST', {
      orderId: order.orderId,
      lines: [{ lineId: '1', quantity: 2, reason: 'more' }],
    });
    expect(again.status).toBe(409);
  });

  it('turns an exchange into a linked replacement order that is routed like any other', async () => {
    const order = await routedOrder([{ lineId: '1', sku: 'MUG-RED', quantity: 1, unitPrice: 1200 }]);
    await delivered(order.fulfillmentOrders[0]!.fulfillmentOrderId);
    const authorized = await as(AGENT, '/v1/returns', 'POST', {
      orderId: order.orderId,
      lines: [{ lineId: '1', quantity: 1, reason: 'wrong colour' }],
      replacements: [{ sku: 'TEE-GREEN-L', quantity: 1 }],
    });
    const { returnId } = (await authorized.json()) as { returnId: string };

    const received = await as(AGENT, `/v1/returns/${returnId}/receive`, 'POST', {
      locationId: 'STORE-BAIXA',
      lines: [{ lineId: '1', quantity: 1, condition: 'damaged' }],
    });

    expect(received.status).toBe(200);
    const { authorization, refund } = (await received.json()) as {
      authorization: { exchangeOrderId: string };
      refund?: unknown;
    };
    expect(refund).toBeUndefined();
    const replacement = await local.orderWithStatus<OrderView & { tags: string[]; lines: { sku: string }[] }>(
      authorization.exchangeOrderId,
      'ROUTED',
    );
    expect(replacement).toMatchObject({ tags: ['exchange'], lines: [{ sku: 'TEE-GREEN-L', unitPrice: 0 }] });
    expect(replacement.fulfillmentOrders.map((fo) => fo.locationId)).toEqual(['STORE-ALVALADE']);
  });
});

describe('the order history', () => {
  it('tells every change in order, with who and why', async () => {
    const order = await routedOrder([
      { lineId: '1', sku: 'MUG-RED', quantity: 1, unitPrice: 1200 },
      { lineId: '2', sku: 'TEE-GREEN-L', quantity: 1, unitPrice: 2500 },
    ]);
    await as(AGENT, `/v1/orders/${order.orderId}/cancel`, 'POST', {
      reason: 'duplicate line',
      lines: [{ lineId: '2', quantity: 1 }],
    });

    const { history } = await local.getJson<{
      history: { kind: string; by: { type: string }; why?: string }[];
    }>(`/v1/orders/${order.orderId}/history`);

    expect(history.map((entry) => entry.kind)).toEqual([
      'received',
      'routed',
      'fulfillment_order_created',
      'fulfillment_order_created',
      'fulfillment_step',
      'canceled',
      'refund_recorded',
    ]);
    // The location's work given back, as the fulfillment order's own step list names it.
    expect(history[4]).toMatchObject({ by: { type: 'user', sub: 'carla' }, why: 'release' });
    expect(history[0]).toMatchObject({ by: { type: 'channel', channelId: 'web' } });
    expect(history[1]?.why).toMatch(/^rule set built-in-default v1/);
    expect(history[5]).toMatchObject({ by: { type: 'user', sub: 'carla' }, why: 'duplicate line' });
  });
});
