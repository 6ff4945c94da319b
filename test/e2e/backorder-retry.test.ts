import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { getStockLevels, putStockLevel } from '../../functions/data/inventory-repository.js';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import type { EventEnvelope } from '../../lib/local/event-bus.js';
import { DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import { fetchAs } from '../helpers/tokens.js';
import { aLocation } from '../helpers/records.js';

/**
 * Back-orders on the local runtime: an order for a SKU nobody holds waits as BACKORDERED; a
 * receipt posted to the movements API raises the SKU's stock, inventory-sync sees it on the
 * Inventory stream and emits BackorderRetry for the waiting order, and the router places it.
 */
let runtime: LocalRuntime;
const published: EventEnvelope[] = [];
const SKU = 'LAMP-BLUE';
const STORE = 'STORE-CHIADO';

const store = aLocation(STORE, {
  name: STORE,
  lat: 38.7107,
  lon: -9.1427,
  capabilities: ['ship', 'pickup', 'transfer'],
  costPerShipment: 500,
});

beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `e2eback${Date.now().toString(36)}-`,
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
  await putLocation(store);
  // The SKU is known at the store, with nothing on hand.
  await putStockLevel(
    newStockLevel({ sku: SKU, locationId: STORE, onHand: 0, now: new Date().toISOString() }),
  );
});
afterAll(() => runtime?.stop());

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetchAs(runtime.url, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function waitForStatus(orderId: string, status: string): Promise<OrderView> {
  return vi.waitFor(
    async () => {
      const response = await fetchAs(runtime.url, `/v1/orders/${orderId}`);
      const view = (await response.json()) as OrderView;
      if (view.status !== status) throw new Error(`still ${view.status}, waiting for ${status}`);
      return view;
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe('back-orders on the local runtime', () => {
  it('routes a backordered order once a receipt brings its SKU into stock', async () => {
    const body = JSON.stringify(
      aCanonicalOrder({
        externalId: 'W-BACKORDER-1',
        lines: [{ lineId: '1', sku: SKU, quantity: 2, unitPrice: 3500, discount: 0, tax: 0 }],
        totals: undefined,
      }),
    );
    const posted = await post('/v1/channels/web/orders', body, {
      [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
    });
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };

    const backordered = await waitForStatus(orderId, 'BACKORDERED');
    expect(backordered.fulfillmentOrders).toEqual([]);
    expect(published.some((event) => event['detail-type'] === 'BackorderRetry')).toBe(false);

    const receipt = {
      movementId: 'receipt-lamp-blue-1',
      type: 'receipt',
      who: 'e2e@warehouse',
      sku: SKU,
      locationId: STORE,
      quantity: 5,
      reference: 'PO-4711',
    };
    const received = await post('/v1/inventory/movements', JSON.stringify(receipt));
    expect([200, 201]).toContain(received.status);

    await vi.waitFor(
      () => {
        const retry = published.find(
          (event) => event['detail-type'] === 'BackorderRetry' && event.detail.orderId === orderId,
        );
        expect(retry?.detail).toMatchObject({ orderId, sku: SKU });
      },
      { timeout: 20_000, interval: 100 },
    );

    const routed = await waitForStatus(orderId, 'ROUTED');
    expect(routed.fulfillmentOrders.map((fo) => fo.locationId)).toEqual([STORE]);
    expect(
      routed.lines.map((line) => [line.sku, line.assignments.map((a) => `${a.quantity}@${a.locationId}`)]),
    ).toEqual([[SKU, [`2@${STORE}`]]]);

    const levels = await getStockLevels(SKU);
    expect(levels.find((level) => level.locationId === STORE)).toMatchObject({
      onHand: 5,
      reserved: 2,
      available: 3,
    });
    const inventory = await fetchAs(runtime.url, `/v1/inventory/${SKU}`);
    expect(inventory.status).toBe(200);
    expect(await inventory.json()).toMatchObject({
      sku: SKU,
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
    const posted = await post('/v1/channels/web/orders', body, {
      [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
    });
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };

    const partial = await waitForStatus(orderId, 'PARTIALLY_ROUTED');
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
    const received = await post('/v1/inventory/movements', JSON.stringify(receipt));
    expect([200, 201]).toContain(received.status);

    const routed = await waitForStatus(orderId, 'ROUTED');
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
    expect((await getStockLevels(inStock)).find((level) => level.locationId === STORE)).toMatchObject({
      onHand: 4,
      reserved: 1,
      available: 3,
    });
    expect((await getStockLevels(missing)).find((level) => level.locationId === STORE)).toMatchObject({
      onHand: 5,
      reserved: 2,
      available: 3,
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
