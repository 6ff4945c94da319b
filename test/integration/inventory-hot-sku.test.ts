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
let inventoryTable = '';
const sync = createInventorySync({ publish: async () => [], now: () => new Date().toISOString() });

beforeAll(async () => {
  inventoryTable = (await useLocalTables()).names.INVENTORY_TABLE!;
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
    'a flash sale of 300 concurrent orders for 100 units reserves exactly 100',
    { timeout: 60_000 },
    async () => {
      await aHotSku('FLASH', 100);
      expect(await totals('FLASH')).toMatchObject({ onHand: 100, reserved: 0, shards: SHARDS });
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, (_, index) => reserve('FLASH', `o-${index}`, 1)),
      );
      const kinds = outcomes.map((outcome) => outcome.kind);
      expect(kinds.filter((kind) => kind === 'reserved')).toHaveLength(100);
      expect(kinds.filter((kind) => kind === 'insufficient')).toHaveLength(200);
      expect(await totals('FLASH')).toMatchObject({ onHand: 100, reserved: 100, negative: 0 });
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
    const granted = requests.filter((_, index) => outcomes[index]!.kind === 'reserved');
    const { reserved, negative } = await totals('MIXED');
    expect(reserved).toBe(granted.reduce((sum, request) => sum + request.quantity, 0));
    expect(negative).toBe(0);
    const remaining = 60 - reserved;
    requests.forEach((request, index) => {
      if (outcomes[index]!.kind === 'insufficient') expect(request.quantity).toBeGreaterThan(remaining);
    });
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
    const record = aStreamRecord({
      newItem: { ...stockKey('FLASH', 'dc'), entityType: 'StockLevel', sku: 'FLASH' },
    });
    const others = ['MIXED', 'GATHER', 'COUNTED'].map((sku) =>
      aStreamRecord({ newItem: { ...stockKey(sku, 'dc'), entityType: 'StockLevel', sku } }),
    );
    expect(await sync(aStreamEvent([record, ...others]))).toEqual({ batchItemFailures: [] });
    const report = await checkInventory({ tableName: inventoryTable, endpoint: inject('dynamodbEndpoint') });
    expect(report.violations).toEqual([]);
    expect(report.stockItems).toBe(4 * (SHARDS + 1));
    expect(report.flaggedOversales).toEqual([{ sku: 'COUNTED', locationId: 'dc', available: -3 }]);
  });
});
