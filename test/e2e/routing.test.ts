import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import type { Location } from '../../functions/domain/location.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';

/**
 * The routing flow on the local runtime, as a retailer trying it would see it: a signed order
 * goes in over HTTP, the outbox announces it, the routing queue's consumer reserves stock and
 * creates fulfillment orders, and GET /v1/orders/{id} says where each line went and why.
 */
let local: TestRuntime;

/** A store of the demo retailer at the given coordinates, able to transfer stock out. */
function aTransferringStore(locationId: string, lat: number, lon: number): Location {
  return aLocation(locationId, {
    name: locationId,
    lat,
    lon,
    capabilities: ['ship', 'pickup', 'transfer'],
    costPerShipment: 500,
  });
}

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  // Two Lisbon stores hold one SKU each; Porto holds the first SKU too, but is 270 km further.
  await putLocation(aTransferringStore('STORE-BAIXA', 38.7107, -9.1374));
  await putLocation(aTransferringStore('STORE-ALVALADE', 38.7527, -9.1435));
  await putLocation(aTransferringStore('STORE-PORTO', 41.1496, -8.611));
  const now = new Date().toISOString();
  for (const [sku, locationId] of [
    ['MUG-RED', 'STORE-BAIXA'],
    ['TEE-GREEN-L', 'STORE-ALVALADE'],
    ['MUG-RED', 'STORE-PORTO'],
  ] as const) {
    await putStockLevel(newStockLevel({ sku, locationId, onHand: 5, now }));
  }
});
afterAll(() => local?.stop());

const splitOrder = (externalId: string) =>
  aCanonicalOrder({
    externalId,
    lines: [
      { lineId: '1', sku: 'MUG-RED', quantity: 2, unitPrice: 1200, discount: 0, tax: 0 },
      { lineId: '2', sku: 'TEE-GREEN-L', quantity: 1, unitPrice: 2500, discount: 0, tax: 0 },
    ],
    totals: undefined,
  });

const levelAt = (inventory: SkuInventory, locationId: string) =>
  inventory.locations.find((level) => level.locationId === locationId);

describe('routing on the local runtime', () => {
  it('splits an order over the two nearest stores that hold its SKUs, reserves the stock and says why', async () => {
    const mugsBefore = await local.getJson<SkuInventory>('/v1/inventory/MUG-RED');
    const posted = await local.postSignedOrder(JSON.stringify(splitOrder('W-SPLIT-1')));
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };

    const order = await local.orderWithStatus<OrderView>(orderId, 'ROUTED');

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
    // Porto could ship the mugs too, ranked second, but is far; the T-shirt decides for Alvalade.
    expect(order.routing.summary.slice(-2)).toEqual([
      'ship from STORE-BAIXA (0.1 km, rank 1): MUG-RED x2.',
      'ship from STORE-ALVALADE (4.8 km, rank 3): TEE-GREEN-L x1.',
    ]);
    expect(
      order.routing.explanation.candidates.find((candidate) => candidate.locationId === 'STORE-PORTO'),
    ).toMatchObject({ rank: 2, distanceKm: 274.9, scores: { fillableUnits: 2, stockUnits: 5 } });

    const mugs = await local.getJson<SkuInventory>('/v1/inventory/MUG-RED');
    expect(levelAt(mugs, 'STORE-BAIXA')).toMatchObject({
      reserved: levelAt(mugsBefore, 'STORE-BAIXA')!.reserved + 2,
    });
    expect(levelAt(mugs, 'STORE-PORTO')).toEqual(levelAt(mugsBefore, 'STORE-PORTO'));

    await vi.waitFor(
      () => {
        const types = local.published
          .filter((event) => event.detail.orderId === orderId)
          .map((event) => event['detail-type'])
          .sort();
        expect(types).toEqual([
          'FulfillmentOrderCreated',
          'FulfillmentOrderCreated',
          'OrderReceived',
          'OrderRouted',
        ]);
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
    const before = await local.getJson<SkuInventory>('/v1/inventory/MUG-RED');

    const response = await local.post('/v1/routing/simulate', {
      orders: [splitOrder('W-SIMULATED-1')],
      ruleSet: draft,
    });

    expect(response.status).toBe(200);
    const simulation = (await response.json()) as {
      summary: Record<'draft' | 'active', { shipments: number; fullyPlacedOrders: number }>;
    };
    expect(simulation.summary.active).toMatchObject({ shipments: 2, fullyPlacedOrders: 1 });
    // No store holds both SKUs: without splitting, one line ships and the order is not whole.
    expect(simulation.summary.draft).toMatchObject({ shipments: 1, fullyPlacedOrders: 0 });
    expect(await local.getJson('/v1/inventory/MUG-RED')).toEqual(before);
  });
});

interface SkuInventory {
  locations: { locationId: string; onHand: number; reserved: number; available: number }[];
}

interface OrderView {
  status: string;
  fulfillmentOrders: { locationId: string }[];
  lines: { sku: string; assignments: { locationId: string; quantity: number }[] }[];
  routing: {
    ruleSetId: string;
    summary: string[];
    explanation: {
      candidates: { locationId: string; excluded?: string; rank?: number; distanceKm?: number }[];
    };
  };
}
