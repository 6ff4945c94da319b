import { regionCode, type EffectiveDestination } from './conditions.js';
import { DistancesTo, haversineKm, roundKm } from './geo.js';
import { LocationIndexer } from './location-index.js';
import type { Capability, CandidateExplanation, Location, RoutingOrder } from './model.js';
import { rankingKey, sortByRank } from './ranking.js';
import type { Strategy } from './rules.js';
import { float64Scratch, int32Scratch, uint8Scratch } from './scratch.js';
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
 * which keeps sums exact for coverage) and `keys[c * keyWidth + k]`. The arrays are scratch
 * buffers, possibly longer than the pool, and valid only until the next pool is built.
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

/**
 * One leg's filters, with what does not depend on the location (defaults, the type list in
 * words, the destination's region code) worked out once per leg instead of once per location.
 */
export class LocationFilter {
  private readonly rejectedLocationIds: ReadonlySet<string> | undefined;
  private readonly skipLocationId: string | undefined;
  private readonly skipReason: string;
  private readonly locationTypes: readonly string[] | undefined;
  private readonly locationTypeList: string;
  private readonly capabilities: readonly Capability[];
  /** Undefined when channel eligibility is not checked. */
  private readonly channelId: string | undefined;
  private readonly checkRegions: boolean;
  private readonly country: string | undefined;
  private readonly region: string | undefined;
  private readonly requireCapacity: boolean;
  private readonly maxDistanceKm: number | undefined;

  constructor(context: RoutingContext, strategy: Strategy, leg: SourcingLeg) {
    const filters = strategy.filters;
    this.rejectedLocationIds = context.rejectedLocationIds.size > 0 ? context.rejectedLocationIds : undefined;
    this.skipLocationId = leg.skipLocationId;
    this.skipReason = leg.skipReason ?? 'not a source for this leg';
    this.locationTypes = filters.locationTypes;
    this.locationTypeList = filters.locationTypes ? list(filters.locationTypes) : '';
    this.capabilities = leg.capabilities;
    this.channelId = (filters.respectChannelEligibility ?? true) ? context.order.channelId : undefined;
    this.checkRegions = filters.respectRegionsServed === true;
    this.country = leg.to.country;
    this.region = regionCode(leg.to.country, leg.to.region);
    this.requireCapacity = filters.requireCapacity === true;
    this.maxDistanceKm = filters.maxDistanceKm;
  }

  /** Why a location can not serve this leg (before stock), or undefined. */
  whyExcluded(location: Location, distanceKm: number): string | undefined {
    if (this.rejectedLocationIds?.has(location.locationId)) return 'rejected this order before';
    if (!location.active) return 'inactive';
    if (this.skipLocationId === location.locationId) return this.skipReason;
    if (this.locationTypes && !this.locationTypes.includes(location.type)) {
      return `type ${location.type} is not in ${this.locationTypeList}`;
    }
    for (const capability of this.capabilities) {
      if (!location.capabilities.includes(capability)) return `lacks capability ${capability}`;
    }
    if (
      this.channelId !== undefined &&
      location.channels !== undefined &&
      !location.channels.includes(this.channelId)
    ) {
      return `not eligible for channel ${this.channelId}`;
    }
    if (this.checkRegions && location.regionsServed !== undefined) {
      const served =
        (this.country !== undefined && location.regionsServed.includes(this.country)) ||
        (this.region !== undefined && location.regionsServed.includes(this.region));
      if (!served) return `does not serve ${this.region ?? this.country ?? 'an unknown destination'}`;
    }
    if (this.requireCapacity && location.dailyCapacity !== undefined) {
      const used = location.capacityUsed ?? 0;
      if (used >= location.dailyCapacity)
        return `at daily capacity (${used} of ${location.dailyCapacity} used)`;
    }
    if (this.maxDistanceKm !== undefined && !Number.isNaN(distanceKm) && distanceKm > this.maxDistanceKm) {
      // Whole kilometers: formatting an integer is several times cheaper than a decimal.
      return `${Math.round(distanceKm)} km away, beyond the ${this.maxDistanceKm} km limit`;
    }
    return undefined;
  }
}

const distanceByIndexScratch = float64Scratch();
const passesFiltersScratch = uint8Scratch();
const usableByIndexScratch = int32Scratch();
const stockUnitsByIndexScratch = int32Scratch();
const indexOfRowScratch = int32Scratch();
const fillableOfRowScratch = int32Scratch();
const keyRowsScratch = float64Scratch();
const orderScratch = int32Scratch();
const poolDistanceScratch = float64Scratch();
const poolUsableScratch = int32Scratch();
const poolKeysScratch = float64Scratch();

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
  const locations = context.locations;
  const locationCount = locations.length;
  const filter = new LocationFilter(context, strategy, leg);
  const to = leg.to;
  const distances =
    to.lat === undefined || to.lon === undefined ? undefined : new DistancesTo({ lat: to.lat, lon: to.lon });

  const explanations: CandidateExplanation[] = new Array(locationCount);
  const distanceByIndex = distanceByIndexScratch.take(locationCount);
  const passesFilters = passesFiltersScratch.zeroed(locationCount);
  let eligibleBeforeStock = 0;
  for (let index = 0; index < locationCount; index++) {
    const location = locations[index]!;
    const distanceKm = distances === undefined ? Number.NaN : distances.from(location.lat, location.lon);
    distanceByIndex[index] = distanceKm;
    const excluded = filter.whyExcluded(location, distanceKm);
    if (excluded !== undefined) {
      explanations[index] = { locationId: location.locationId, excluded, distanceKm: shownKm(distanceKm) };
    } else {
      passesFilters[index] = 1;
      eligibleBeforeStock++;
    }
  }

  // Walking each SKU's own location map touches only locations that stock it, which is far
  // fewer lookups than asking every location for every SKU in a large network.
  const usableAll = usableByIndexScratch.zeroed(locationCount * skuCount);
  const stockUnitsAll = stockUnitsByIndexScratch.zeroed(locationCount);
  const indexer = new LocationIndexer(locations);
  for (let s = 0; s < skuCount; s++) {
    const demanded = demand.quantities[s]!;
    for (const entry of demand.stockBySku[s]!) {
      const index = indexer.positionOf(entry[0]);
      if (index < 0 || passesFilters[index] === 0) continue;
      const usable = usableUnits(entry[1], respectSafetyStock);
      usableAll[index * skuCount + s] = usable < demanded ? usable : demanded;
      stockUnitsAll[index] = stockUnitsAll[index]! + usable;
    }
  }

  // Rows are the eligible locations in array order; the keys sit row by row for the sort.
  const indexOfRow = indexOfRowScratch.take(eligibleBeforeStock);
  const fillableOfRow = fillableOfRowScratch.take(eligibleBeforeStock);
  const keyRows = keyRowsScratch.take(eligibleBeforeStock * keyWidth);
  const ids: string[] = [];
  let count = 0;
  for (let index = 0; index < locationCount; index++) {
    if (passesFilters[index] === 0) continue;
    const location = locations[index]!;
    let fillableUnits = 0;
    for (let s = 0; s < skuCount; s++) fillableUnits += usableAll[index * skuCount + s]!;
    if (fillableUnits === 0) {
      explanations[index] = {
        locationId: location.locationId,
        excluded: 'no usable stock of the ordered SKUs',
        distanceKm: shownKm(distanceByIndex[index]!),
      };
      continue;
    }
    const keyRow = count * keyWidth;
    for (let k = 0; k < keyWidth; k++) {
      keyRows[keyRow + k] = rankingKey(
        criteria[k]!,
        location,
        distanceByIndex[index]!,
        stockUnitsAll[index]!,
        fillableUnits,
      );
    }
    indexOfRow[count] = index;
    fillableOfRow[count] = fillableUnits;
    ids.push(location.locationId);
    count++;
  }
  const order = orderScratch.take(count);
  for (let row = 0; row < count; row++) order[row] = row;
  sortByRank(order, count, keyRows, keyWidth, ids);

  const pool: CandidatePool = {
    locations: new Array(count),
    distanceKm: poolDistanceScratch.take(count),
    usable: poolUsableScratch.take(count * skuCount),
    keys: poolKeysScratch.take(count * keyWidth),
    keyWidth,
    eligibleBeforeStock,
    explanations,
  };
  for (let rank = 0; rank < count; rank++) {
    const row = order[rank]!;
    const index = indexOfRow[row]!;
    const location = locations[index]!;
    const distanceKm = distanceByIndex[index]!;
    pool.locations[rank] = location;
    pool.distanceKm[rank] = distanceKm;
    for (let s = 0; s < skuCount; s++) pool.usable[rank * skuCount + s] = usableAll[index * skuCount + s]!;
    for (let k = 0; k < keyWidth; k++) pool.keys[rank * keyWidth + k] = keyRows[row * keyWidth + k]!;
    const shownDistance = shownKm(distanceKm);
    explanations[index] = {
      locationId: location.locationId,
      distanceKm: shownDistance,
      scores: {
        distanceKm: shownDistance,
        priority: location.priority,
        costPerShipment: location.costPerShipment,
        stockUnits: stockUnitsAll[index]!,
        fillableUnits: fillableOfRow[row]!,
      },
      rank: rank + 1,
    };
  }
  return pool;
}
