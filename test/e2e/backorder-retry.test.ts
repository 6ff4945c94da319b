import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';

/**
 * Back-orders on the local runtime: an order for a SKU nobody holds waits as BACKORDERED; a
 * receipt posted to the movements API raises the SKU's stock, inventory-sync sees it on the
 * Inventory stream and emits BackorderRetry for the waiting order, and the router places it.
 */
let local: TestRuntime;
const SKU = 'LAMP-BLUE';
const STORE = 'STORE-CHIADO';

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putLocation(
    aLocation(STORE, {
      name: STORE,
      lat: 38.7107,
      lon: -9.1427,
      capabilities: ['ship', 'pickup', 'transfer'],
      costPerShipment: 500,
    }),
  );
  // The SKU is known at the store, with nothing on hand.
  await putStockLevel(
    newStockLevel({ sku: SKU, locationId: STORE, onHand: 0, now: new Date().toISOString() }),
  );
});
afterAll(() => local?.stop());

describe('back-orders on the local runtime', () => {
  it('routes a backordered order once a receipt brings its SKU into stock', async () => {
    const body = JSON.stringify(
      aCanonicalOrder({
        externalId: 'W-BACKORDER-1',
        lines: [{ lineId: '1', sku: SKU, quantity: 2, unitPrice: 3500, discount: 0, tax: 0 }],
        totals: undefined,
      }),
    );
    const posted = await local.postSignedOrder(body);
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };

    const backordered = await local.orderWithStatus<OrderView>(orderId, 'BACKORDERED');
    expect(backordered.fulfillmentOrders).toEqual([]);
    expect(local.published.some((event) => event['detail-type'] === 'BackorderRetry')).toBe(false);

    const received = await local.post('/v1/inventory/movements', {
      movementId: 'receipt-lamp-blue-1',
      type: 'receipt',
      who: 'e2e@warehouse',
      sku: SKU,
      locationId: STORE,
      quantity: 5,
      reference: 'PO-4711',
    });
    expect(received.status).toBe(201);

    await vi.waitFor(
      () => {
        const retry = local.published.find(
          (event) => event['detail-type'] === 'BackorderRetry' && event.detail.orderId === orderId,
        );
        expect(retry?.detail).toMatchObject({ orderId, sku: SKU });
      },
      { timeout: 20_000, interval: 100 },
    );

    // The order's status and its fulfillment orders become visible in separate steps (a large
    // plan's fulfillment orders are announced after the commit), so wait for both.
    const routed = await vi.waitFor(
      async () => {
        const view = await local.getJson<OrderView>(`/v1/orders/${orderId}`);
        expect(view.status).toBe('ROUTED');
        expect(view.fulfillmentOrders.map((fo) => fo.locationId)).toEqual([STORE]);
        return view;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(
      routed.lines.map((line) => [line.sku, line.assignments.map((a) => `${a.quantity}@${a.locationId}`)]),
    ).toEqual([[SKU, [`2@${STORE}`]]]);
    expect(await local.getJson(`/v1/inventory/${SKU}`)).toMatchObject({
      sku: SKU,
      locations: [expect.objectContaining({ locationId: STORE, onHand: 5, reserved: 2, available: 3 })],
      network: { onHand: 5, reserved: 2, available: 3 },
    });
  });
});

describe('partially routed orders on the local runtime', () => {
  it("routes an order's unplaced line once a receipt brings its SKU into stock, reserving the placed line once", async () => {
    const inStock = 'LAMP-RED';
    const missing = 'LAMP-GREEN';
    const now = new Date().toISOString();
    await putStockLevel(newStockLevel({ sku: inStock, locationId: STORE, onHand: 4, now }));
    await putStockLevel(newStockLevel({ sku: missing, locationId: STORE, onHand: 0, now }));
    const body = JSON.stringify(
      aCanonicalOrder({
        externalId: 'W-PARTIAL-1',
        lines: [
          { lineId: '1', sku: inStock, quantity: 1, unitPrice: 3500, discount: 0, tax: 0 },
          { lineId: '2', sku: missing, quantity: 2, unitPrice: 3500, discount: 0, tax: 0 },
        ],
        totals: undefined,
      }),
    );
    const posted = await local.postSignedOrder(body);
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };

    const partial = await local.orderWithStatus<OrderView>(orderId, 'PARTIALLY_ROUTED');
    expect(partial.fulfillmentOrders).toHaveLength(1);
    expect(partial.lines.map((line) => [line.sku, line.assignments.length, line.unplaced])).toEqual([
      [inStock, 1, []],
      [missing, 0, [expect.objectContaining({ quantity: 2 })]],
    ]);

    const receipt = {
      movementId: 'receipt-lamp-green-1',
      type: 'receipt',
      who: 'e2e@warehouse',
      sku: missing,
      locationId: STORE,
      quantity: 5,
      reference: 'PO-4712',
    };
    const received = await local.post('/v1/inventory/movements', receipt);
    expect(received.status).toBe(201);

    const routed = await local.orderWithStatus<OrderView>(orderId, 'ROUTED');
    expect(routed.fulfillmentOrders).toHaveLength(2);
    expect(
      routed.lines.map((line) => [
        line.sku,
        line.assignments.map((a) => `${a.quantity}@${a.locationId}`),
        line.unplaced,
      ]),
    ).toEqual([
      [inStock, [`1@${STORE}`], []],
      [missing, [`2@${STORE}`], []],
    ]);
    expect(await local.getJson(`/v1/inventory/${inStock}`)).toMatchObject({
      network: { onHand: 4, reserved: 1, available: 3 },
    });
    expect(await local.getJson(`/v1/inventory/${missing}`)).toMatchObject({
      network: { onHand: 5, reserved: 2, available: 3 },
    });
  });
});

interface OrderView {
  status: string;
  fulfillmentOrders: { locationId: string }[];
  lines: {
    sku: string;
    assignments: { locationId: string; quantity: number }[];
    unplaced: { quantity: number }[];
  }[];
}
