import type { CandidatePool } from './filters.js';
import { int32Scratch } from './scratch.js';

/**
 * Choosing which locations ship an order.
 *
 * The objective, in order: place as many units as possible; then use as few shipments as
 * possible; then the best total of the remaining ranking keys (for example total distance).
 * Within one location's stock a SKU may be split over several locations of the plan.
 *
 * The search is exact for every plan size whose subsets can be enumerated within
 * EXACT_SUBSET_BUDGET. Single locations are always checked over every candidate; larger plans
 * over the SEARCH_POOL_SIZE best-ranked candidates, so pairs and triples are exact for up to
 * 64 candidates (C(64, 3) = 41,664 subsets) and small networks are exact at every size. Past
 * the budget a greedy cover (most remaining units first, rank breaks ties) finishes the job
 * over every candidate; greedy needs at most ln(units) + 1 times the optimal shipment count.
 */
export const SEARCH_POOL_SIZE = 64;
export const EXACT_SUBSET_BUDGET = 50_000;

export interface SplitLimits {
  maxShipments: number;
  /** Average value of one unit per SKU (minor units), needed only for `minValuePerShipment`. */
  unitValueBySku?: Float64Array;
  minValuePerShipment?: number;
}

export interface SplitPlan {
  /** Pool ranks of the chosen locations, best-ranked first. */
  members: number[];
  /** Units per (member, sku): `allocation[m * skuCount + s]`. */
  allocation: Int32Array;
  placedUnits: number;
  /** False when the greedy fallback chose the plan, so fewer shipments may have existed. */
  exact: boolean;
}

interface Best {
  units: number;
  size: number;
  members: Int32Array;
  tieBreak: Float64Array;
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** Shares each SKU's demand over the members in rank order: nearer (better) locations give first. */
export function allocate(
  pool: CandidatePool,
  demand: readonly number[],
  members: ArrayLike<number>,
): Int32Array {
  const skuCount = demand.length;
  const allocation = new Int32Array(members.length * skuCount);
  for (let s = 0; s < skuCount; s++) {
    let remaining = demand[s]!;
    for (let m = 0; m < members.length && remaining > 0; m++) {
      const take = Math.min(remaining, pool.usable[members[m]! * skuCount + s]!);
      allocation[m * skuCount + s] = take;
      remaining -= take;
    }
  }
  return allocation;
}

/** A split is only worth it when every shipment carries at least the minimum value. */
export function meetsMinimumValue(
  limits: SplitLimits,
  allocation: Int32Array,
  size: number,
  skuCount: number,
): boolean {
  const { minValuePerShipment, unitValueBySku } = limits;
  if (size < 2 || minValuePerShipment === undefined || unitValueBySku === undefined) return true;
  for (let m = 0; m < size; m++) {
    let value = 0;
    for (let s = 0; s < skuCount; s++) value += allocation[m * skuCount + s]! * unitValueBySku[s]!;
    if (Math.floor(value) < minValuePerShipment) return false;
  }
  return true;
}

function placedUnits(pool: CandidatePool, demand: readonly number[], members: readonly number[]): number {
  const skuCount = demand.length;
  let units = 0;
  for (let s = 0; s < skuCount; s++) {
    let sum = 0;
    for (const member of members) sum += pool.usable[member * skuCount + s]!;
    units += Math.min(sum, demand[s]!);
  }
  return units;
}

/** Takes locations in rank order, each giving what it can, as a ranking led by distance expects. */
export function rankedFill(pool: CandidatePool, demand: readonly number[]): number[] {
  const skuCount = demand.length;
  const remaining = demand.slice();
  let outstanding = remaining.reduce((sum, units) => sum + units, 0);
  const members: number[] = [];
  for (let c = 0; c < pool.locations.length && outstanding > 0; c++) {
    let gives = 0;
    for (let s = 0; s < skuCount; s++) {
      const take = Math.min(remaining[s]!, pool.usable[c * skuCount + s]!);
      remaining[s] = remaining[s]! - take;
      gives += take;
    }
    if (gives > 0) {
      members.push(c);
      outstanding -= gives;
    }
  }
  return members;
}

function greedyCover(pool: CandidatePool, demand: readonly number[], maxShipments: number): number[] {
  const skuCount = demand.length;
  const remaining = demand.slice();
  const chosen = new Uint8Array(pool.locations.length);
  const members: number[] = [];
  while (members.length < maxShipments) {
    let bestCandidate = -1;
    let bestGain = 0;
    for (let c = 0; c < pool.locations.length; c++) {
      if (chosen[c]) continue;
      let gain = 0;
      for (let s = 0; s < skuCount; s++) gain += Math.min(remaining[s]!, pool.usable[c * skuCount + s]!);
      if (gain > bestGain) {
        bestGain = gain;
        bestCandidate = c;
      }
    }
    if (bestCandidate < 0) break;
    chosen[bestCandidate] = 1;
    members.push(bestCandidate);
    for (let s = 0; s < skuCount; s++) {
      remaining[s] = remaining[s]! - Math.min(remaining[s]!, pool.usable[bestCandidate * skuCount + s]!);
    }
  }
  return members.sort((left, right) => left - right);
}

/** One plan size's exhaustive search; plain fields so the recursion allocates nothing. */
interface SubsetSearch {
  pool: CandidatePool;
  demand: readonly number[];
  limits: SplitLimits;
  tieBreakColumns: readonly number[];
  skuCount: number;
  size: number;
  searchCount: number;
  /** Per SKU, the most any candidate from row c on holds: `suffixMax[c * skuCount + s]`. */
  suffixMax: Int32Array;
  members: Int32Array;
  /** Units per SKU of the members chosen so far, one row per depth. */
  partial: Int32Array;
  tieBreak: Float64Array;
  best: Best;
}

const suffixMaxScratch = int32Scratch();

/**
 * Finds the plan with the most placed units, then the fewest shipments, then the lowest sums
 * of the `tieBreakColumns` ranking keys, within `limits.maxShipments`.
 */
export function fewestShipments(
  pool: CandidatePool,
  demand: readonly number[],
  limits: SplitLimits,
  tieBreakColumns: readonly number[],
): SplitPlan {
  const skuCount = demand.length;
  const candidateCount = pool.locations.length;
  const usable = pool.usable;
  const tieWidth = tieBreakColumns.length;

  let target = 0;
  for (let s = 0; s < skuCount; s++) {
    let sum = 0;
    for (let c = 0; c < candidateCount; c++) sum += usable[c * skuCount + s]!;
    target += Math.min(sum, demand[s]!);
  }

  const maxSize = Math.min(limits.maxShipments, candidateCount);
  const poolCount = Math.min(candidateCount, SEARCH_POOL_SIZE);
  const suffixMax = suffixMaxScratch.take((poolCount + 1) * skuCount);
  suffixMax.fill(0, poolCount * skuCount, (poolCount + 1) * skuCount);
  for (let c = poolCount - 1; c >= 0; c--) {
    for (let s = 0; s < skuCount; s++) {
      const here = usable[c * skuCount + s]!;
      const after = suffixMax[(c + 1) * skuCount + s]!;
      suffixMax[c * skuCount + s] = here > after ? here : after;
    }
  }
  const search: SubsetSearch = {
    pool,
    demand,
    limits,
    tieBreakColumns,
    skuCount,
    size: 0,
    searchCount: 0,
    suffixMax,
    members: new Int32Array(0),
    partial: new Int32Array(0),
    tieBreak: new Float64Array(tieWidth),
    best: {
      units: 0,
      size: 0,
      members: new Int32Array(Math.max(Math.min(maxSize, poolCount), 1)),
      tieBreak: new Float64Array(tieWidth),
    },
  };
  const best = search.best;
  let searchedSize = 0;
  for (let size = 1; size <= maxSize && best.units < target; size++) {
    const searchCount = size === 1 ? candidateCount : poolCount;
    if (size > 1 && binomial(searchCount, size) > EXACT_SUBSET_BUDGET) break;
    searchedSize = size;
    search.size = size;
    search.searchCount = searchCount;
    search.members = new Int32Array(size);
    search.partial = new Int32Array(size * skuCount);
    walk(search, 0, 0);
  }

  let members: number[] = [];
  for (let m = 0; m < best.size; m++) members.push(best.members[m]!);
  let exact = true;
  if (best.units < target && searchedSize < maxSize) {
    const greedy = greedyCover(pool, demand, maxSize);
    const greedyUnits = placedUnits(pool, demand, greedy);
    const greedyAllocation = allocate(pool, demand, greedy);
    const better = greedyUnits > best.units || (greedyUnits === best.units && greedy.length < best.size);
    if (better && meetsMinimumValue(limits, greedyAllocation, greedy.length, skuCount)) {
      members = greedy;
      exact = false;
    }
  }
  const allocation = allocate(pool, demand, members);
  return { members, allocation, placedUnits: placedUnits(pool, demand, members), exact };
}

/**
 * Branch and bound over the subsets of `search.size` candidates in lexicographic order: a
 * branch is dropped when even the best stock still reachable (the per-SKU maximum among later
 * candidates, once per open slot) can not match the best plan.
 */
function walk(search: SubsetSearch, depth: number, start: number): void {
  const { skuCount, size, demand, partial, members, suffixMax, best } = search;
  const usable = search.pool.usable;
  const base = (depth - 1) * skuCount;
  const own = depth * skuCount;
  const openSlots = size - depth - 1;
  const last = search.searchCount - (size - depth);
  for (let c = start; c <= last; c++) {
    members[depth] = c;
    const row = c * skuCount;
    const later = (c + 1) * skuCount;
    let bound = 0;
    for (let s = 0; s < skuCount; s++) {
      const sum = (depth === 0 ? 0 : partial[base + s]!) + usable[row + s]!;
      partial[own + s] = sum;
      const reachable = openSlots === 0 ? sum : sum + openSlots * suffixMax[later + s]!;
      const demanded = demand[s]!;
      bound += reachable < demanded ? reachable : demanded;
    }
    if (bound < best.units) continue;
    if (openSlots === 0) consider(search, bound);
    else walk(search, depth + 1, c + 1);
  }
}

/** Keeps the current members when they beat the best plan so far; ties keep the earlier plan. */
function consider(search: SubsetSearch, units: number): void {
  const { best, size, members, tieBreak, tieBreakColumns } = search;
  if (units < best.units || units === 0) return;
  if (units === best.units && size !== best.size) return;
  const { keys, keyWidth } = search.pool;
  const tieWidth = tieBreakColumns.length;
  tieBreak.fill(0);
  for (let m = 0; m < size; m++) {
    const row = members[m]! * keyWidth;
    for (let t = 0; t < tieWidth; t++) tieBreak[t] = tieBreak[t]! + keys[row + tieBreakColumns[t]!]!;
  }
  if (units === best.units) {
    let better = false;
    for (let t = 0; t < tieWidth; t++) {
      if (tieBreak[t] !== best.tieBreak[t]) {
        better = tieBreak[t]! < best.tieBreak[t]!;
        break;
      }
    }
    if (!better) return;
  }
  if (search.limits.minValuePerShipment !== undefined && size > 1) {
    const allocation = allocate(search.pool, search.demand, members);
    if (!meetsMinimumValue(search.limits, allocation, size, search.skuCount)) return;
  }
  best.units = units;
  best.size = size;
  best.members.set(members);
  best.tieBreak.set(tieBreak);
}
