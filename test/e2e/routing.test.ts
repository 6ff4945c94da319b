import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { getStockLevels, putStockLevel } from '../../functions/data/inventory-repository.js';
import type { Location } from '../../functions/domain/location.js';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import type { EventEnvelope } from '../../lib/local/event-bus.js';
import { DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { fetchAs } from '../helpers/tokens.js';
import { aLocation } from '../helpers/records.js';

/**
 * The routing flow on the local runtime, as a retailer trying it would see it: a signed order
 * goes in over HTTP, the outbox announces it, the routing queue's consumer reserves stock and
 * creates fulfillment orders, and GET /v1/orders/{id} says where each line went and why.
 */
let runtime: LocalRuntime;
const published: EventEnvelope[] = [];
const now = new Date().toISOString();

/** A store of the demo retailer at the given coordinates, able to transfer stock out. */
function aStore(locationId: string, lat: number, lon: number): Location {
  return aLocation(locationId, {
    name: locationId,
    lat,
    lon,
    capabilities: ['ship', 'pickup', 'transfer'],
    costPerShipment: 500,
  });
}

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `e2eroute${Date.now().toString(36)}-`,
    seed: false,
    pollIntervalMs: 50,
    streamRetryDelayMs: 50,
    observer: { onEventPublished: (event) => published.push(event.event) },
  });
  await putChannel({
    channelId: 'web',
    name: 'Web',
    format: 'canonical',
    secretName: 'oms/channels/web',
    active: true,
  });
  // Two Lisbon stores hold one SKU each; Porto holds the first SKU too, but is 270 km further.
  await putLocation(aStore('STORE-BAIXA', 38.7107, -9.1374));
  await putLocation(aStore('STORE-ALVALADE', 38.7527, -9.1435));
  await putLocation(aStore('STORE-PORTO', 41.1496, -8.611));
  for (const [sku, locationId] of [
    ['MUG-RED', 'STORE-BAIXA'],
    ['TEE-GREEN-L', 'STORE-ALVALADE'],
    ['MUG-RED', 'STORE-PORTO'],
  ] as const) {
    await putStockLevel(newStockLevel({ sku, locationId, onHand: 5, now }));
  }
});
afterAll(() => runtime?.stop());

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetchAs(runtime.url, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

const splitOrder = aCanonicalOrder({
  externalId: 'W-SPLIT-1',
  lines: [
    { lineId: '1', sku: 'MUG-RED', quantity: 2, unitPrice: 1200, discount: 0, tax: 0 },
    { lineId: '2', sku: 'TEE-GREEN-L', quantity: 1, unitPrice: 2500, discount: 0, tax: 0 },
  ],
  totals: undefined,
});

describe('routing on the local runtime', () => {
  it('splits an order over the two nearest stores that hold its SKUs, reserves the stock and says why', async () => {
    const body = JSON.stringify(splitOrder);
    const posted = await post('/v1/channels/web/orders', body, {
      [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
    });
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };

    const order = await vi.waitFor(
      async () => {
        const response = await fetchAs(runtime.url, `/v1/orders/${orderId}`);
        const view = (await response.json()) as { status: string } & Record<string, unknown>;
        if (view.status !== 'ROUTED') throw new Error(`still ${view.status}`);
        return view as unknown as OrderView;
      },
      { timeout: 20_000, interval: 100 },
    );

    expect(order.fulfillmentOrders.map((fo) => fo.locationId).sort()).toEqual([
      'STORE-ALVALADE',
      'STORE-BAIXA',
    ]);
    expect(
      order.lines.map((line) => [line.sku, line.assignments.map((a) => `${a.quantity}@${a.locationId}`)]),
    ).toEqual([
      ['MUG-RED', ['2@STORE-BAIXA']],
      ['TEE-GREEN-L', ['1@STORE-ALVALADE']],
    ]);
    expect(order.routing.ruleSetId).toBe('built-in-default');
    expect(order.routing.summary.length).toBeGreaterThan(0);
    const porto = order.routing.explanation.candidates.find(
      (candidate) => candidate.locationId === 'STORE-PORTO',
    );
    expect(porto).toBeDefined();

    const mugs = await getStockLevels('MUG-RED');
    expect(mugs.find((level) => level.locationId === 'STORE-BAIXA')).toMatchObject({
      reserved: 2,
      available: 3,
    });
    expect(mugs.find((level) => level.locationId === 'STORE-PORTO')).toMatchObject({
      reserved: 0,
      available: 5,
    });

    await vi.waitFor(
      () => {
        const types = published
          .filter((event) => event.detail.orderId === orderId)
          .map((event) => event['detail-type']);
        expect(types).toEqual(
          expect.arrayContaining([
            'OrderReceived',
            'OrderRouted',
            'FulfillmentOrderCreated',
            'FulfillmentOrderCreated',
          ]),
        );
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('simulates a draft rule set against the active one without reserving anything', async () => {
    const draft = {
      ruleSetId: 'one-parcel',
      version: 1,
      strategies: [
        {
          name: 'single-shipment-only',
          filters: {},
          ranking: ['fewest_shipments', 'distance'],
          split: { policy: 'no_split' },
          onUnplaceable: 'backorder',
        },
      ],
    };
    const before = await getStockLevels('MUG-RED');

    const response = await post(
      '/v1/routing/simulate',
      JSON.stringify({ orders: [splitOrder], ruleSet: draft }),
    );

    expect(response.status).toBe(200);
    const simulation = (await response.json()) as {
      summary: Record<'draft' | 'active', { shipments: number; fullyPlacedOrders: number }>;
    };
    expect(simulation.summary.active).toMatchObject({ shipments: 2, fullyPlacedOrders: 1 });
    expect(simulation.summary.draft.fullyPlacedOrders).toBe(0);
    expect(await getStockLevels('MUG-RED')).toEqual(before);
  });

  it('stores, validates and activates rule sets through the routing API', async () => {
    const ruleSet = {
      ruleSetId: 'nearest',
      version: 1,
      strategies: [
        {
          name: 'nearest',
          filters: {},
          ranking: ['distance'],
          split: { policy: 'allow' },
          onUnplaceable: 'backorder',
        },
      ],
    };
    const invalid = {
      ...ruleSet,
      strategies: [{ ...ruleSet.strategies[0], split: { policy: 'max_shipments' } }],
    };

    const rejected = await post('/v1/routing/rule-sets/validate', JSON.stringify(invalid));
    expect(rejected.status).toBe(400);
    expect(
      ((await rejected.json()) as { errors: { path: string }[] }).errors.map((error) => error.path),
    ).toContain('strategies/0/split/maxShipments');
    expect((await post('/v1/routing/rule-sets', JSON.stringify(ruleSet))).status).toBe(201);
    expect((await post('/v1/routing/rule-sets', JSON.stringify(ruleSet))).status).toBe(200);
    const changed = { ...ruleSet, strategies: [{ ...ruleSet.strategies[0], ranking: ['priority'] }] };
    expect((await post('/v1/routing/rule-sets', JSON.stringify(changed))).status).toBe(409);
    expect((await post('/v1/routing/rule-sets/nearest/versions/9/activate', '')).status).toBe(404);
    expect((await post('/v1/routing/rule-sets/nearest/versions/1/activate', '')).status).toBe(200);

    const active = await fetchAs(runtime.url, `/v1/routing/rule-sets/active`);
    expect(await active.json()).toMatchObject({
      builtIn: false,
      ruleSet: { ruleSetId: 'nearest', version: 1 },
      activatedBy: { sub: 'alice', role: 'admin' },
    });
  });
});

interface OrderView {
  status: string;
  fulfillmentOrders: { locationId: string }[];
  lines: { sku: string; assignments: { locationId: string; quantity: number }[] }[];
  routing: {
    ruleSetId: string;
    summary: string[];
    explanation: { candidates: { locationId: string; excluded?: string; rank?: number }[] };
  };
}
