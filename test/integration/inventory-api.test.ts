import { beforeAll, describe, expect, it } from 'vitest';
import { putChannel } from '../../functions/data/config-repository.js';
import { getStockLevels } from '../../functions/data/inventory-repository.js';
import { getMovement } from '../../functions/data/movements-repository.js';
import { putInventoryProduct } from '../../functions/data/products-repository.js';
import { getChannelAvailability } from '../../functions/inventory/get-channel-availability.js';
import { getLocationInventory } from '../../functions/inventory/get-location-inventory.js';
import { getReplenishmentSuggestions } from '../../functions/inventory/get-replenishment-suggestions.js';
import { getSkuInventory } from '../../functions/inventory/get-sku-inventory.js';
import { postMovement } from '../../functions/inventory/post-movement.js';
import { postPosSales } from '../../functions/inventory/post-pos-sales.js';
import { anApiEvent } from '../helpers/factories.js';
import { aChannel } from '../helpers/records.js';
import { useLocalTables } from '../helpers/tables.js';
import { bodyOf } from '../helpers/http.js';
import { aMovementPost, aPosUpload, givenLocations } from './inventory-fixtures.js';
import { aLocation } from '../helpers/records.js';

beforeAll(async () => {
  await useLocalTables();
  await givenLocations(aLocation('lisbon'), aLocation('porto', { channels: ['web'] }));
  await putChannel(aChannel({ channelId: 'web' }));
  await putChannel(aChannel({ channelId: 'amazon', name: 'Amazon' }));
});

const receipt = (movementId: string, sku: string, locationId: string, quantity: number) =>
  aMovementPost({ type: 'receipt', movementId, sku, locationId, quantity, reference: 'PO-1' });

describe('POST /v1/inventory/movements', () => {
  it('applies a receipt once, however often it is sent', async () => {
    const first = await postMovement(receipt('rcv-1', 'MUG', 'lisbon', 12));
    const again = await postMovement(receipt('rcv-1', 'MUG', 'lisbon', 12));
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect((await getStockLevels('MUG'))[0]).toMatchObject({ onHand: 12, available: 12 });
  });

  it('applies a movement once when the same movement is posted five times at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => postMovement(receipt('rcv-race', 'KETTLE', 'lisbon', 4))),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect((await getStockLevels('KETTLE'))[0]).toMatchObject({ onHand: 4, available: 4 });
  });

  it('answers 409 when a movement id is reused for another movement', async () => {
    await postMovement(receipt('rcv-2', 'MUG', 'lisbon', 1));
    const reused = await postMovement(receipt('rcv-2', 'MUG', 'lisbon', 2));
    expect(reused.statusCode).toBe(409);
    expect(reused.headers?.['content-type']).toBe('application/problem+json');
  });

  it('answers 400 naming the fields, and 404 for a location that does not exist', async () => {
    const invalid = await postMovement(
      aMovementPost({ type: 'receipt', movementId: 'bad', sku: 'MUG', quantity: -1 }),
    );
    expect(invalid.statusCode).toBe(400);
    expect(
      bodyOf(invalid)
        .errors.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['locationId', 'quantity']);
    const unknown = await postMovement(receipt('rcv-3', 'MUG', 'atlantis', 1));
    expect(unknown.statusCode).toBe(404);
  });

  it('records a cycle count as an absolute count with its variance', async () => {
    await postMovement(receipt('rcv-cc', 'PLATE', 'lisbon', 10));
    const count = await postMovement(
      aMovementPost({
        type: 'cycle_count',
        movementId: 'cc-1',
        sku: 'PLATE',
        locationId: 'lisbon',
        countedQuantity: 7,
      }),
    );
    expect(bodyOf(count)).toMatchObject({ variance: -3, changes: [{ after: { onHand: 7, available: 7 } }] });
  });

  it('moves stock through a transfer: in transit from A, received at B with the discrepancy', async () => {
    await postMovement(receipt('rcv-tr', 'BOWL', 'lisbon', 10));
    const ship = {
      type: 'transfer_shipment',
      transferId: 'tr-1',
      sku: 'BOWL',
      fromLocationId: 'lisbon',
      toLocationId: 'porto',
    };
    expect(
      (await postMovement(aMovementPost({ ...ship, movementId: 'tr-1-ship', quantity: 6 }))).statusCode,
    ).toBe(201);
    const inTransit = bodyOf(await getSkuInventory(skuRequest('BOWL')));
    expect(inTransit.network).toMatchObject({ onHand: 4, inTransit: 6 });
    const receive = await postMovement(
      aMovementPost({
        type: 'transfer_receipt',
        movementId: 'tr-1-recv',
        transferId: 'tr-1',
        receivedQuantity: 5,
      }),
    );
    expect(bodyOf(receive)).toMatchObject({ discrepancy: 1 });
    const after = bodyOf(await getSkuInventory(skuRequest('BOWL')));
    expect(after.network).toMatchObject({ onHand: 9, inTransit: 0 });
    expect(
      after.locations.map((level: { locationId: string; onHand: number }) => [
        level.locationId,
        level.onHand,
      ]),
    ).toEqual([
      ['lisbon', 4],
      ['porto', 5],
    ]);
  });
});

describe('POST /v1/locations/{locationId}/pos-sales', () => {
  const sales = [
    { saleId: 's-2', sku: 'CUP', quantity: 2, occurredAt: '2026-11-22T10:05:00Z' },
    { saleId: 's-1', sku: 'CUP', quantity: 1, occurredAt: '2026-11-22T10:00:00Z' },
  ];

  it('counts each sale of an offline batch once when the batch is uploaded twice', async () => {
    await postMovement(receipt('rcv-cup', 'CUP', 'lisbon', 10));
    const first = bodyOf(await postPosSales(aPosUpload('lisbon', sales)));
    const second = bodyOf(await postPosSales(aPosUpload('lisbon', sales, 'another-register')));
    expect(first).toMatchObject({ recorded: 2, duplicates: 0 });
    expect(second).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(first.results.map((result: { saleId: string }) => result.saleId)).toEqual(['s-1', 's-2']);
    expect((await getStockLevels('CUP'))[0]).toMatchObject({ onHand: 7, available: 7 });
  });

  it('accepts a sale that drives stock below zero and flags it', async () => {
    await postMovement(receipt('rcv-vase', 'VASE', 'lisbon', 1));
    const upload = bodyOf(
      await postPosSales(
        aPosUpload('lisbon', [
          { saleId: 'v-1', sku: 'VASE', quantity: 1, occurredAt: '2026-11-22T09:00:00Z' },
          { saleId: 'v-2', sku: 'VASE', quantity: 2, occurredAt: '2026-11-22T09:30:00Z' },
        ]),
      ),
    );
    expect(upload).toMatchObject({ recorded: 2, oversold: 1 });
    expect(upload.results[1]).toMatchObject({ saleId: 'v-2', status: 'recorded', oversold: true });
    expect((await getStockLevels('VASE'))[0]).toMatchObject({ onHand: -2, available: -2, oversold: true });
  });

  it('answers 404 for an unknown location', async () => {
    expect((await postPosSales(aPosUpload('atlantis', sales))).statusCode).toBe(404);
  });

  it('refuses a whole batch mixing valid and invalid sales, naming each bad sale and writing nothing', async () => {
    await postMovement(receipt('rcv-saucer', 'SAUCER', 'lisbon', 5));
    const response = await postPosSales(
      aPosUpload('lisbon', [
        { saleId: 'm-1', sku: 'SAUCER', quantity: 1, occurredAt: '2026-11-22T11:00:00Z' },
        { saleId: 'm-2', sku: 'SAUCER', quantity: -1, occurredAt: '2026-11-22T11:01:00Z' },
        { saleId: 'm-3', sku: 'SAUCER', quantity: 1, occurredAt: '2026-11-22T11:02:00Z' },
        { saleId: 'm-4', sku: 'SAUCER', quantity: 1, occurredAt: 'yesterday' },
      ]),
    );
    expect(response.statusCode).toBe(400);
    expect(
      bodyOf(response)
        .errors.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['sales/1/quantity', 'sales/3/occurredAt']);
    expect((await getStockLevels('SAUCER'))[0]).toMatchObject({ onHand: 5, available: 5 });
    expect(await getMovement('pos:lisbon:m-1')).toBeUndefined();
    expect(await getMovement('pos:lisbon:m-3')).toBeUndefined();
  });

  it('answers 400 naming the sale that is invalid', async () => {
    const response = await postPosSales(aPosUpload('lisbon', [{ saleId: 's-9', sku: 'CUP', quantity: 0 }]));
    expect(response.statusCode).toBe(400);
    expect(
      bodyOf(response)
        .errors.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['sales/0/occurredAt', 'sales/0/quantity']);
  });
});

describe('reading stock', () => {
  it('GET /v1/inventory/{sku}: per location, network and per channel', async () => {
    await putInventoryProduct({ sku: 'JUG', reorderPoint: 2, channelBuffers: { amazon: 1 } });
    await postMovement(receipt('rcv-jug-1', 'JUG', 'lisbon', 3));
    await postMovement(receipt('rcv-jug-2', 'JUG', 'porto', 4));
    const body = bodyOf(await getSkuInventory(skuRequest('JUG')));
    expect(body.network).toMatchObject({ onHand: 7, reserved: 0, available: 7, availableToPromise: 7 });
    // porto serves web only; amazon keeps a buffer of one unit.
    expect(body.channels).toEqual({ amazon: 2, web: 7 });
    expect((await getSkuInventory(skuRequest('NOPE'))).statusCode).toBe(404);
  });

  it('GET /v1/locations/{id}/inventory pages through the location stock', async () => {
    for (const sku of ['PG-A', 'PG-B', 'PG-C']) await postMovement(receipt(`rcv-${sku}`, sku, 'porto', 1));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const response = await getLocationInventory(
        anApiEvent({
          path: '/v1/locations/porto/inventory',
          pathParameters: { locationId: 'porto' },
          query: { limit: '2', ...(cursor && { cursor }) },
        }),
      );
      const page = bodyOf(response);
      seen.push(...page.items.map((level: { sku: string }) => level.sku));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((sku) => sku.startsWith('PG-'))).toEqual(['PG-A', 'PG-B', 'PG-C']);
    const unknown = await getLocationInventory(
      anApiEvent({ path: '/x', pathParameters: { locationId: 'atlantis' } }),
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('GET /v1/channels/{id}/availability validates since and knows its channels', async () => {
    const bad = await getChannelAvailability(
      anApiEvent({ path: '/x', pathParameters: { channelId: 'web' }, query: { since: 'yesterday' } }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bodyOf(bad).errors[0].path).toBe('since');
    const unknown = await getChannelAvailability(
      anApiEvent({ path: '/x', pathParameters: { channelId: 'nope' } }),
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('GET /v1/replenishment/suggestions answers with the open suggestions', async () => {
    const response = await getReplenishmentSuggestions(anApiEvent({ path: '/v1/replenishment/suggestions' }));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).suggestions).toEqual([]);
  });
});

function skuRequest(sku: string) {
  return anApiEvent({ path: `/v1/inventory/${sku}`, pathParameters: { sku } });
}
