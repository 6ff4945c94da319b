import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  type Location,
  type RankingCriterion,
  type RoutingInput,
  type RoutingPlan,
  type StockLevel,
  type Strategy,
} from '../../../functions/domain/routing/index.js';
import { CUSTOMER, aRoutingLocation, aRoutingOrder, aRuleSet, aStrategy } from './factories.js';

const SKUS = ['SKU-A', 'SKU-B', 'SKU-C'];
const CUSTOMER_FACING = new Set(['ship', 'pickup', 'ship_to_store']);

const arbitraryLocation = (index: number): fc.Arbitrary<Location> =>
  fc
    .record({
      latOffset: fc.double({ min: -3, max: 3, noNaN: true }),
      lonOffset: fc.double({ min: -3, max: 3, noNaN: true }),
      type: fc.constantFrom('warehouse', 'store', '3pl' as const),
      priority: fc.integer({ min: 1, max: 3 }),
      costPerShipment: fc.integer({ min: 0, max: 900 }),
      atCapacity: fc.boolean(),
    })
    .map((drawn) =>
      aRoutingLocation(`loc-${index}`, {
        type: drawn.type,
        lat: CUSTOMER.lat + drawn.latOffset,
        lon: CUSTOMER.lon + drawn.lonOffset,
        priority: drawn.priority,
        costPerShipment: drawn.costPerShipment,
        dailyCapacity: 10,
        capacityUsed: drawn.atCapacity ? 10 : 0,
      }),
    );

const arbitraryLocations = (maxLocations: number) =>
  fc
    .integer({ min: 1, max: maxLocations })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => arbitraryLocation(index))));

const arbitraryStock = (locationCount: number) =>
  fc.tuple(
    ...SKUS.map(() =>
      fc.array(
        fc.option(
          fc.record({
            available: fc.integer({ min: -1, max: 6 }),
            safetyStock: fc.integer({ min: 0, max: 2 }),
          }),
        ),
        { minLength: locationCount, maxLength: locationCount },
      ),
    ),
  );

function toStock(levels: (StockLevel | null)[][]): Map<string, Map<string, StockLevel>> {
  return new Map(
    SKUS.map((sku, s) => [
      sku,
      new Map(
        levels[s]!.flatMap((level, index) => (level === null ? [] : [[`loc-${index}`, level] as const])),
      ),
    ]),
  );
}

const arbitraryLines = fc
  .array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 4 }) }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((lines) => lines.map((line, index) => ({ lineId: `line-${index}`, ...line })));

const arbitrarySplit: fc.Arbitrary<Strategy['split']> = fc.oneof(
  fc.constant({ policy: 'allow' as const }),
  fc.constant({ policy: 'no_split' as const }),
  fc.integer({ min: 1, max: 3 }).map((maxShipments) => ({ policy: 'max_shipments' as const, maxShipments })),
);

const arbitraryLaterCriteria: fc.Arbitrary<RankingCriterion[]> = fc.subarray([
  'distance',
  'priority',
  'stock_balance',
  'cost',
] as RankingCriterion[]);

function shipmentLimit(split: Strategy['split']): number {
  if (split.policy === 'no_split') return 1;
  if (split.policy === 'max_shipments') return split.maxShipments!;
  return Infinity;
}

function usable(level: StockLevel | undefined, respectSafetyStock: boolean): number {
  if (level === undefined) return 0;
  return Math.max(0, respectSafetyStock ? level.available - level.safetyStock : level.available);
}

function reservedBySkuAndLocation(plan: RoutingPlan): Map<string, number> {
  const reserved = new Map<string, number>();
  for (const order of plan.fulfillmentOrders) {
    for (const line of order.lines) {
      const key = `${line.sku}\u0000${order.locationId}`;
      reserved.set(key, (reserved.get(key) ?? 0) + line.quantity);
    }
  }
  return reserved;
}

/** Any order, any network, any strategy the generators can build, for the invariants. */
const arbitraryScenario = arbitraryLocations(8).chain((locations) =>
  fc.record({
    locations: fc.constant(locations),
    levels: arbitraryStock(locations.length),
    lines: arbitraryLines,
    split: arbitrarySplit,
    fewestFirst: fc.boolean(),
    laterCriteria: arbitraryLaterCriteria,
    respectSafetyStock: fc.boolean(),
    requireCapacity: fc.boolean(),
    rejected: fc.subarray(locations.map((location) => location.locationId)),
    fulfillment: fc.oneof(
      fc.constant({ type: 'ship' as const }),
      fc.record({
        type: fc.constantFrom('pickup' as const),
        locationId: fc.constantFrom(...locations.map((location) => location.locationId)),
      }),
      fc.record({
        type: fc.constantFrom('ship_to_store' as const),
        locationId: fc.constantFrom(...locations.map((location) => location.locationId)),
      }),
    ),
    whenStoreLacksStock: fc.constantFrom('transfer' as const, 'split' as const, undefined),
  }),
);

function scenarioInput(scenario: ScenarioValue): RoutingInput {
  const ranking: RankingCriterion[] = scenario.fewestFirst
    ? ['fewest_shipments', ...scenario.laterCriteria]
    : [
        ...(scenario.laterCriteria.length > 0 ? scenario.laterCriteria : ['distance' as const]),
        'fewest_shipments',
      ];
  return {
    order: aRoutingOrder({ lines: scenario.lines, fulfillment: scenario.fulfillment }),
    locations: scenario.locations,
    stock: toStock(scenario.levels),
    ruleSet: aRuleSet(
      aStrategy({
        ranking,
        split: scenario.split,
        filters: {
          respectSafetyStock: scenario.respectSafetyStock,
          requireCapacity: scenario.requireCapacity,
        },
        ...(scenario.whenStoreLacksStock
          ? { pickup: { whenStoreLacksStock: scenario.whenStoreLacksStock } }
          : {}),
      }),
    ),
    now: '2025-06-01T00:00:00.000Z',
    excludeLocationIds: scenario.rejected,
  };
}

type ScenarioValue = typeof arbitraryScenario extends fc.Arbitrary<infer Value> ? Value : never;

describe('decide: invariants over generated orders and networks', () => {
  it('never assigns more than is available after safety stock at any (sku, location)', () => {
    fc.assert(
      fc.property(arbitraryScenario, (scenario) => {
        const input = scenarioInput(scenario);
        const plan = decide(input);
        const stock = input.stock as Map<string, Map<string, StockLevel>>;
        for (const [key, quantity] of reservedBySkuAndLocation(plan)) {
          const [sku, locationId] = key.split('\u0000') as [string, string];
          expect(quantity).toBeLessThanOrEqual(
            usable(stock.get(sku)?.get(locationId), scenario.respectSafetyStock),
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('accounts for every ordered unit: placed plus unplaced equals ordered, each unplaced with a reason', () => {
    fc.assert(
      fc.property(arbitraryScenario, (scenario) => {
        const plan = decide(scenarioInput(scenario));
        for (const line of scenario.lines) {
          const placed = plan.fulfillmentOrders
            .flatMap((order) => order.lines)
            .filter((planned) => planned.lineId === line.lineId)
            .reduce((sum, planned) => sum + planned.quantity, 0);
          const unplaced = plan.unplaced.filter((entry) => entry.lineId === line.lineId);
          const unplacedUnits = unplaced.reduce((sum, entry) => sum + entry.quantity, 0);
          expect(placed + unplacedUnits).toBe(line.quantity);
          for (const entry of unplaced) expect(entry.reason).toBeTruthy();
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never sends more customer shipments than the split policy allows, nor uses a rejected location', () => {
    fc.assert(
      fc.property(arbitraryScenario, (scenario) => {
        const plan = decide(scenarioInput(scenario));
        const shipments = plan.fulfillmentOrders.filter((order) => CUSTOMER_FACING.has(order.kind));
        expect(shipments.length).toBeLessThanOrEqual(shipmentLimit(scenario.split));
        for (const order of plan.fulfillmentOrders) expect(scenario.rejected).not.toContain(order.locationId);
      }),
      { numRuns: 400 },
    );
  });
});

describe('decide: the fewest-shipments search is optimal', () => {
  /** Every subset of locations: the most units any allowed subset places, and the fewest shipments doing so. */
  function exhaustiveBest(input: RoutingInput, limit: number): { units: number; shipments: number } {
    const stock = input.stock as Map<string, Map<string, StockLevel>>;
    const demand = new Map<string, number>();
    for (const line of input.order.lines) demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
    const locations = input.locations;
    let best = { units: 0, shipments: 0 };
    for (let mask = 1; mask < 1 << locations.length; mask++) {
      const members = locations.filter((_, index) => mask & (1 << index));
      if (members.length > limit) continue;
      let units = 0;
      for (const [sku, quantity] of demand) {
        const held = members.reduce(
          (sum, location) => sum + usable(stock.get(sku)?.get(location.locationId), true),
          0,
        );
        units += Math.min(held, quantity);
      }
      const better =
        units > best.units || (units === best.units && units > 0 && members.length < best.shipments);
      if (better) best = { units, shipments: members.length };
    }
    return best;
  }

  it('matches an exhaustive search over all subsets of up to 6 locations and 4 lines', () => {
    const arbitraryCase = arbitraryLocations(6).chain((locations) =>
      fc.record({
        locations: fc.constant(locations.map((location) => ({ ...location, dailyCapacity: undefined }))),
        levels: arbitraryStock(locations.length),
        lines: arbitraryLines,
        split: arbitrarySplit,
        laterCriteria: arbitraryLaterCriteria,
      }),
    );
    fc.assert(
      fc.property(arbitraryCase, (drawn) => {
        const input: RoutingInput = {
          order: aRoutingOrder({ lines: drawn.lines }),
          locations: drawn.locations,
          stock: toStock(drawn.levels),
          ruleSet: aRuleSet(
            aStrategy({ ranking: ['fewest_shipments', ...drawn.laterCriteria], split: drawn.split }),
          ),
          now: '2025-06-01T00:00:00.000Z',
        };
        const plan = decide(input);
        const placedUnits = plan.fulfillmentOrders
          .flatMap((order) => order.lines)
          .reduce((sum, line) => sum + line.quantity, 0);
        const best = exhaustiveBest(input, shipmentLimit(drawn.split));
        expect({ units: placedUnits, shipments: plan.fulfillmentOrders.length }).toEqual(best);
      }),
      { numRuns: 1_000 },
    );
  });
});
