import { beforeAll, describe, expect, inject, it } from 'vitest';
import { checkInventory } from '../../bin/check-inventory.js';
import {
  distributeToShards,
  getStockItems,
  releaseFromShards,
  reserveFromShards,
  stockKey,
  type ShardReservation,
} from '../../functions/data/inventory-repository.js';
import { recordMovement } from '../../functions/data/movements-repository.js';
import { putInventoryProduct } from '../../functions/data/products-repository.js';
import { Movement } from '../../functions/domain/inventory/movement.js';
import { createInventorySync } from '../../functions/inventory/inventory-sync.js';
import { aStreamEvent, aStreamRecord } from '../helpers/records.js';
import { useLocalTables } from '../helpers/tables.js';
import { givenLocations } from './inventory-fixtures.js';
import { anActor } from '../helpers/factories.js';
import { aLocation } from '../helpers/records.js';

const SHARDS = 8;
const NOW = '2026-11-23T10:00:00.000Z';
const sync = createInventorySync({ publish: async () => [], now: () => new Date().toISOString() });

beforeAll(async () => {
  await useLocalTables();
  await givenLocations(aLocation('dc'));
});

/** A hot SKU with `units` at the dc, all of them moved into its shards. */
async function aHotSku(sku: string, units: number): Promise<void> {
  await putInventoryProduct({ sku, hot: true, shards: SHARDS });
  const receipt = Movement.parse({
    type: 'receipt',
    movementId: `rcv-${sku}`,
    who: 'test',
    sku,
    locationId: 'dc',
    quantity: units,
  });
  await recordMovement(receipt, () => NOW, anActor());
  expect(await distributeToShards({ sku, locationId: 'dc', shards: SHARDS, quantity: units, now: NOW })).toBe(
    units,
  );
}

async function totals(sku: string) {
  const items = await getStockItems(sku, SHARDS);
  return {
    onHand: items.reduce((sum, item) => sum + item.onHand, 0),
    reserved: items.reduce((sum, item) => sum + item.reserved, 0),
    negative: items.filter((item) => item.available < 0).length,
    shards: items.length - 1,
  };
}

const reserve = (sku: string, orderId: string, quantity: number) =>
  reserveFromShards({ sku, locationId: 'dc', orderId, quantity, shards: SHARDS, now: NOW });

describe('hot SKUs: stock over shards', () => {
  it(
    // Three orders a unit over eight shards: every shard runs dry while others still hold stock.
    'a flash sale of 150 concurrent orders for 50 units reserves exactly 50',
    { timeout: 180_000 },
    async () => {
      await aHotSku('FLASH', 50);
      expect(await totals('FLASH')).toMatchObject({ onHand: 50, reserved: 0, shards: SHARDS });
      const outcomes = await Promise.all(
        Array.from({ length: 150 }, (_, index) => reserve('FLASH', `o-${index}`, 1)),
      );
      const kinds = outcomes.map((outcome) => outcome.kind);
      expect(kinds.filter((kind) => kind === 'reserved')).toHaveLength(50);
      expect(kinds.filter((kind) => kind === 'insufficient')).toHaveLength(100);
      expect(await totals('FLASH')).toMatchObject({ onHand: 50, reserved: 50, negative: 0 });
    },
  );

  it('grants mixed quantities exactly, and refuses only what was really not there', async () => {
    await aHotSku('MIXED', 60);
    const requests = Array.from({ length: 80 }, (_, index) => ({
      orderId: `m-${index}`,
      quantity: 1 + (index % 4),
    }));
    const outcomes = await Promise.all(
      requests.map((request) => reserve('MIXED', request.orderId, request.quantity)),
    );
    const outcomeOf = (kind: ShardReservation['kind']) =>
      requests.filter((_, index) => outcomes[index]!.kind === kind);

    // Demand (200 units) is over three times the stock: some are granted, some refused.
    const granted = outcomeOf('reserved');
    const refused = outcomeOf('insufficient');
    expect(granted.length + refused.length + outcomeOf('contended').length).toBe(requests.length);
    expect(granted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    // What was granted is what is held, and a contended request took nothing.
    const { reserved, negative } = await totals('MIXED');
    expect(reserved).toBe(granted.reduce((sum, request) => sum + request.quantity, 0));
    expect(negative).toBe(0);
    // A refusal saw less than it asked for, and nothing it asked for is left now.
    outcomes.forEach((outcome, index) => {
      if (outcome.kind === 'insufficient') expect(outcome.available).toBeLessThan(requests[index]!.quantity);
    });
    expect(Math.min(...refused.map((request) => request.quantity))).toBeGreaterThan(60 - reserved);
  });

  it('answers a second reservation for the order with the first, whatever quantity it asks', async () => {
    await aHotSku('TWICE', 16);
    const first = await reserve('TWICE', 'o-twice', 3);

    const again = await reserve('TWICE', 'o-twice', 5);

    expect(first.kind).toBe('reserved');
    expect(again).toEqual({ kind: 'already_reserved', portions: (first as { portions: unknown }).portions });
    expect(await totals('TWICE')).toMatchObject({ onHand: 16, reserved: 3 });
  });

  it('gathers a reservation no single shard could hold, and gives it back where it came from', async () => {
    await aHotSku('GATHER', 16);
    const taken = (await reserve('GATHER', 'big', 10)) as Extract<ShardReservation, { kind: 'reserved' }>;
    expect(taken.kind).toBe('reserved');
    expect(taken.portions.reduce((sum, portion) => sum + portion.quantity, 0)).toBe(10);
    expect((await reserve('GATHER', 'big', 10)).kind).toBe('already_reserved');
    const release = { sku: 'GATHER', locationId: 'dc', orderId: 'big', portions: taken.portions, now: NOW };
    expect(await releaseFromShards(release)).toBe(true);
    expect(await releaseFromShards(release)).toBe(false);
    expect(await totals('GATHER')).toMatchObject({ onHand: 16, reserved: 0 });
  });

  it('counts a hot SKU across its shards: the variance is against the whole location', async () => {
    await aHotSku('COUNTED', 40);
    const count = Movement.parse({
      type: 'cycle_count',
      movementId: 'cc-counted',
      who: 'test',
      sku: 'COUNTED',
      locationId: 'dc',
      countedQuantity: 37,
    });
    const { record } = await recordMovement(count, () => NOW, anActor());
    expect(record.variance).toBe(-3);
    expect(await totals('COUNTED')).toMatchObject({ onHand: 37 });
  });

  it('keeps the aggregates exact: the invariant check sums the shards', async () => {
    // Tables of this test alone, so that the check counts what it wrote and nothing else.
    const { names } = await useLocalTables();
    await givenLocations(aLocation('dc'));
    await aHotSku('EXACT', 40);
    expect((await reserve('EXACT', 'e-1', 7)).kind).toBe('reserved');
    await aHotSku('RECOUNTED', 40);
    await recordMovement(
      Movement.parse({
        type: 'cycle_count',
        movementId: 'cc-recounted',
        who: 'test',
        sku: 'RECOUNTED',
        locationId: 'dc',
        countedQuantity: 37,
      }),
      () => NOW,
      anActor(),
    );
    const levelRecord = (sku: string) =>
      aStreamRecord({ newItem: { ...stockKey(sku, 'dc'), entityType: 'StockLevel', sku } });

    expect(await sync(aStreamEvent([levelRecord('EXACT'), levelRecord('RECOUNTED')]))).toEqual({
      batchItemFailures: [],
    });

    const report = await checkInventory({
      tableName: names.INVENTORY_TABLE!,
      endpoint: inject('dynamodbEndpoint'),
    });
    expect(report.violations).toEqual([]);
    expect(report.skus).toBe(2);
    expect(report.stockItems).toBe(2 * (SHARDS + 1));
    expect(report.flaggedOversales).toEqual([{ sku: 'RECOUNTED', locationId: 'dc', available: -3 }]);
  });
});
