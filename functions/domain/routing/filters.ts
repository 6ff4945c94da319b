import { regionCode, type EffectiveDestination } from './conditions.js';
import { haversineKm, roundKm } from './geo.js';
import { locationIndexer } from './location-index.js';
import type { Capability, CandidateExplanation, Location, RoutingOrder } from './model.js';
import { rankingKey, sortByRank } from './ranking.js';
import type { Strategy } from './rules.js';
import { usableUnits, type StockAtLocation } from './stock.js';

/** The ordered units that must come out of stock, one entry per distinct SKU. */
export interface Demand {
  skus: string[];
  quantities: number[];
  stockBySku: StockAtLocation[];
  totalUnits: number;
}

/** One sourcing question: which locations can send these units to this place? */
export interface SourcingLeg {
  /** Where the goods go; distances are measured from here. */
  to: EffectiveDestination;
  capabilities: readonly Capability[];
  /** A location that can never source this leg (the pickup store for its own transfers). */
  skipLocationId?: string;
  skipReason?: string;
}

export interface RoutingContext {
  order: RoutingOrder;
  locations: readonly Location[];
  rejectedLocationIds: ReadonlySet<string>;
}

/**
 * Eligible locations that hold some of the demand, best-ranked first, with flat typed arrays
 * the split search reads without allocating: `usable[c * skuCount + s]` (capped at the demand,
 * which keeps sums exact for coverage) and `keys[c * keyWidth + k]`.
 */
export interface CandidatePool {
  locations: Location[];
  distanceKm: Float64Array;
  usable: Int32Array;
  keys: Float64Array;
  keyWidth: number;
  /** Locations that passed every filter but stock; zero means no location could serve at all. */
  eligibleBeforeStock: number;
  explanations: CandidateExplanation[];
}

const list = (values: readonly string[]) => `[${values.join(', ')}]`;

/** Why a location can not serve this order under this strategy (before stock), or undefined. */
export function whyLocationIsExcluded(
  location: Location,
  context: RoutingContext,
  strategy: Strategy,
  leg: SourcingLeg,
  distanceKm: number,
): string | undefined {
  const filters = strategy.filters;
  if (context.rejectedLocationIds.has(location.locationId)) return 'rejected this order before';
  if (!location.active) return 'inactive';
  if (leg.skipLocationId === location.locationId) return leg.skipReason ?? 'not a source for this leg';
  if (filters.locationTypes && !filters.locationTypes.includes(location.type)) {
    return `type ${location.type} is not in ${list(filters.locationTypes)}`;
  }
  for (const capability of leg.capabilities) {
    if (!location.capabilities.includes(capability)) return `lacks capability ${capability}`;
  }
  if (
    (filters.respectChannelEligibility ?? true) &&
    location.channels !== undefined &&
    !location.channels.includes(context.order.channelId)
  ) {
    return `not eligible for channel ${context.order.channelId}`;
  }
  if (filters.respectRegionsServed && location.regionsServed !== undefined) {
    const country = leg.to.country;
    const region = regionCode(country, leg.to.region);
    const served =
      (country !== undefined && location.regionsServed.includes(country)) ||
      (region !== undefined && location.regionsServed.includes(region));
    if (!served) return `does not serve ${region ?? country ?? 'an unknown destination'}`;
  }
  if (filters.requireCapacity && location.dailyCapacity !== undefined) {
    const used = location.capacityUsed ?? 0;
    if (used >= location.dailyCapacity)
      return `at daily capacity (${used} of ${location.dailyCapacity} used)`;
  }
  if (
    filters.maxDistanceKm !== undefined &&
    !Number.isNaN(distanceKm) &&
    distanceKm > filters.maxDistanceKm
  ) {
    // Whole kilometers: formatting an integer is several times cheaper than a decimal.
    return `${Math.round(distanceKm)} km away, beyond the ${filters.maxDistanceKm} km limit`;
  }
  return undefined;
}

function shownKm(distanceKm: number): number | undefined {
  return Number.isNaN(distanceKm) ? undefined : roundKm(distanceKm);
}

export function distanceTo(location: Location, to: EffectiveDestination): number {
  return to.lat === undefined || to.lon === undefined
    ? Number.NaN
    : haversineKm(location, { lat: to.lat, lon: to.lon });
}

export function buildCandidatePool(
  context: RoutingContext,
  strategy: Strategy,
  leg: SourcingLeg,
  demand: Demand,
): CandidatePool {
  const skuCount = demand.skus.length;
  const respectSafetyStock = strategy.filters.respectSafetyStock ?? true;
  const criteria = strategy.ranking;
  const keyWidth = criteria.length;
  const locationCount = context.locations.length;

  const explanations: CandidateExplanation[] = new Array(locationCount);
  const distances = new Float64Array(locationCount);
  const passesFilters = new Uint8Array(locationCount);
  let eligibleBeforeStock = 0;
  for (let index = 0; index < locationCount; index++) {
    const location = context.locations[index]!;
    const distanceKm = distanceTo(location, leg.to);
    distances[index] = distanceKm;
    const excluded = whyLocationIsExcluded(location, context, strategy, leg, distanceKm);
    if (excluded !== undefined) {
      explanations[index] = { locationId: location.locationId, excluded, distanceKm: shownKm(distanceKm) };
    } else {
      passesFilters[index] = 1;
      eligibleBeforeStock++;
    }
  }

  // Walking each SKU's own location map touches only locations that stock it, which is far
  // fewer lookups than asking every location for every SKU in a large network.
  const usableAll = new Int32Array(locationCount * skuCount);
  const stockUnitsAll = new Int32Array(locationCount);
  const positionOf = locationIndexer(context.locations);
  for (let s = 0; s < skuCount; s++) {
    const demanded = demand.quantities[s]!;
    for (const [locationId, level] of demand.stockBySku[s]!) {
      const index = positionOf(locationId);
      if (index < 0 || passesFilters[index] === 0) continue;
      const usable = usableUnits(level, respectSafetyStock);
      usableAll[index * skuCount + s] = usable < demanded ? usable : demanded;
      stockUnitsAll[index] = stockUnitsAll[index]! + usable;
    }
  }

  const eligible: number[] = [];
  const keyRows = new Float64Array(locationCount * keyWidth);
  const ids: string[] = [];
  for (let index = 0; index < locationCount; index++) {
    if (passesFilters[index] === 0) continue;
    const location = context.locations[index]!;
    const distanceKm = distances[index]!;
    let fillableUnits = 0;
    for (let s = 0; s < skuCount; s++) fillableUnits += usableAll[index * skuCount + s]!;
    if (fillableUnits === 0) {
      explanations[index] = {
        locationId: location.locationId,
        excluded: 'no usable stock of the ordered SKUs',
        distanceKm: shownKm(distanceKm),
      };
      continue;
    }
    const stockUnits = stockUnitsAll[index]!;
    const keyRow = index * keyWidth;
    for (let k = 0; k < keyWidth; k++) {
      keyRows[keyRow + k] = rankingKey(criteria[k]!, location, distanceKm, stockUnits, fillableUnits);
    }
    const shownDistance = shownKm(distanceKm);
    explanations[index] = {
      locationId: location.locationId,
      distanceKm: shownDistance,
      scores: {
        distanceKm: shownDistance,
        priority: location.priority,
        costPerShipment: location.costPerShipment,
        stockUnits,
        fillableUnits,
      },
    };
    eligible.push(index);
  }
  for (let index = 0; index < locationCount; index++) ids.push(context.locations[index]!.locationId);
  sortByRank(eligible, keyRows, keyWidth, ids);

  const count = eligible.length;
  const pool: CandidatePool = {
    locations: new Array(count),
    distanceKm: new Float64Array(count),
    usable: new Int32Array(count * skuCount),
    keys: new Float64Array(count * keyWidth),
    keyWidth,
    eligibleBeforeStock,
    explanations,
  };
  for (let rank = 0; rank < count; rank++) {
    const index = eligible[rank]!;
    pool.locations[rank] = context.locations[index]!;
    pool.distanceKm[rank] = distances[index]!;
    for (let s = 0; s < skuCount; s++) pool.usable[rank * skuCount + s] = usableAll[index * skuCount + s]!;
    for (let k = 0; k < keyWidth; k++) pool.keys[rank * keyWidth + k] = keyRows[index * keyWidth + k]!;
    explanations[index]!.rank = rank + 1;
  }
  return pool;
}
