import type { ScheduledEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putCarrierServices, putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { countOverdue } from '../../functions/fulfillment/count-overdue.js';
import { DEMO_CARRIER_SERVICES } from '../../lib/local/demo-data.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';
import type { TokenPrincipal } from '../helpers/tokens.js';

/**
 * The promise end to end on the local runtime, on a virtual clock: only `Date` is faked, and it
 * runs on from where a test puts it. The clock is set in the past (December 2025), never ahead,
 * because the local stream pollers drop records older than their maximum age as AWS does; every
 * request takes a token minted on the virtual clock. Orders routed across a cut-off, a weekend and time zones
 * carry the promised date to the customer's tracking view; a pick that does not happen by the
 * due-by moves the projected date and lists the work as overdue for ops, and shipping takes it off.
 */
let local: TestRuntime;
const ANA: TokenPrincipal = { role: 'store', sub: 'ana', locationIds: ['STORE-BAIXA'] };
const OPS: TokenPrincipal = { role: 'ops', sub: 'olga' };
const JOE: TokenPrincipal = { role: 'store', sub: 'joe', locationIds: ['STORE-NYC'] };
const SKU = 'PLANT-FERN';

const at = (instant: string) => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(instant));
};

/** A request with a token minted now, on whichever clock is running. */
async function call(path: string, principal: TokenPrincipal = OPS, init: RequestInit = {}) {
  const { access_token: token } = await local.runtime.tokens.tokenFor(principal);
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  if (init.body) headers.set('content-type', 'application/json');
  return fetch(`${local.url}${path}`, { ...init, headers });
}

async function getJson<T>(path: string, principal: TokenPrincipal = OPS): Promise<T> {
  const response = await call(path, principal);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

async function actAs(principal: TokenPrincipal, fulfillmentOrderId: string, action: string, body: unknown) {
  const response = await call(`/v1/fulfillment-orders/${fulfillmentOrderId}/${action}`, principal, {
    method: 'POST',
    headers: { 'idempotency-key': `${fulfillmentOrderId}-${action}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  local = await startTestRuntime({ seed: false, scheduleIntervalMs: 0 });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putLocation(
    aLocation('STORE-BAIXA', {
      address: { line1: 'Rua Augusta 10', city: 'Lisboa', country: 'PT' },
      lat: 38.7107,
      lon: -9.1374,
      cutoffTime: '18:00',
      regionsServed: ['PT'],
    }),
  );
  // No calendar configured: the defaults, a 17:00 cut-off Monday to Friday, in New York time.
  await putLocation(
    aLocation('STORE-NYC', {
      address: { line1: '5th Ave 1', city: 'New York', region: 'NY', country: 'US' },
      lat: 40.7506,
      lon: -73.9935,
      timeZone: 'America/New_York',
      regionsServed: ['US'],
    }),
  );
  await putCarrierServices(DEMO_CARRIER_SERVICES);
  const now = new Date().toISOString();
  await putStockLevel(newStockLevel({ sku: SKU, locationId: 'STORE-BAIXA', onHand: 50, now }));
  await putStockLevel(newStockLevel({ sku: SKU, locationId: 'STORE-NYC', onHand: 50, now }));
});
afterEach(() => vi.useRealTimers());
afterAll(() => local?.stop());

const LINE = { lineId: '1', sku: SKU, name: 'Fern', quantity: 1, unitPrice: 1500, discount: 0, tax: 0 };
const TO_NEW_YORK = {
  name: 'Joe Doe',
  line1: '20 W 34th St',
  city: 'New York',
  region: 'NY',
  postalCode: '10001',
  country: 'US',
  lat: 40.7484,
  lon: -73.9857,
};

/** Posts an order at the virtual clock's time and waits for its one fulfillment order. */
async function routedAt(
  instant: string,
  externalId: string,
  overrides: Parameters<typeof aCanonicalOrder>[0] = {},
) {
  at(instant);
  const posted = await local.postSignedOrder(
    JSON.stringify(
      aCanonicalOrder({ externalId, placedAt: instant, lines: [LINE], totals: undefined, ...overrides }),
    ),
  );
  expect(posted.status).toBe(202);
  const { orderId } = (await posted.json()) as { orderId: string };
  const fulfillmentOrderId = await vi.waitFor(
    async () => {
      const order = await getJson<{ fulfillmentOrders: { fulfillmentOrderId: string }[] }>(
        `/v1/orders/${orderId}`,
      );
      if (order.fulfillmentOrders.length === 0) throw new Error('not routed yet');
      return order.fulfillmentOrders[0]!.fulfillmentOrderId;
    },
    { timeout: 20_000, interval: 100 },
  );
  return { orderId, fulfillmentOrderId };
}

interface Tracking {
  status: string;
  promisedBy?: string;
  projectedDelivery?: string;
  late?: boolean;
  shipments: { carrier: string; trackingNumber: string; trackingUrl?: string }[];
}
const trackingOf = (orderId: string) => getJson<Tracking>(`/v1/orders/${orderId}/tracking`);

interface OverduePage {
  items: { fulfillmentOrderId: string; dueBy: string; locationId: string }[];
  nextCursor?: string;
}
async function overdue(query = '') {
  const response = await call(`/v1/fulfillment-orders?overdue=true${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as OverduePage;
}

describe('the promised date, from routing to the customer', () => {
  it('promises a Lisbon order placed Friday after the 18:00 cut-off for Tuesday, shipped Monday', async () => {
    const { orderId, fulfillmentOrderId } = await routedAt('2025-12-05T18:30:00Z', 'W-PROMISE-FRI');
    const fo = await getJson<{ dueBy: string }>(`/v1/fulfillment-orders/${fulfillmentOrderId}`);
    expect(fo.dueBy).toBe('2025-12-08T18:00:00.000Z');
    expect(await trackingOf(orderId)).toMatchObject({
      status: 'ROUTED',
      promisedBy: '2025-12-09',
      projectedDelivery: '2025-12-09',
      late: false,
    });
  });

  it("reads the cut-off in New York's time zone: 16:30 there (21:30 UTC) ships the same day", async () => {
    const before = await routedAt('2025-12-04T21:30:00Z', 'W-PROMISE-NY-1', {
      shippingAddress: TO_NEW_YORK,
      fulfillment: { type: 'ship', carrier: 'UPS' },
    });
    expect(await trackingOf(before.orderId)).toMatchObject({ promisedBy: '2025-12-05' });
    // 17:30 in New York is 22:30 UTC: after the cut-off, it ships Friday and arrives Monday.
    const after = await routedAt('2025-12-04T22:30:00Z', 'W-PROMISE-NY-2', {
      shippingAddress: TO_NEW_YORK,
      fulfillment: { type: 'ship', carrier: 'UPS' },
    });
    expect(await trackingOf(after.orderId)).toMatchObject({ promisedBy: '2025-12-08' });
  });
});

describe('a late pick', () => {
  it('moves the projected date, lists the work as overdue, and shipping takes it off the list', async () => {
    const { orderId, fulfillmentOrderId } = await routedAt('2025-12-15T10:00:00Z', 'W-LATE-1');
    expect(await trackingOf(orderId)).toMatchObject({ promisedBy: '2025-12-16', late: false });
    expect((await overdue()).items.map((item) => item.fulfillmentOrderId)).not.toContain(fulfillmentOrderId);

    // Monday 18:30 in Lisbon: the 18:00 due-by passed and nothing was picked.
    at('2025-12-15T18:30:00Z');
    expect(await trackingOf(orderId)).toMatchObject({
      promisedBy: '2025-12-16',
      projectedDelivery: '2025-12-17',
      late: true,
    });
    const listed = await overdue();
    expect(listed.items.map((item) => item.fulfillmentOrderId)).toContain(fulfillmentOrderId);
    // Oldest due first: the New York orders of 4 December and Friday's order come before this one.
    const dueBy = listed.items.map((item) => item.dueBy);
    expect(dueBy).toEqual([...dueBy].sort());
    expect(await countOverdue({} as ScheduledEvent)).toEqual({ overdue: listed.items.length });

    // Paged: one at a time, every item exactly once.
    const first = await overdue('&limit=1');
    expect(first.items).toHaveLength(1);
    const second = await overdue(`&limit=100&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items]).toEqual(listed.items);

    // Picked and shipped Tuesday morning: the projection follows the shipment, off the list.
    at('2025-12-16T09:00:00Z');
    await actAs(ANA, fulfillmentOrderId, 'accept', {});
    await actAs(ANA, fulfillmentOrderId, 'pick', { lines: [{ lineId: '1', quantity: 1 }] });
    await actAs(ANA, fulfillmentOrderId, 'pack', { packages: [{ lines: [{ lineId: '1', quantity: 1 }] }] });
    await actAs(ANA, fulfillmentOrderId, 'ship', { carrier: 'CTT', trackingNumber: 'RR123456785PT' });
    expect(await trackingOf(orderId)).toMatchObject({
      status: 'SHIPPED',
      projectedDelivery: '2025-12-17',
      late: true,
      shipments: [
        {
          carrier: 'CTT',
          trackingNumber: 'RR123456785PT',
          trackingUrl: expect.stringContaining('RR123456785PT'),
        },
      ],
    });
    expect((await overdue()).items.map((item) => item.fulfillmentOrderId)).not.toContain(fulfillmentOrderId);
  });

  it('refuses a listing that is not of overdue work, or a cursor it did not issue, with a 400', async () => {
    const notOverdue = await call('/v1/fulfillment-orders?overdue=false');
    expect(await notOverdue.json()).toMatchObject({ status: 400, errors: [{ path: 'overdue' }] });
    const forged = await call('/v1/fulfillment-orders?overdue=true&cursor=bm90LWEtY3Vyc29y');
    expect(await forged.json()).toMatchObject({ status: 400, errors: [{ path: 'cursor' }] });
    const store = await call('/v1/fulfillment-orders?overdue=true', JOE);
    expect(store.status).toBe(403);
  });
});

describe('who reads the tracking view', () => {
  it("is the channel's own client and customer service; another channel's client is refused", async () => {
    const { orderId } = await routedAt('2025-12-17T10:00:00Z', 'W-TRACK-ACCESS');
    const integration = (channelIds: string[]): TokenPrincipal => ({
      role: 'integration',
      sub: 'client',
      scopes: ['oms/orders.read'],
      channelIds,
    });
    expect((await call(`/v1/orders/${orderId}/tracking`, integration(['web']))).status).toBe(200);
    expect((await call(`/v1/orders/${orderId}/tracking`, integration(['app']))).status).toBe(403);
    const customerService: TokenPrincipal = { role: 'customer_service', sub: 'cs' };
    expect((await call(`/v1/orders/${orderId}/tracking`, customerService)).status).toBe(200);
    expect((await call('/v1/orders/ORDER-NONE/tracking')).status).toBe(404);
  });
});
