import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { getMovement } from '../../functions/data/movements-repository.js';
import { getCapacityUsed } from '../../functions/data/routing-repository.js';
import { localDay } from '../../functions/domain/routing/routing-input.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { aCanonicalOrder } from '../helpers/factories.js';
import {
  actOk,
  expectInventoryConsistent,
  levelOf,
  orderStatusOf,
  routedFulfillmentOrders,
} from '../helpers/fulfillment.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { aChannel, aLocation } from '../helpers/records.js';

/**
 * When a store can not do the work: a reject and a short pick give the units back at once and
 * the router places them elsewhere, never at that store again; and a split order is
 * PARTIALLY_SHIPPED until its last parcel leaves. On the local runtime, with an admin's token
 * (access is fulfillment-ship.test.ts's subject).
 */
let local: TestRuntime;

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  // Baixa is nearest the demo customer, Alvalade next, Porto far away.
  await putLocation(aLocation('STORE-BAIXA', { lat: 38.7107, lon: -9.1374, capabilities: ['ship'] }));
  await putLocation(aLocation('STORE-ALVALADE', { lat: 38.7527, lon: -9.1435, capabilities: ['ship'] }));
  await putLocation(aLocation('STORE-PORTO', { lat: 41.1496, lon: -8.611, capabilities: ['ship'] }));
  const now = new Date().toISOString();
  for (const locationId of ['STORE-BAIXA', 'STORE-ALVALADE', 'STORE-PORTO'])
    await putStockLevel(newStockLevel({ sku: 'LAMP', locationId, onHand: 10, now }));
  await putStockLevel(newStockLevel({ sku: 'VASE', locationId: 'STORE-BAIXA', onHand: 3, now }));
  await putStockLevel(newStockLevel({ sku: 'VASE', locationId: 'STORE-PORTO', onHand: 5, now }));
  await putStockLevel(newStockLevel({ sku: 'RUG', locationId: 'STORE-ALVALADE', onHand: 5, now }));
  await putStockLevel(newStockLevel({ sku: 'CUP', locationId: 'STORE-BAIXA', onHand: 5, now }));
});
afterAll(() => local?.stop());

async function post(externalId: string, lines: { lineId: string; sku: string; quantity: number }[]) {
  const posted = await local.postSignedOrder(
    JSON.stringify(
      aCanonicalOrder({
        externalId,
        lines: lines.map((line) => ({ ...line, unitPrice: 1000, discount: 0, tax: 0 })),
        totals: undefined,
      }),
    ),
  );
  expect(posted.status).toBe(202);
  return ((await posted.json()) as { orderId: string }).orderId;
}

/** The location's use of the day, summed over its counter's shards. */
async function capacityUsed(locationId: string): Promise<number> {
  const day = localDay(new Date().toISOString(), 'Europe/Lisbon');
  return (await getCapacityUsed([{ locationId, day }]))[locationId] ?? 0;
}

/** Waits until the order's active fulfillment orders are exactly at these locations. */
async function placedAt(orderId: string, locations: string[]) {
  return vi.waitFor(
    async () => {
      const active = await routedFulfillmentOrders(local, orderId);
      expect(active.map((fo) => fo.locationId).sort()).toEqual([...locations].sort());
      return active;
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe('a location that can not do the work', () => {
  it('rejects: its reservation and capacity come back and the router places the units elsewhere', async () => {
    const orderId = await post('W-REJECT-1', [{ lineId: '1', sku: 'LAMP', quantity: 2 }]);
    const [fo] = await placedAt(orderId, ['STORE-BAIXA']);
    const usedBefore = await capacityUsed('STORE-BAIXA');
    const baixaBefore = await levelOf(local, 'LAMP', 'STORE-BAIXA');

    const rejected = await actOk(local, fo!.fulfillmentOrderId, 'reject', { reason: 'shelf is damaged' });

    expect(rejected).toMatchObject({
      status: 'REJECTED',
      lines: [expect.objectContaining({ released: 2, open: 0 })],
    });
    expect(await levelOf(local, 'LAMP', 'STORE-BAIXA')).toMatchObject({
      onHand: baixaBefore!.onHand,
      reserved: baixaBefore!.reserved - 2,
    });
    expect(await capacityUsed('STORE-BAIXA')).toBe(usedBefore - 1);
    const [again] = await placedAt(orderId, ['STORE-ALVALADE']);
    expect(again!.fulfillmentOrderId).not.toBe(fo!.fulfillmentOrderId);
    await vi.waitFor(async () => expect(await orderStatusOf(local, orderId)).toBe('ROUTED'), {
      timeout: 10_000,
      interval: 100,
    });
    await expectInventoryConsistent(local);
  });

  it('short-picks: the missing units are corrected off its stock and re-routed, the rest goes on', async () => {
    const orderId = await post('W-SHORT-1', [{ lineId: '1', sku: 'VASE', quantity: 3 }]);
    const [fo] = await placedAt(orderId, ['STORE-BAIXA']);
    await actOk(local, fo!.fulfillmentOrderId, 'accept');

    const picked = await actOk(local, fo!.fulfillmentOrderId, 'pick', {
      lines: [{ lineId: '1', quantity: 1 }],
    });

    expect(picked).toMatchObject({
      status: 'PICKED',
      lines: [expect.objectContaining({ picked: 1, released: 2 })],
    });
    expect(await levelOf(local, 'VASE', 'STORE-BAIXA')).toMatchObject({
      onHand: 1,
      reserved: 1,
      available: 0,
    });
    expect(await getMovement(`fulfillment:${fo!.fulfillmentOrderId}:v2:VASE`)).toMatchObject({
      type: 'adjustment',
      movement: { reason: 'correction', quantityDelta: -2, locationId: 'STORE-BAIXA' },
    });
    await placedAt(orderId, ['STORE-BAIXA', 'STORE-PORTO']);
    expect(await levelOf(local, 'VASE', 'STORE-PORTO')).toMatchObject({ reserved: 2 });
    await vi.waitFor(async () => expect(await orderStatusOf(local, orderId)).toBe('IN_FULFILLMENT'), {
      timeout: 10_000,
      interval: 100,
    });
    await expectInventoryConsistent(local);
  });
});

describe('a split order', () => {
  it('is PARTIALLY_SHIPPED when one parcel has left and SHIPPED when both have', async () => {
    const orderId = await post('W-SPLIT-1', [
      { lineId: '1', sku: 'CUP', quantity: 1 },
      { lineId: '2', sku: 'RUG', quantity: 1 },
    ]);
    const fos = await routedFulfillmentOrders(local, orderId, 2);
    expect(fos).toHaveLength(2);

    const shipAll = async (fulfillmentOrderId: string, lineId: string, trackingNumber: string) => {
      await actOk(local, fulfillmentOrderId, 'accept');
      await actOk(local, fulfillmentOrderId, 'pick', { lines: [{ lineId, quantity: 1 }] });
      await actOk(local, fulfillmentOrderId, 'pack', { packages: [{ lines: [{ lineId, quantity: 1 }] }] });
      await actOk(local, fulfillmentOrderId, 'ship', { carrier: 'DHL', trackingNumber });
    };
    const view = async (fulfillmentOrderId: string) =>
      local.getJson<{ lines: { lineId: string }[] }>(`/v1/fulfillment-orders/${fulfillmentOrderId}`);
    const [first, second] = fos;
    await shipAll(
      first!.fulfillmentOrderId,
      (await view(first!.fulfillmentOrderId)).lines[0]!.lineId,
      'DHL-1',
    );
    expect(await orderStatusOf(local, orderId)).toBe('PARTIALLY_SHIPPED');
    await shipAll(
      second!.fulfillmentOrderId,
      (await view(second!.fulfillmentOrderId)).lines[0]!.lineId,
      'DHL-2',
    );
    expect(await orderStatusOf(local, orderId)).toBe('SHIPPED');
    await vi.waitFor(
      () =>
        expect(
          local.published
            .filter((event) => event.detail.orderId === orderId)
            .map((event) => event['detail-type'])
            .filter((type) => type.startsWith('Order')),
        ).toEqual(expect.arrayContaining(['OrderInFulfillment', 'OrderPartiallyShipped', 'OrderShipped'])),
      { timeout: 10_000, interval: 100 },
    );
    await expectInventoryConsistent(local);
  });
});
