import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putChannel, putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
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
import type { TokenPrincipal } from '../helpers/tokens.js';

/**
 * Click and collect at Baixa, which holds the tote bag but not the book: the router transfers
 * the book in from the Norte warehouse. The warehouse ships it, Baixa receives it (the pick-up
 * is ready and the channel is given the code), Baixa readies its own tote once nothing is still
 * travelling, and the customer collects both with the codes. The order ends DELIVERED.
 */
let local: TestRuntime;
const ANA: TokenPrincipal = { role: 'store', sub: 'ana', locationIds: ['STORE-BAIXA'] };
const WMS: TokenPrincipal = {
  role: 'integration',
  sub: 'wms-norte',
  scopes: ['oms/fulfillment.read', 'oms/fulfillment.write'],
  locationIds: ['WH-NORTE'],
};

beforeAll(async () => {
  local = await startTestRuntime({ seed: false });
  await putChannel(aChannel({ channelId: 'web', name: 'Web' }));
  await putLocation(aLocation('STORE-BAIXA', { lat: 38.7107, lon: -9.1374, capabilities: ['pickup'] }));
  await putLocation(
    aLocation('WH-NORTE', { type: 'warehouse', lat: 38.9, lon: -9.1, capabilities: ['ship', 'transfer'] }),
  );
  const now = new Date().toISOString();
  await putStockLevel(newStockLevel({ sku: 'TOTE', locationId: 'STORE-BAIXA', onHand: 4, now }));
  await putStockLevel(newStockLevel({ sku: 'BOOK', locationId: 'WH-NORTE', onHand: 6, now }));
});
afterAll(() => local?.stop());

function pickupCodeOf(fulfillmentOrderId: string): Promise<string> {
  return vi.waitFor(
    () => {
      const ready = local.published.find(
        (event) =>
          event['detail-type'] === 'OrderReadyForPickup' &&
          event.detail.fulfillmentOrderId === fulfillmentOrderId,
      );
      if (!ready) throw new Error('not announced yet');
      return String(ready.detail.pickupCode);
    },
    { timeout: 10_000, interval: 100 },
  );
}

describe('click and collect with a transfer', () => {
  it('goes ship, receive, ready-for-pickup and picked-up with the codes, and ends DELIVERED', async () => {
    const posted = await local.postSignedOrder(
      JSON.stringify(
        aCanonicalOrder({
          externalId: 'W-CC-1',
          fulfillment: { type: 'pickup', locationId: 'STORE-BAIXA' },
          lines: [
            { lineId: '1', sku: 'TOTE', quantity: 1, unitPrice: 1500, discount: 0, tax: 0 },
            { lineId: '2', sku: 'BOOK', quantity: 2, unitPrice: 2000, discount: 0, tax: 0 },
          ],
          totals: undefined,
        }),
      ),
    );
    expect(posted.status).toBe(202);
    const { orderId } = (await posted.json()) as { orderId: string };
    const fos = await routedFulfillmentOrders(local, orderId, 2);
    const pickup = fos.find((fo) => fo.kind === 'pickup')!;
    const transfer = fos.find((fo) => fo.kind === 'transfer')!;
    expect(transfer.locationId).toBe('WH-NORTE');

    // Baixa takes its own part, but can not call the customer before the book has arrived.
    await actOk(local, pickup.fulfillmentOrderId, 'accept', {}, { as: ANA });
    await actOk(
      local,
      pickup.fulfillmentOrderId,
      'pick',
      { lines: [{ lineId: '1', quantity: 1 }] },
      { as: ANA },
    );
    const early = await act(local, pickup.fulfillmentOrderId, 'ready-for-pickup', {}, { as: ANA });
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ guard: 'inbound_transfers_received' });

    // The warehouse's WMS ships the book to Baixa; Baixa may not receive it for the warehouse.
    await actOk(local, transfer.fulfillmentOrderId, 'accept', {}, { as: WMS });
    await actOk(
      local,
      transfer.fulfillmentOrderId,
      'pick',
      { lines: [{ lineId: '2', quantity: 2 }] },
      { as: WMS },
    );
    await actOk(
      local,
      transfer.fulfillmentOrderId,
      'pack',
      { packages: [{ lines: [{ lineId: '2', quantity: 2 }] }] },
      { as: WMS },
    );
    const bookBefore = await levelOf(local, 'BOOK', 'WH-NORTE');
    await actOk(
      local,
      transfer.fulfillmentOrderId,
      'ship',
      { carrier: 'Own van', trackingNumber: 'VAN-7' },
      { as: WMS },
    );
    expect(await levelOf(local, 'BOOK', 'WH-NORTE')).toMatchObject({
      onHand: bookBefore!.onHand - 2,
      reserved: bookBefore!.reserved - 2,
    });
    expect((await act(local, transfer.fulfillmentOrderId, 'receive', {}, { as: WMS })).status).toBe(403);

    const received = await actOk(local, transfer.fulfillmentOrderId, 'receive', {}, { as: ANA });
    expect(received.status).toBe('READY_FOR_PICKUP');
    const transferCode = await pickupCodeOf(transfer.fulfillmentOrderId);
    const announced = local.published.find(
      (event) =>
        event['detail-type'] === 'OrderReadyForPickup' &&
        event.detail.fulfillmentOrderId === transfer.fulfillmentOrderId,
    );
    expect(announced?.detail).toMatchObject({
      version: '1',
      orderId,
      channelId: 'web',
      externalId: 'W-CC-1',
      locationId: 'STORE-BAIXA',
      pickupCode: expect.stringMatching(/^\d{6}$/),
      readyAt: expect.any(String),
    });

    await actOk(local, pickup.fulfillmentOrderId, 'ready-for-pickup', {}, { as: ANA });
    const toteCode = await pickupCodeOf(pickup.fulfillmentOrderId);
    expect(await orderStatusOf(local, orderId)).toBe('READY_FOR_PICKUP');

    const wrong = await act(
      local,
      pickup.fulfillmentOrderId,
      'picked-up',
      { pickupCode: toteCode === '000000' ? '111111' : '000000' },
      { as: ANA },
    );
    expect(wrong.status).toBe(400);
    const toteBefore = await levelOf(local, 'TOTE', 'STORE-BAIXA');
    await actOk(local, pickup.fulfillmentOrderId, 'picked-up', { pickupCode: toteCode }, { as: ANA });
    await actOk(local, transfer.fulfillmentOrderId, 'picked-up', { pickupCode: transferCode }, { as: ANA });

    expect(await levelOf(local, 'TOTE', 'STORE-BAIXA')).toMatchObject({
      onHand: toteBefore!.onHand - 1,
      reserved: toteBefore!.reserved - 1,
    });
    expect(await orderStatusOf(local, orderId)).toBe('DELIVERED');
    await vi.waitFor(
      () =>
        expect(
          local.published
            .filter((event) => event.detail.orderId === orderId)
            .map((event) => event['detail-type']),
        ).toEqual(expect.arrayContaining(['OrderPickedUp', 'OrderDelivered', 'ShipmentCreated'])),
      { timeout: 10_000, interval: 100 },
    );
    await expectInventoryConsistent(local);
  });
});
