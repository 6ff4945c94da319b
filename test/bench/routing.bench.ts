import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  decide,
  type Location,
  type RoutingInput,
  type RoutingOrder,
  type RuleSet,
  type StockLevel,
} from '../../functions/domain/routing/index.js';

/**
 * Routing engine benchmark: a plain script, so it runs the same way on a laptop and in CI.
 * `npx tsx test/bench/routing.bench.ts` prints the figures; `runRoutingBench()` returns them.
 * Every network, stock level and order comes from a fixed seed, so runs are comparable.
 */

export interface RoutingBenchFigures {
  /** 3-line orders over 50 locations. */
  decisionsPerSecond: number;
  /** 5-line orders over 1,000 locations, per decision. */
  medianMs: number;
  p99Ms: number;
}

const SEED = 20_250_601;
const CATALOG_SIZE = 200;
const STOCKED_SHARE = 0.3;

/** mulberry32: tiny, fast and good enough to draw test data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Network {
  locations: Location[];
  stock: Map<string, Map<string, StockLevel>>;
}

function buildNetwork(random: () => number, locationCount: number): Network {
  const locations: Location[] = Array.from({ length: locationCount }, (_, index) => ({
    locationId: `loc-${index}`,
    type: index % 10 === 0 ? 'warehouse' : 'store',
    lat: 25 + random() * 23,
    lon: -123 + random() * 53,
    country: 'US',
    capabilities: ['ship', 'pickup', 'transfer'],
    dailyCapacity: 500,
    capacityUsed: Math.floor(random() * 520),
    priority: 1 + Math.floor(random() * 5),
    costPerShipment: 300 + Math.floor(random() * 700),
    active: random() > 0.02,
  }));
  const stock = new Map<string, Map<string, StockLevel>>();
  for (let sku = 0; sku < CATALOG_SIZE; sku++) {
    const byLocation = new Map<string, StockLevel>();
    for (const location of locations) {
      if (random() < STOCKED_SHARE) {
        byLocation.set(location.locationId, {
          available: Math.floor(random() * 20),
          safetyStock: Math.floor(random() * 3),
        });
      }
    }
    stock.set(`SKU-${sku}`, byLocation);
  }
  return { locations, stock };
}

function buildOrder(random: () => number, index: number, lineCount: number): RoutingOrder {
  return {
    orderId: `order-${index}`,
    channelId: 'web',
    fulfillment: { type: 'ship' },
    destination: { country: 'US', lat: 25 + random() * 23, lon: -123 + random() * 53 },
    lines: Array.from({ length: lineCount }, (_, line) => ({
      lineId: `line-${line}`,
      sku: `SKU-${Math.floor(random() * CATALOG_SIZE)}`,
      quantity: 1 + Math.floor(random() * 3),
    })),
    value: 5_000 + Math.floor(random() * 50_000),
    currency: 'USD',
    tags: [],
  };
}

const ruleSet: RuleSet = {
  ruleSetId: 'bench',
  version: 1,
  strategies: [
    {
      name: 'nearest-fewest',
      filters: { requireCapacity: true, maxDistanceKm: 3_000 },
      ranking: ['fewest_shipments', 'distance', 'priority'],
      split: { policy: 'max_shipments', maxShipments: 3 },
      onUnplaceable: 'backorder',
    },
  ],
};

function inputsFor(
  seed: number,
  locationCount: number,
  lineCount: number,
  orderCount: number,
): RoutingInput[] {
  const random = seededRandom(seed);
  const network = buildNetwork(random, locationCount);
  return Array.from({ length: orderCount }, (_, index) => ({
    order: buildOrder(random, index, lineCount),
    locations: network.locations,
    stock: network.stock,
    ruleSet,
    now: '2025-06-01T12:00:00.000Z',
  }));
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export function runRoutingBench(): RoutingBenchFigures {
  const small = inputsFor(SEED, 50, 3, 2_000);
  for (let warmup = 0; warmup < 5_000; warmup++) decide(small[warmup % small.length]!);
  const decisions = 40_000;
  const started = performance.now();
  for (let index = 0; index < decisions; index++) decide(small[index % small.length]!);
  const decisionsPerSecond = Math.round(decisions / ((performance.now() - started) / 1_000));

  const large = inputsFor(SEED + 1, 1_000, 5, 2_000);
  for (let warmup = 0; warmup < 300; warmup++) decide(large[warmup]!);
  const timings = large.map((input) => {
    const start = performance.now();
    decide(input);
    return performance.now() - start;
  });
  timings.sort((left, right) => left - right);
  const round = (ms: number) => Math.round(ms * 1_000) / 1_000;
  return {
    decisionsPerSecond,
    medianMs: round(percentile(timings, 0.5)),
    p99Ms: round(percentile(timings, 0.99)),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = runRoutingBench();
  console.log(
    `routing: ${figures.decisionsPerSecond.toLocaleString('en-US')} decisions/s (3 lines, 50 locations)`,
  );
  console.log(`routing: median ${figures.medianMs} ms, p99 ${figures.p99Ms} ms (5 lines, 1,000 locations)`);
}
