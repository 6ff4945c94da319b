import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { FULFILLMENT_API_ACTIONS } from '../../functions/routes/fulfillment.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import {
  act,
  actOk,
  expectInventoryConsistent,
  levelOf,
  orderStatusOf,
  routedFulfillmentOrders,
} from '../helpers/fulfillment.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';
import { fetchAs, type TokenPrincipal } from '../helpers/tokens.js';

/**
 * Ship from store on the local runtime, as a store associate does it on the phone: the order
 * is routed to Baixa, Ana at Baixa accepts, picks, packs and ships it with a tracking number;
 * the order becomes SHIPPED, Baixa's stock drops (on hand and reserved), the inventory stays
 * consistent and the bus carries the shipment for the channel.
 */
let local: TestRuntime;
const ANA: TokenPrincipal = { role: 'store', sub: 'ana', locationIds: ['STORE-BAIXA'] };
const RUI: TokenPrincipal = { role: 'store', sub: 'rui', locationIds: ['STORE-PORTO'] };
const SKU = 'MUG-BLUE';

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putLocation(
    aLocation('STORE-BAIXA', { lat: 38.7107, lon: -9.1374, capabilities: ['ship', 'pickup'] }),
  );
  await putLocation(
    aLocation('STORE-PORTO', { lat: 41.1496, lon: -8.611, capabilities: ['ship', 'pickup'] }),
  );
  const now = new Date().toISOString();
  await putStockLevel(newStockLevel({ sku: SKU, locationId: 'STORE-BAIXA', onHand: 10, now }));
});
afterAll(() => local?.stop());

async function routedOrder(externalId: string, quantity = 2) {
  const posted = await local.postSignedOrder(
    JSON.stringify(
      aCanonicalOrder({
        externalId,
        lines: [{ lineId: '1', sku: SKU, name: 'Blue mug', quantity, unitPrice: 900, discount: 0, tax: 0 }],
        totals: undefined,
      }),
    ),
  );
  expect(posted.status).toBe(202);
  const { orderId } = (await posted.json()) as { orderId: string };
  const [fo] = await routedFulfillmentOrders(local, orderId);
  return { orderId, fulfillmentOrderId: fo!.fulfillmentOrderId };
}

describe('ship from store', () => {
  it('goes accept, pick, pack, ship: the order is SHIPPED and the stock leaves the store', async () => {
    const before = await levelOf(local, SKU, 'STORE-BAIXA');
    const { orderId, fulfillmentOrderId } = await routedOrder('W-SHIP-1');

    const queue = await fetchAs(
      local.url,
      '/v1/locations/STORE-BAIXA/fulfillment-orders?status=CREATED',
      {},
      ANA,
    );
    expect(queue.status).toBe(200);
    const listed = (await queue.json()) as {
      items: { fulfillmentOrderId: string; lines: unknown[]; shipTo?: unknown }[];
    };
    const item = listed.items.find((fo) => fo.fulfillmentOrderId === fulfillmentOrderId);
    expect(item?.lines).toEqual([
      expect.objectContaining({ sku: SKU, name: 'Blue mug', quantity: 2, open: 2 }),
    ]);
    expect(item?.shipTo).toMatchObject({ country: expect.any(String) });

    expect((await actOk(local, fulfillmentOrderId, 'accept', {}, { as: ANA })).status).toBe('ACCEPTED');
    expect(await orderStatusOf(local, orderId)).toBe('IN_FULFILLMENT');
    await actOk(local, fulfillmentOrderId, 'pick', { lines: [{ lineId: '1', quantity: 2 }] }, { as: ANA });
    await actOk(
      local,
      fulfillmentOrderId,
      'pack',
      {
        packages: [
          {
            lines: [{ lineId: '1', quantity: 2 }],
            weightGrams: 800,
            dimensionsCm: { length: 20, width: 15, height: 10 },
          },
        ],
      },
      { as: ANA },
    );
    const shipped = await actOk(
      local,
      fulfillmentOrderId,
      'ship',
      {
        carrier: 'CTT',
        service: 'Expresso',
        trackingNumber: 'CT123456789PT',
        trackingUrl: 'https://track.example/CT123456789PT',
      },
      { as: ANA },
    );

    expect(shipped.status).toBe('SHIPPED');
    expect(shipped.history.map((step) => [step.action, step.actor.sub])).toEqual([
      ['accept', 'ana'],
      ['pick', 'ana'],
      ['pack', 'ana'],
      ['ship', 'ana'],
    ]);
    expect(await orderStatusOf(local, orderId)).toBe('SHIPPED');
    expect(await levelOf(local, SKU, 'STORE-BAIXA')).toMatchObject({
      onHand: before!.onHand - 2,
      reserved: before!.reserved,
      available: before!.available - 2,
    });
    await expectInventoryConsistent(local);
    await vi.waitFor(
      () => {
        const shipment = local.published.find(
          (event) => event['detail-type'] === 'ShipmentCreated' && event.detail.orderId === orderId,
        );
        expect(shipment?.detail).toMatchObject({
          version: '1',
          orderId,
          channelId: 'web',
          externalId: 'W-SHIP-1',
          fulfillmentOrderId,
          locationId: 'STORE-BAIXA',
          shipment: {
            carrier: 'CTT',
            service: 'Expresso',
            trackingNumber: 'CT123456789PT',
            trackingUrl: 'https://track.example/CT123456789PT',
            shippedAt: expect.any(String),
            lines: [{ lineId: '1', sku: SKU, quantity: 2 }],
          },
        });
        const types = local.published
          .filter((event) => event.detail.orderId === orderId)
          .map((event) => event['detail-type']);
        expect(types).toEqual(
          expect.arrayContaining(['FulfillmentOrderAccepted', 'OrderInFulfillment', 'OrderShipped']),
        );
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('answers a retry with the same Idempotency-Key with the first response, and refuses the key with another body', async () => {
    const { fulfillmentOrderId } = await routedOrder('W-SHIP-2', 1);
    const first = await act(
      local,
      fulfillmentOrderId,
      'accept',
      {},
      { as: ANA, idempotencyKey: 'wifi-retry-1' },
    );
    const retry = await act(
      local,
      fulfillmentOrderId,
      'accept',
      {},
      { as: ANA, idempotencyKey: 'wifi-retry-1' },
    );
    const fresh = await act(local, fulfillmentOrderId, 'accept', {}, { as: ANA });

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(await first.json());
    expect(fresh.status).toBe(409);

    const picked = await act(
      local,
      fulfillmentOrderId,
      'pick',
      { lines: [{ lineId: '1', quantity: 1 }] },
      { as: ANA, idempotencyKey: 'wifi-retry-2' },
    );
    const reused = await act(
      local,
      fulfillmentOrderId,
      'pick',
      { lines: [{ lineId: '1', quantity: 0 }] },
      { as: ANA, idempotencyKey: 'wifi-retry-2' },
    );
    expect(picked.status).toBe(200);
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toBe('application/problem+json');
    const fo = await local.getJson<{ status: string; history: unknown[] }>(
      `/v1/fulfillment-orders/${fulfillmentOrderId}`,
    );
    expect(fo).toMatchObject({ status: 'PICKED', history: [expect.anything(), expect.anything()] });
  });

  it('needs an Idempotency-Key on every action', async () => {
    const { fulfillmentOrderId } = await routedOrder('W-SHIP-3', 1);
    const response = await fetchAs(
      local.url,
      `/v1/fulfillment-orders/${fulfillmentOrderId}/accept`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      ANA,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [expect.objectContaining({ path: 'Idempotency-Key' })],
    });
  });

  it('refuses every action and the reads to a store user of another location, and changes nothing', async () => {
    const { fulfillmentOrderId } = await routedOrder('W-SHIP-4', 1);
    for (const action of FULFILLMENT_API_ACTIONS) {
      const response = await act(local, fulfillmentOrderId, action, {}, { as: RUI });
      expect([action, response.status]).toEqual([action, 403]);
    }
    expect((await fetchAs(local.url, `/v1/fulfillment-orders/${fulfillmentOrderId}`, {}, RUI)).status).toBe(
      403,
    );
    expect((await fetchAs(local.url, '/v1/locations/STORE-BAIXA/fulfillment-orders', {}, RUI)).status).toBe(
      403,
    );
    const fo = await local.getJson<{ status: string; version: number }>(
      `/v1/fulfillment-orders/${fulfillmentOrderId}`,
    );
    expect(fo).toMatchObject({ status: 'CREATED', version: 0 });
  });

  it('answers an action out of order with 409 naming the current state', async () => {
    const { fulfillmentOrderId } = await routedOrder('W-SHIP-5', 1);
    const response = await act(
      local,
      fulfillmentOrderId,
      'ship',
      { carrier: 'CTT', trackingNumber: 'X1' },
      { as: ANA },
    );
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      currentState: 'CREATED',
      action: 'ship',
      detail: expect.stringContaining('CREATED'),
    });
  });
});
