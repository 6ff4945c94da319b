import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runSql } from '../../bin/cli/sql.js';
import { replayStreamBatches } from '../../bin/cli/streams.js';
import { putCarrierServices, putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import type { CanonicalOrderInput } from '../../functions/domain/order.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { DEMO_CHANNEL_SECRETS } from '../../lib/local/local-config.js';
import { DEMO_CARRIER_SERVICES } from '../../lib/local/demo-data.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { actOk } from '../helpers/fulfillment.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aStoreNorthOfLisbon } from '../helpers/records.js';
import { fetchAs, type TokenPrincipal } from '../helpers/tokens.js';

/**
 * The reports and the analytics export on the local runtime, over a scripted day on a virtual
 * clock (only `Date` is faked, set in the past as the stream pollers need): four orders from two
 * channels and two currencies (a split, a pick-up, a backorder), a shipment after its due-by, a
 * return. The reports' stream function is made to die half-way through batches and after its
 * first write, and later to fail until a batch is parked and replayed with `oms streams
 * replay`: every figure stays exactly the sum of what was posted. DuckDB over the Parquet export
 * answers the same revenue per channel.
 */
let local: TestRuntime;
let analyticsDir: string;
const SUBSCRIPTION = 'Orders-stream-to-reports-stream';
const RANGE = 'from=2025-12-03&to=2025-12-05';

/** The admin, with a token minted on the virtual clock each time it moves (tokens expire). */
let admin: TokenPrincipal = { role: 'admin' };

const at = (instant: string) => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(instant));
  admin = { role: 'admin', sub: `admin-at-${instant}` };
};

const call = (path: string, init: RequestInit = {}) =>
  fetchAs(
    local.url,
    path,
    { ...init, headers: { 'content-type': 'application/json', ...init.headers } },
    admin,
  );

async function getJson<T>(path: string): Promise<T> {
  const response = await call(path);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

const post = (path: string, body: unknown) => call(path, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  at('2025-12-03T09:00:00Z');
  analyticsDir = await mkdtemp(join(tmpdir(), 'oms-analytics-'));
  process.env.OMS_ANALYTICS_DIR = analyticsDir;
  local = await startTestRuntime({ seed: false, scheduleIntervalMs: 0 });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putChannel(aChannel({ channelId: 'app', name: 'App', secretName: 'oms/channels/app' }));
  await putLocation(aStoreNorthOfLisbon('STORE-A', 10, { capabilities: ['ship', 'pickup'] }));
  await putLocation(aStoreNorthOfLisbon('WH-B', 20, { type: 'warehouse', capabilities: ['ship'] }));
  await putCarrierServices(DEMO_CARRIER_SERVICES);
  const now = new Date().toISOString();
  await putStockLevel(newStockLevel({ sku: 'SKU-A', locationId: 'STORE-A', onHand: 20, now }));
  await putStockLevel(newStockLevel({ sku: 'SKU-B', locationId: 'WH-B', onHand: 20, now }));
});
afterAll(async () => {
  vi.useRealTimers();
  await local?.stop();
  delete process.env.OMS_ANALYTICS_DIR;
  await rm(analyticsDir, { recursive: true, force: true });
});

type Line = {
  lineId: string;
  sku: string;
  quantity: number;
  unitPrice: number;
  discount?: number;
  tax?: number;
};

async function place(
  channelId: 'web' | 'app',
  externalId: string,
  lines: Line[],
  overrides: Partial<CanonicalOrderInput> = {},
) {
  const body = JSON.stringify(
    aCanonicalOrder({
      externalId,
      placedAt: new Date().toISOString(),
      // One customer per order, so that no merge rule joins two of them.
      customer: { email: `${externalId.toLowerCase()}@example.com`, name: 'Ana Silva' },
      lines: lines.map((line) => ({ discount: 0, tax: 0, ...line })),
      shippingPrice: 0,
      totals: undefined,
      ...overrides,
    }),
  );
  const posted = await local.postSignedOrder(body, { channelId, secret: DEMO_CHANNEL_SECRETS[channelId] });
  expect(posted.status).toBe(202);
  return ((await posted.json()) as { orderId: string }).orderId;
}

async function shipAll(
  fulfillmentOrderId: string,
  lines: { lineId: string; quantity: number }[],
  tracking: string,
) {
  await actOk(local, fulfillmentOrderId, 'accept', {}, { as: admin });
  await actOk(local, fulfillmentOrderId, 'pick', { lines }, { as: admin });
  await actOk(local, fulfillmentOrderId, 'pack', { packages: [{ lines }] }, { as: admin });
  await actOk(local, fulfillmentOrderId, 'ship', { carrier: 'CTT', trackingNumber: tracking }, { as: admin });
}

const report = getJson;

/** The order's active fulfillment orders once there are `count`: the first routing loads every handler. */
async function routed(orderId: string, count = 1) {
  return vi.waitFor(
    async () => {
      const order = await getJson<{
        fulfillmentOrders: { fulfillmentOrderId: string; locationId: string; status: string }[];
      }>(`/v1/orders/${orderId}`);
      const active = order.fulfillmentOrders.filter((fo) => fo.status !== 'REJECTED');
      if (active.length < count) throw new Error(`${active.length} fulfillment orders, waiting for ${count}`);
      return active;
    },
    { timeout: 60_000, interval: 200 },
  );
}

const untilEqual = <T>(read: () => Promise<T>, expected: unknown) =>
  vi.waitFor(async () => expect(await read()).toEqual(expected), { timeout: 30_000, interval: 200 });

interface SalesRow {
  channelId: string;
  currency: string;
  orders: number;
  units: number;
  revenue: number;
  discounts: number;
  tax: number;
  refunds: number;
  returns: number;
}
const salesByChannel = async () =>
  (await report<{ rows: SalesRow[] }>(`/v1/reports/sales?${RANGE}&groupBy=channel`)).rows;

let orders: Record<'o1' | 'o2' | 'o3' | 'o4', string>;

describe('the reports of a scripted day, with duplicated stream batches', () => {
  it('count each order, shipment, pick-up and return once, per currency', { timeout: 120_000 }, async () => {
    local.runtime.faults.configure({
      rules: [
        { kind: 'fail-stream-batch', function: 'reports-stream', times: 4 },
        { kind: 'crash-after-write', function: 'reports-stream', afterWrites: 1, times: 2 },
      ],
    });
    orders = {
      o1: await place('web', 'W-1', [
        { lineId: '1', sku: 'SKU-A', quantity: 2, unitPrice: 1000, discount: 100, tax: 230 },
      ]),
      o2: await place('web', 'W-2', [
        { lineId: '1', sku: 'SKU-A', quantity: 1, unitPrice: 1000 },
        { lineId: '2', sku: 'SKU-B', quantity: 1, unitPrice: 2500, tax: 575 },
      ]),
      o3: await place('app', 'A-3', [{ lineId: '1', sku: 'SKU-A', quantity: 1, unitPrice: 1000 }], {
        fulfillment: { type: 'pickup', locationId: 'STORE-A' },
      }),
      o4: await place('web', 'W-4', [{ lineId: '1', sku: 'SKU-C', quantity: 3, unitPrice: 500 }], {
        currency: 'USD',
      }),
    };
    const [o1] = await routed(orders.o1);
    const o2 = await routed(orders.o2, 2);
    const [o3] = await routed(orders.o3);
    await vi.waitFor(
      async () =>
        expect((await getJson<{ status: string }>(`/v1/orders/${orders.o4}`)).status).toBe('BACKORDERED'),
      { timeout: 20_000, interval: 100 },
    );

    at('2025-12-03T10:00:00Z');
    await shipAll(o1!.fulfillmentOrderId, [{ lineId: '1', quantity: 2 }], 'T-1');
    const fromStore = o2.find((fo) => fo.locationId === 'STORE-A')!;
    const fromWarehouse = o2.find((fo) => fo.locationId === 'WH-B')!;
    await shipAll(fromStore.fulfillmentOrderId, [{ lineId: '1', quantity: 1 }], 'T-2');
    await actOk(local, o3!.fulfillmentOrderId, 'accept', {}, { as: admin });
    await actOk(
      local,
      o3!.fulfillmentOrderId,
      'pick',
      { lines: [{ lineId: '1', quantity: 1 }] },
      { as: admin },
    );
    await actOk(local, o3!.fulfillmentOrderId, 'ready-for-pickup', {}, { as: admin });
    const code = await vi.waitFor(
      () => {
        const ready = local.published.find((event) => event['detail-type'] === 'OrderReadyForPickup');
        if (!ready) throw new Error('not ready yet');
        return String(ready.detail.pickupCode);
      },
      { timeout: 10_000, interval: 100 },
    );
    at('2025-12-03T10:30:00Z');
    await actOk(local, o3!.fulfillmentOrderId, 'picked-up', { pickupCode: code }, { as: admin });

    // Two days after its due-by (17:00 on the day it was routed): a late shipment.
    at('2025-12-05T12:00:00Z');
    await shipAll(fromWarehouse.fulfillmentOrderId, [{ lineId: '2', quantity: 1 }], 'T-3');
    const authorized = await post('/v1/returns', {
      orderId: orders.o3,
      lines: [{ lineId: '1', quantity: 1, reason: 'too small' }],
    });
    expect(authorized.status).toBe(201);
    const { returnId } = (await authorized.json()) as { returnId: string };
    const received = await post(`/v1/returns/${returnId}/receive`, {
      locationId: 'STORE-A',
      lines: [{ lineId: '1', quantity: 1, condition: 'resellable' }],
    });
    expect(received.status).toBe(200);

    await untilEqual(salesByChannel, [
      // 2 × 1000 − 100 + 1000 + 2500; tax 230 + 575.
      {
        channelId: 'web',
        currency: 'EUR',
        orders: 2,
        units: 4,
        revenue: 5400,
        discounts: 100,
        tax: 805,
        refunds: 0,
        returns: 0,
      },
      {
        channelId: 'web',
        currency: 'USD',
        orders: 1,
        units: 3,
        revenue: 1500,
        discounts: 0,
        tax: 0,
        refunds: 0,
        returns: 0,
      },
      {
        channelId: 'app',
        currency: 'EUR',
        orders: 1,
        units: 1,
        revenue: 1000,
        discounts: 0,
        tax: 0,
        refunds: 1000,
        returns: 1,
      },
    ]);
    expect(local.runtime.faults.describe()).toMatchObject({
      fired: { 'fail-stream-batch': 4, 'crash-after-write': 2 },
    });

    const bySku = await report<{ rows: { sku: string; currency: string; units: number; revenue: number }[] }>(
      `/v1/reports/sales?${RANGE}&groupBy=sku`,
    );
    expect(
      bySku.rows.map(({ sku, currency, units, revenue }) => ({ sku, currency, units, revenue })),
    ).toEqual([
      { sku: 'SKU-A', currency: 'EUR', units: 4, revenue: 3900 },
      { sku: 'SKU-B', currency: 'EUR', units: 1, revenue: 2500 },
      { sku: 'SKU-C', currency: 'USD', units: 3, revenue: 1500 },
    ]);
    const byLocation = await report<{
      rows: { locationId: string | null; currency: string; orders: number }[];
    }>(`/v1/reports/sales?${RANGE}&groupBy=location`);
    expect(
      byLocation.rows.map(({ locationId, currency, orders: count }) => ({
        locationId,
        currency,
        orders: count,
      })),
    ).toEqual([
      { locationId: null, currency: 'EUR', orders: 2 },
      { locationId: null, currency: 'USD', orders: 1 },
      { locationId: 'STORE-A', currency: 'EUR', orders: 1 },
    ]);
    const byDay = await report<{
      rows: { day: string; currency: string; orders: number; refunds: number }[];
    }>(`/v1/reports/sales?${RANGE}&groupBy=day`);
    expect(
      byDay.rows.map(({ day, currency, orders: count, refunds }) => ({
        day,
        currency,
        orders: count,
        refunds,
      })),
    ).toEqual([
      { day: '2025-12-03', currency: 'EUR', orders: 3, refunds: 0 },
      { day: '2025-12-03', currency: 'USD', orders: 1, refunds: 0 },
      { day: '2025-12-05', currency: 'EUR', orders: 0, refunds: 1000 },
    ]);
    const best = await report<{ items: { sku: string; units: number }[] }>(
      `/v1/reports/bestsellers?${RANGE}&limit=2`,
    );
    expect(best.items.map(({ sku, units }) => ({ sku, units }))).toEqual([
      { sku: 'SKU-A', units: 4 },
      { sku: 'SKU-C', units: 3 },
    ]);
  });

  it('give the fulfillment KPIs computed by hand', { timeout: 60_000 }, async () => {
    at('2025-12-05T13:00:00Z');
    const { counts, kpis } = await report<{
      counts: Record<string, number>;
      kpis: Record<string, number | null | { samples: number; p50Seconds: number; p95Seconds: number }>;
    }>(`/v1/reports/fulfillment?${RANGE}`);
    expect(counts).toMatchObject({
      ordersPlaced: 4,
      clickAndCollectOrders: 1,
      unitsSold: 8,
      ordersRouted: 4,
      unitsOrdered: 8,
      unitsPlaced: 5,
      ordersSplit: 1,
      ordersBackordered: 1,
      fulfillmentOrdersCreated: 4,
      fulfillmentOrdersRejected: 0,
      ordersShipped: 2,
      shipments: 3,
      shipmentsFromStores: 2,
      shipmentsWithDueBy: 3,
      shipmentsByDueBy: 2,
      completedWithPromise: 1,
      completedOnTime: 1,
      unitsReturned: 1,
    });
    expect(kpis).toMatchObject({
      fillRate: 0.625,
      splitRate: 0.25,
      shipmentsPerOrder: 1.5,
      shipFromStoreShare: 0.6667,
      clickAndCollectShare: 0.25,
      backorderRate: 0.25,
      onTimeRate: 1,
      shippedOnTimeRate: 0.6667,
      rejectionRate: 0,
      cancellationRate: 0,
      returnRate: 0.125,
    });
    // 10 km twice (the store), 20 km once (the warehouse).
    expect(kpis.averageDistanceKm).toBeCloseTo(13.333, 2);
    // Shipped about an hour, an hour and 51 hours after routing: p50 an hour, p95 the late one,
    // each reported as its bucket's upper bound (never below, at most 20 % above).
    const timeToShip = kpis.timeToShip as { samples: number; p50Seconds: number; p95Seconds: number };
    expect(timeToShip.samples).toBe(3);
    expect(timeToShip.p50Seconds).toBeGreaterThanOrEqual(3_500);
    expect(timeToShip.p50Seconds).toBeLessThanOrEqual(3_600 * 1.2);
    expect(timeToShip.p95Seconds).toBeGreaterThanOrEqual(183_500);
    expect(timeToShip.p95Seconds).toBeLessThanOrEqual(183_600 * 1.2);
    expect((kpis.timeToRoute as { samples: number }).samples).toBe(4);
  });
});

describe('a reports batch parked on its failure queue', () => {
  it('is counted once when `oms streams replay` runs it again', { timeout: 90_000 }, async () => {
    at('2025-12-05T14:00:00Z');
    const parked = local.runtime.failedStreamBatches['OrdersToreports-stream']!;
    local.runtime.faults.configure({
      rules: [{ kind: 'fail-stream-batch', function: 'reports-stream', times: 1_000_000 }],
    });
    const o5 = await place('app', 'A-5', [{ lineId: '1', sku: 'SKU-A', quantity: 3, unitPrice: 700 }]);
    await vi.waitFor(() => expect(parked.depth().visible).toBeGreaterThan(0), {
      timeout: 30_000,
      interval: 100,
    });
    local.runtime.faults.configure({ rules: [] });
    await vi.waitFor(
      async () => {
        expect((await replayStreamBatches({ kind: 'local', url: local.url }, SUBSCRIPTION)).failed).toBe(0);
        const app = (await salesByChannel()).find((row) => row.channelId === 'app');
        expect(app).toMatchObject({ orders: 2, units: 4, revenue: 3100 });
      },
      { timeout: 30_000, interval: 500 },
    );
    await vi.waitFor(
      async () => expect((await getJson<{ status: string }>(`/v1/orders/${o5}`)).status).toBe('ROUTED'),
      { timeout: 20_000, interval: 100 },
    );
    expect((await salesByChannel()).find((row) => row.channelId === 'app')).toMatchObject({
      orders: 2,
      revenue: 3100,
    });
  });
});

describe('the analytics export', () => {
  it(
    'answers the revenue per channel of the sales report in DuckDB, with no personal data',
    { timeout: 60_000 },
    async () => {
      at('2025-12-05T15:00:00Z');
      const sql = `select channel_id, currency, cast(sum(revenue) as bigint) as revenue
      from (select distinct order_id, channel_id, currency, revenue from orders)
      group by channel_id, currency order by channel_id, currency`;
      const expected = (await salesByChannel())
        .map((row) => ({ channel_id: row.channelId, currency: row.currency, revenue: row.revenue }))
        .sort((a, b) => `${a.channel_id}${a.currency}`.localeCompare(`${b.channel_id}${b.currency}`));
      await vi.waitFor(
        async () => {
          const { rows } = await runSql(sql, { dir: analyticsDir });
          expect(rows.map((row) => ({ ...row, revenue: Number(row.revenue) }))).toEqual(expected);
        },
        { timeout: 20_000, interval: 300 },
      );
      const customers = await runSql('select distinct customer_id from orders', { dir: analyticsDir });
      expect(customers.rows).toHaveLength(5);
      for (const row of customers.rows) expect(String(row.customer_id)).toMatch(/^[0-9a-f]{64}$/);
      const lines = await runSql(
        "select count(distinct order_id || '/' || line_id) as lines from order_lines where dt = '2025-12-03'",
        { dir: analyticsDir },
      );
      expect(Number(lines.rows[0]!.lines)).toBe(5);
    },
  );

  it('refuses a report without a token and a range the wrong way round', async () => {
    at('2025-12-05T16:00:00Z');
    const anonymous = await fetch(`${local.url}/v1/reports/sales?${RANGE}`);
    expect(anonymous.status).toBe(401);
    const store = await fetchAs(
      local.url,
      `/v1/reports/sales?${RANGE}`,
      {},
      { role: 'store', sub: 'ana', locationIds: ['STORE-A'] },
    );
    expect(store.status).toBe(403);
    const backwards = await call('/v1/reports/fulfillment?from=2025-12-05&to=2025-12-03');
    expect(backwards.status).toBe(400);
    expect(backwards.headers.get('content-type')).toBe('application/problem+json');
  });
});
