import { describe, expect, it } from 'vitest';
import { computeAggregate, type InventoryAggregate } from '../../../functions/domain/inventory/aggregate.js';
import { checkInvariants } from '../../../functions/domain/inventory/invariants.js';
import { InventoryProduct } from '../../../functions/domain/inventory/product.js';
import { decideSync } from '../../../functions/domain/inventory/sync.js';
import { newStockLevel, type StockLevel } from '../../../functions/domain/stock.js';

const NOW = '2026-11-23T10:00:00.000Z';
const LOCATIONS = [
  { locationId: 'lisbon', active: true },
  { locationId: 'porto', channels: ['web'], active: true },
  { locationId: 'closed', active: false },
];
const product = InventoryProduct.parse({
  sku: 'SKU-1',
  reorderPoint: 10,
  reorderQuantity: 50,
  vendorId: 'acme',
  channelBuffers: { amazon: 2 },
});

function level(locationId: string, onHand: number, reserved = 0): StockLevel {
  return {
    ...newStockLevel({ sku: 'SKU-1', locationId, onHand, now: NOW }),
    reserved,
    available: onHand - reserved,
  };
}

function aggregateOf(levels: StockLevel[]) {
  return computeAggregate({
    sku: 'SKU-1',
    levels,
    locations: LOCATIONS,
    channelIds: ['amazon', 'web'],
    reorderPoint: product.reorderPoint,
    channelBuffers: product.channelBuffers,
  });
}

/** Runs the sync over a sequence of states, as the stream would, and collects the events. */
function syncThrough(states: StockLevel[][]) {
  let stored: InventoryAggregate | undefined;
  const detailTypes: string[][] = [];
  for (const levels of states) {
    const decision = decideSync({ previous: stored, next: aggregateOf(levels), product, levels, now: NOW });
    detailTypes.push(decision?.events.map((event) => event.detailType) ?? []);
    if (decision) stored = decision.aggregate;
  }
  return detailTypes;
}

describe('computeAggregate', () => {
  it('sums the network exactly and serves each channel from its locations, minus its buffer', () => {
    const aggregate = aggregateOf([level('lisbon', 5, 1), level('porto', 3), level('closed', 7)]);
    expect(aggregate).toMatchObject({ onHand: 15, reserved: 1, available: 14, availableToPromise: 14 });
    // amazon: lisbon only (porto serves web only, closed is inactive) = 4, minus a buffer of 2.
    expect(aggregate.channels).toEqual({ amazon: 2, web: 7 });
  });

  it('does not let an oversold location cancel the stock of another', () => {
    const aggregate = aggregateOf([level('lisbon', -2), level('porto', 3)]);
    expect(aggregate).toMatchObject({ available: 1, availableToPromise: 3 });
  });

  it('sums the shards of a location before deciding what it can sell', () => {
    const aggregate = aggregateOf([level('lisbon', 4), level('lisbon', -1), level('porto', 0)]);
    expect(aggregate).toMatchObject({ onHand: 3, availableToPromise: 3 });
  });
});

describe('decideSync', () => {
  it('decides nothing when the counts did not change (a duplicate or a replay)', () => {
    expect(syncThrough([[level('lisbon', 20)], [level('lisbon', 20)]])).toEqual([
      ['InventoryLevelChanged'],
      [],
    ]);
  });

  it('fires LowStock once when available crosses the reorder point downward, not on every change below it', () => {
    const events = syncThrough([
      [level('lisbon', 20)],
      [level('lisbon', 9)],
      [level('lisbon', 5)],
      [level('lisbon', 12)],
      [level('lisbon', 8)],
    ]);
    expect(events.map((types) => types.filter((type) => type === 'LowStock').length)).toEqual([
      0, 1, 0, 0, 1,
    ]);
  });

  it('suggests replenishment from the vendor when the reorder point is crossed', () => {
    const [, crossing] = syncThrough([[level('lisbon', 20)], [level('lisbon', 4)]]);
    expect(crossing).toEqual(['InventoryLevelChanged', 'LowStock', 'ReplenishmentSuggested']);
  });

  it('fires OutOfStock and BackInStock on the crossings of zero and asks to retry backorders', () => {
    const events = syncThrough([[level('lisbon', 3)], [level('lisbon', 3, 3)], [level('lisbon', 8, 3)]]);
    expect(events[1]).toContain('OutOfStock');
    expect(events[2]).toContain('BackInStock');
    const stored = decideSync({
      previous: undefined,
      next: aggregateOf([level('lisbon', 0)]),
      product,
      levels: [],
      now: NOW,
    })!;
    const arrival = decideSync({
      previous: stored.aggregate,
      next: aggregateOf([level('lisbon', 5)]),
      product,
      levels: [],
      now: NOW,
    });
    expect(arrival?.retryBackorders).toBe(true);
  });

  it('gives the events of one change ids derived from the aggregate version', () => {
    const decision = decideSync({
      previous: undefined,
      next: aggregateOf([level('lisbon', 1)]),
      product,
      levels: [],
      now: NOW,
    })!;
    expect(decision.events.map((event) => event.detail.eventId)).toEqual([
      'SKU-1:a1',
      'SKU-1:a1:LowStock',
      'SKU-1:a1:ReplenishmentSuggested',
    ]);
  });
});

describe('checkInvariants', () => {
  it('finds aggregates that do not equal the sum of their locations, and unflagged negatives', () => {
    const negative = { ...level('porto', 1, 3) };
    const report = checkInvariants(
      [level('lisbon', 5), negative, { ...level('faro', -1), oversold: true }],
      [{ sku: 'SKU-1', onHand: 6, reserved: 3, available: 2, inTransit: 0 }],
    );
    expect(report.violations.map((violation) => violation.rule).sort()).toEqual([
      'aggregate_mismatch',
      'negative_available',
    ]);
    expect(report.flaggedOversales).toEqual([{ sku: 'SKU-1', locationId: 'faro', available: -1 }]);
  });
});
