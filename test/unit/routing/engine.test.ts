import { describe, expect, it } from 'vitest';
import { decide } from '../../../functions/domain/routing/index.js';
import {
  aLine,
  aRoutingLocation,
  aRoutingOrder,
  aRuleSet,
  aStrategy,
  northOfCustomer,
  reservedUnits,
  routingInput,
  stock,
} from './factories.js';

const near = aRoutingLocation('store-near', northOfCustomer(5));
const middle = aRoutingLocation('store-middle', northOfCustomer(40));
const far = aRoutingLocation('warehouse-far', { ...northOfCustomer(300), type: 'warehouse' });

describe('decide: shipping', () => {
  it('ships from the nearest location that holds the whole order', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A', 2)] }),
        locations: [far, middle, near],
        stock: stock({ 'SKU-A': { 'store-near': 2, 'store-middle': 9, 'warehouse-far': 50 } }),
      }),
    );

    expect(plan.outcome).toBe('routed');
    expect(plan.strategy).toBe('default');
    expect(plan.fulfillmentOrders).toEqual([
      {
        locationId: 'store-near',
        kind: 'ship',
        lines: [{ lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 2 }],
        distanceKm: 5,
      },
    ]);
    expect(plan.unplaced).toEqual([]);
  });

  it('prefers one farther shipment over two nearer ones when fewest_shipments ranks first', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A'), aLine('SKU-B')] }),
        locations: [near, middle, far],
        stock: stock({
          'SKU-A': { 'store-near': 1, 'warehouse-far': 1 },
          'SKU-B': { 'store-middle': 1, 'warehouse-far': 1 },
        }),
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['warehouse-far']);
  });

  it('fills from the nearest locations first when distance ranks first', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A'), aLine('SKU-B')] }),
        locations: [near, middle, far],
        stock: stock({
          'SKU-A': { 'store-near': 1, 'warehouse-far': 1 },
          'SKU-B': { 'store-middle': 1, 'warehouse-far': 1 },
        }),
        ruleSet: aRuleSet(aStrategy({ ranking: ['distance'] })),
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['store-near', 'store-middle']);
  });

  it('splits into two shipments when no single location has everything', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A'), aLine('SKU-B')] }),
        locations: [near, middle, far],
        stock: stock({ 'SKU-A': { 'store-near': 1 }, 'SKU-B': { 'warehouse-far': 1 } }),
      }),
    );

    expect(plan.outcome).toBe('routed');
    expect(
      plan.fulfillmentOrders.map((order) => [order.locationId, order.lines.map((line) => line.sku)]),
    ).toEqual([
      ['store-near', ['SKU-A']],
      ['warehouse-far', ['SKU-B']],
    ]);
  });

  it('splits one line over two locations when neither holds its full quantity, drawing most from the fuller one', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A', 5)] }),
        locations: [near, middle],
        stock: stock({ 'SKU-A': { 'store-near': 3, 'store-middle': 4 } }),
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => [order.locationId, order.lines[0]?.quantity])).toEqual([
      ['store-middle', 4],
      ['store-near', 1],
    ]);
  });

  it('breaks a tie between equally short plans by the next criterion (total distance)', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A'), aLine('SKU-B')] }),
        locations: [far, near, middle],
        stock: stock({ 'SKU-A': { 'store-near': 1 }, 'SKU-B': { 'store-middle': 1, 'warehouse-far': 1 } }),
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['store-near', 'store-middle']);
  });

  it('never promises safety stock', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A', 2)] }),
        locations: [near, far],
        stock: stock({ 'SKU-A': { 'store-near': [3, 2], 'warehouse-far': [10, 2] } }),
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['warehouse-far']);
  });

  it('may dip into safety stock when the strategy says so', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A', 2)] }),
        locations: [near, far],
        stock: stock({ 'SKU-A': { 'store-near': [3, 2], 'warehouse-far': [10, 2] } }),
        ruleSet: aRuleSet(aStrategy({ filters: { respectSafetyStock: false } })),
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['store-near']);
  });

  it('never sends the order back to a location that rejected it', () => {
    const plan = decide(
      routingInput({
        locations: [near, middle],
        stock: stock({ 'SKU-A': { 'store-near': 5, 'store-middle': 5 } }),
        excludeLocationIds: ['store-near'],
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['store-middle']);
    expect(plan.explanation.candidates).toContainEqual(
      expect.objectContaining({ locationId: 'store-near', excluded: 'rejected this order before' }),
    );
  });

  it('skips a location at its daily capacity when the strategy requires capacity', () => {
    const busy = aRoutingLocation('store-busy', {
      ...northOfCustomer(1),
      dailyCapacity: 100,
      capacityUsed: 100,
    });
    const input = routingInput({
      locations: [busy, middle],
      stock: stock({ 'SKU-A': { 'store-busy': 5, 'store-middle': 5 } }),
      ruleSet: aRuleSet(aStrategy({ filters: { requireCapacity: true } })),
    });

    const plan = decide(input);

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['store-middle']);
    expect(plan.explanation.candidates).toContainEqual(
      expect.objectContaining({ locationId: 'store-busy', excluded: 'at daily capacity (100 of 100 used)' }),
    );
    expect(decide({ ...input, ruleSet: aRuleSet() }).fulfillmentOrders[0]?.locationId).toBe('store-busy');
  });

  it('only uses locations eligible for the order channel', () => {
    const marketplaceOnly = aRoutingLocation('store-amazon', { ...northOfCustomer(1), channels: ['amazon'] });
    const plan = decide(
      routingInput({
        locations: [marketplaceOnly, middle],
        stock: stock({ 'SKU-A': { 'store-amazon': 5, 'store-middle': 5 } }),
      }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['store-middle']);
    expect(plan.explanation.candidates).toContainEqual(
      expect.objectContaining({ locationId: 'store-amazon', excluded: 'not eligible for channel web' }),
    );
  });

  it('drops locations by type, region served and distance, explaining each', () => {
    const outOfRegion = aRoutingLocation('store-nj', { ...northOfCustomer(2), regionsServed: ['US-NJ'] });
    const plan = decide(
      routingInput({
        locations: [outOfRegion, near, far],
        stock: stock({ 'SKU-A': { 'store-nj': 5, 'store-near': 5, 'warehouse-far': 5 } }),
        ruleSet: aRuleSet(
          aStrategy({
            filters: { locationTypes: ['warehouse'], respectRegionsServed: true, maxDistanceKm: 100 },
          }),
        ),
      }),
    );

    expect(plan.outcome).toBe('backordered');
    expect(plan.unplaced).toEqual([
      { lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 1, reason: 'no_eligible_location' },
    ]);
    const excluded = Object.fromEntries(plan.explanation.candidates.map((c) => [c.locationId, c.excluded]));
    expect(excluded).toEqual({
      'store-nj': 'type store is not in [warehouse]',
      'store-near': 'type store is not in [warehouse]',
      'warehouse-far': '300 km away, beyond the 100 km limit',
    });
  });

  it('ranks every eligible candidate and records its scores', () => {
    const plan = decide(
      routingInput({
        locations: [far, near],
        stock: stock({ 'SKU-A': { 'store-near': 5, 'warehouse-far': 5 } }),
      }),
    );

    expect(plan.explanation.candidates).toEqual([
      {
        locationId: 'warehouse-far',
        distanceKm: 300,
        rank: 2,
        scores: { distanceKm: 300, priority: 10, costPerShipment: 500, stockUnits: 5, fillableUnits: 1 },
      },
      {
        locationId: 'store-near',
        distanceKm: 5,
        rank: 1,
        scores: { distanceKm: 5, priority: 10, costPerShipment: 500, stockUnits: 5, fillableUnits: 1 },
      },
    ]);
    expect(plan.explanation.decision.join('\n')).toContain('ship from store-near (5 km, rank 1): SKU-A x1.');
  });
});

describe('decide: split policy', () => {
  const twoLines = aRoutingOrder({ lines: [aLine('SKU-A'), aLine('SKU-B')] });
  const apart = stock({ 'SKU-A': { 'store-near': 1 }, 'SKU-B': { 'store-middle': 1 } });

  it('ships what one location can and reports the rest as held back by the policy', () => {
    const plan = decide(
      routingInput({
        order: twoLines,
        locations: [near, middle],
        stock: apart,
        ruleSet: aRuleSet(aStrategy({ split: { policy: 'no_split' } })),
      }),
    );

    expect(plan.outcome).toBe('partially_routed');
    expect(plan.fulfillmentOrders).toHaveLength(1);
    expect(plan.unplaced).toEqual([expect.objectContaining({ reason: 'split_policy' })]);
  });

  it('does not split when a shipment would carry less than the minimum value', () => {
    const cheapSplit = aRoutingOrder({
      lines: [
        { ...aLine('SKU-A'), value: 9_000 },
        { ...aLine('SKU-B'), value: 1_000 },
      ],
    });
    const ruleSet = aRuleSet(aStrategy({ split: { policy: 'allow', minValuePerShipment: 2_000 } }));

    const plan = decide(
      routingInput({ order: cheapSplit, locations: [near, middle], stock: apart, ruleSet }),
    );

    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['store-near']);
    expect(plan.unplaced).toEqual([expect.objectContaining({ sku: 'SKU-B', reason: 'split_policy' })]);
  });

  it('falls back to the fewest-shipments search when filling by distance would break the policy', () => {
    const plan = decide(
      routingInput({
        order: twoLines,
        locations: [near, middle, far],
        stock: stock({
          'SKU-A': { 'store-near': 1, 'warehouse-far': 1 },
          'SKU-B': { 'store-middle': 1, 'warehouse-far': 1 },
        }),
        ruleSet: aRuleSet(aStrategy({ ranking: ['distance'], split: { policy: 'no_split' } })),
      }),
    );

    expect(plan.outcome).toBe('routed');
    expect(plan.fulfillmentOrders.map((order) => order.locationId)).toEqual(['warehouse-far']);
  });
});

describe('decide: strategies and unplaceable orders', () => {
  it('takes the first strategy whose conditions match and says why the others did not', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ channelId: 'amazon', tags: ['vip'], value: 50_000 }),
        ruleSet: aRuleSet(
          aStrategy({ name: 'pos-only', when: { channels: ['pos'] } }),
          aStrategy({ name: 'big-orders', when: { minOrderValue: 100_000, currency: 'USD' } }),
          aStrategy({ name: 'vip', when: { tagsAny: ['vip', 'gold'], destinationCountries: ['US'] } }),
        ),
      }),
    );

    expect(plan.strategy).toBe('vip');
    expect(plan.explanation.strategiesTried).toEqual([
      { name: 'pos-only', matched: false, whyNot: 'channel amazon is not in [pos]' },
      { name: 'big-orders', matched: false, whyNot: 'order value 50000 is below 100000' },
      { name: 'vip', matched: true },
    ]);
  });

  it('matches strategies on SKU attributes', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ skuAttributes: { 'SKU-A': { hazmat: 'yes' } } }),
        ruleSet: aRuleSet(
          aStrategy({ name: 'hazmat', when: { skuAttribute: { key: 'hazmat', values: ['yes'] } } }),
        ),
      }),
    );

    expect(plan.strategy).toBe('hazmat');
  });

  it('moves on to the next strategy when the first can not place everything', () => {
    const plan = decide(
      routingInput({
        locations: [near, far],
        stock: stock({ 'SKU-A': { 'warehouse-far': 5 } }),
        ruleSet: aRuleSet(
          aStrategy({
            name: 'stores',
            filters: { locationTypes: ['store'] },
            onUnplaceable: 'next_strategy',
          }),
          aStrategy({ name: 'anywhere' }),
        ),
      }),
    );

    expect(plan.strategy).toBe('anywhere');
    expect(plan.fulfillmentOrders[0]?.locationId).toBe('warehouse-far');
    expect(plan.explanation.strategiesTried[0]).toEqual({
      name: 'stores',
      matched: true,
      whyNot: 'could not place 1 unit(s), so the next strategy is tried',
    });
  });

  it('backorders what no location holds', () => {
    const plan = decide(routingInput({ stock: stock({}) }));

    expect(plan.outcome).toBe('backordered');
    expect(plan.fulfillmentOrders).toEqual([]);
    expect(plan.unplaced).toEqual([
      { lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 1, reason: 'insufficient_stock' },
    ]);
  });

  it('parks the order for review without reserving anything', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A'), aLine('SKU-B')] }),
        ruleSet: aRuleSet(aStrategy({ onUnplaceable: 'park_for_review' })),
      }),
    );

    expect(plan.outcome).toBe('parked');
    expect(plan.fulfillmentOrders).toEqual([]);
    expect(plan.unplaced.map((line) => [line.sku, line.reason])).toEqual([
      ['SKU-B', 'insufficient_stock'],
      ['SKU-A', 'held_for_review'],
    ]);
  });

  it('backorders with a cancel deadline, then cancels once the deadline has passed', () => {
    const ruleSet = aRuleSet(aStrategy({ onUnplaceable: { cancelAfterDays: 7 } }));
    const order = aRoutingOrder({ placedAt: '2025-06-01T00:00:00.000Z' });

    const early = decide(routingInput({ order, stock: stock({}), ruleSet, now: '2025-06-03T00:00:00.000Z' }));
    const late = decide(routingInput({ order, stock: stock({}), ruleSet, now: '2025-06-08T00:00:00.000Z' }));

    expect(early.outcome).toBe('backordered');
    expect(early.cancelAt).toBe('2025-06-08T00:00:00.000Z');
    expect(late.outcome).toBe('cancel');
  });

  it('holds the order for review when no strategy matches', () => {
    const plan = decide(routingInput({ ruleSet: aRuleSet(aStrategy({ when: { channels: ['pos'] } })) }));

    expect(plan.outcome).toBe('review');
    expect(plan.strategy).toBeUndefined();
    expect(plan.unplaced).toEqual([
      { lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 1, reason: 'no_matching_strategy' },
    ]);
  });

  it('holds the order for review when the last strategy passes it on', () => {
    const plan = decide(
      routingInput({ stock: stock({}), ruleSet: aRuleSet(aStrategy({ onUnplaceable: 'next_strategy' })) }),
    );

    expect(plan.outcome).toBe('review');
    expect(plan.unplaced).toEqual([expect.objectContaining({ reason: 'insufficient_stock' })]);
  });
});

describe('decide: click-and-collect', () => {
  const pickupAtNear = aRoutingOrder({
    fulfillment: { type: 'pickup', locationId: 'store-near' },
    destination: undefined,
    lines: [aLine('SKU-A', 3)],
  });

  it('collects from the chosen store when it has the stock', () => {
    const plan = decide(
      routingInput({
        order: pickupAtNear,
        locations: [near, middle],
        stock: stock({ 'SKU-A': { 'store-near': 3, 'store-middle': 9 } }),
      }),
    );

    expect(plan.outcome).toBe('routed');
    expect(plan.fulfillmentOrders).toEqual([
      {
        locationId: 'store-near',
        kind: 'pickup',
        lines: [{ lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 3 }],
        distanceKm: 0,
      },
    ]);
  });

  it('transfers the missing units to the store from the nearest location that has them', () => {
    const plan = decide(
      routingInput({
        order: pickupAtNear,
        locations: [near, middle, far],
        stock: stock({ 'SKU-A': { 'store-near': 1, 'store-middle': 9, 'warehouse-far': 9 } }),
        ruleSet: aRuleSet(aStrategy({ pickup: { whenStoreLacksStock: 'transfer' } })),
      }),
    );

    expect(plan.outcome).toBe('routed');
    expect(plan.fulfillmentOrders).toEqual([
      {
        locationId: 'store-near',
        kind: 'pickup',
        lines: [{ lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 1 }],
        distanceKm: 0,
      },
      {
        locationId: 'store-middle',
        kind: 'transfer',
        lines: [{ lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 2 }],
        distanceKm: 35,
        transferTo: 'store-near',
      },
    ]);
  });

  it('ships the missing units to the customer when the strategy splits', () => {
    const plan = decide(
      routingInput({
        order: { ...pickupAtNear, destination: { country: 'US', lat: 39.9526, lon: -75.1652 } },
        locations: [near, middle],
        stock: stock({ 'SKU-A': { 'store-near': 1, 'store-middle': 9 } }),
        ruleSet: aRuleSet(aStrategy({ pickup: { whenStoreLacksStock: 'split' } })),
      }),
    );

    expect(
      plan.fulfillmentOrders.map((order) => [order.locationId, order.kind, order.lines[0]?.quantity]),
    ).toEqual([
      ['store-near', 'pickup', 1],
      ['store-middle', 'ship', 2],
    ]);
  });

  it('hands the order to the next strategy when the store lacks stock and the strategy says so', () => {
    const plan = decide(
      routingInput({
        order: pickupAtNear,
        locations: [near, middle],
        stock: stock({ 'SKU-A': { 'store-near': 1, 'store-middle': 9 } }),
        ruleSet: aRuleSet(
          aStrategy({ name: 'store-only', pickup: { whenStoreLacksStock: 'next_strategy' } }),
          aStrategy({ name: 'with-transfer', pickup: { whenStoreLacksStock: 'transfer' } }),
        ),
      }),
    );

    expect(plan.strategy).toBe('with-transfer');
    expect(plan.explanation.strategiesTried[0]?.whyNot).toBe('pickup store store-near lacks 2 unit(s)');
  });

  it('does not route a pickup to a store that can not offer pickup', () => {
    const warehouseAsStore = aRoutingOrder({ fulfillment: { type: 'pickup', locationId: 'warehouse-far' } });
    const plan = decide(
      routingInput({
        order: warehouseAsStore,
        locations: [{ ...far, capabilities: ['ship'] }],
        stock: stock({ 'SKU-A': { 'warehouse-far': 9 } }),
      }),
    );

    expect(plan.outcome).toBe('backordered');
    expect(plan.unplaced).toEqual([expect.objectContaining({ reason: 'no_eligible_location' })]);
    expect(plan.explanation.candidates).toEqual([
      { locationId: 'warehouse-far', excluded: 'lacks capability pickup' },
    ]);
  });
});

describe('decide: ship-to-store, drop-ship and pre-orders', () => {
  it('ships to the chosen store from the location nearest to that store', () => {
    const remoteStore = aRoutingLocation('store-remote', northOfCustomer(300));
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ fulfillment: { type: 'ship_to_store', locationId: 'store-remote' } }),
        locations: [remoteStore, near, far],
        stock: stock({ 'SKU-A': { 'store-near': 5, 'warehouse-far': 5 } }),
      }),
    );

    expect(plan.fulfillmentOrders).toEqual([
      {
        locationId: 'warehouse-far',
        kind: 'ship_to_store',
        lines: [{ lineId: 'line-SKU-A', sku: 'SKU-A', quantity: 1 }],
        distanceKm: 0,
        transferTo: 'store-remote',
      },
    ]);
  });

  it('sends drop-ship lines to their vendor without reserving stock', () => {
    const vendor = aRoutingLocation('vendor-acme', { type: 'dropship_vendor', ...northOfCustomer(800) });
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A'), aLine('SOFA', 1)] }),
        locations: [near, vendor],
        stock: stock({ 'SKU-A': { 'store-near': 5 } }),
        products: { SOFA: { dropshipVendorLocationId: 'vendor-acme' } },
      }),
    );

    expect(plan.outcome).toBe('routed');
    expect(plan.fulfillmentOrders.map((order) => [order.locationId, order.kind])).toEqual([
      ['vendor-acme', 'dropship'],
      ['store-near', 'ship'],
    ]);
    expect(reservedUnits(plan)).toEqual(new Map([['SKU-A@store-near', 1]]));
  });

  it('leaves drop-ship lines unplaced when their vendor is inactive', () => {
    const vendor = aRoutingLocation('vendor-acme', { type: 'dropship_vendor', active: false });
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SOFA')] }),
        locations: [vendor],
        products: { SOFA: { dropshipVendorLocationId: 'vendor-acme' } },
      }),
    );

    expect(plan.unplaced).toEqual([
      expect.objectContaining({ sku: 'SOFA', reason: 'dropship_vendor_unavailable' }),
    ]);
  });

  it('holds pre-order lines until their release date', () => {
    const products = { GAME: { preorderReleaseDate: '2025-09-01T00:00:00.000Z' } };
    const order = aRoutingOrder({ lines: [aLine('GAME', 2)] });

    const before = decide(routingInput({ order, products, stock: stock({ GAME: { 'store-1': 5 } }) }));
    const after = decide(
      routingInput({
        order,
        products,
        stock: stock({ GAME: { 'store-1': 5 } }),
        now: '2025-09-02T00:00:00.000Z',
      }),
    );

    expect(before.outcome).toBe('preorder');
    expect(before.unplaced).toEqual([{ lineId: 'line-GAME', sku: 'GAME', quantity: 2, reason: 'preorder' }]);
    expect(after.outcome).toBe('routed');
  });

  it('routes the released lines of an order that also holds a pre-order', () => {
    const plan = decide(
      routingInput({
        order: aRoutingOrder({ lines: [aLine('SKU-A'), aLine('GAME')] }),
        products: { GAME: { preorderReleaseDate: '2025-09-01' } },
      }),
    );

    expect(plan.outcome).toBe('preorder');
    expect(plan.fulfillmentOrders.map((order) => order.lines[0]?.sku)).toEqual(['SKU-A']);
    expect(plan.unplaced).toEqual([expect.objectContaining({ sku: 'GAME', reason: 'preorder' })]);
  });

  it('accepts stock as a plain record as well as a Map', () => {
    const plan = decide(
      routingInput({ stock: { 'SKU-A': { 'store-1': { available: 2, safetyStock: 0 } } } }),
    );

    expect(plan.outcome).toBe('routed');
  });
});
