import type { Location } from './model.js';
import type { RankingCriterion } from './rules.js';
import { int32Scratch } from './scratch.js';

/**
 * Ranking turns each candidate into a vector of keys, one per criterion, where lower is
 * better. Candidates sort lexicographically on that vector, then by locationId so the same
 * input always gives the same plan. A plan of several locations is scored by summing its
 * locations' keys (total distance, total cost, ...), which is how ties between equally short
 * plans are broken.
 */

/** `distanceKm` is NaN when the destination has no coordinates: distance then ranks everyone equally. */
export function rankingKey(
  criterion: RankingCriterion,
  location: Pick<Location, 'priority' | 'costPerShipment'>,
  distanceKm: number,
  stockUnits: number,
  fillableUnits: number,
): number {
  switch (criterion) {
    case 'fewest_shipments':
      return -fillableUnits;
    case 'distance':
      return Number.isNaN(distanceKm) ? 0 : distanceKm;
    case 'priority':
      return location.priority;
    case 'stock_balance':
      return -stockUnits;
    case 'cost':
      return location.costPerShipment;
  }
}

const SORTED_RUN = 16;
const mergeScratch = int32Scratch();

/**
 * Sorts the first `count` candidate rows in place by their key vectors (`keys[row * width + k]`), then id, then
 * row. A merge sort with the comparison inlined: a comparator callback per pair cost more than
 * the rest of ranking a large network.
 */
export function sortByRank(
  order: Int32Array,
  count: number,
  keys: Float64Array,
  width: number,
  ids: readonly string[],
): void {
  for (let start = 0; start < count; start += SORTED_RUN) {
    const end = Math.min(start + SORTED_RUN, count);
    for (let i = start + 1; i < end; i++) {
      const row = order[i]!;
      let j = i - 1;
      while (j >= start && ranksBefore(row, order[j]!, keys, width, ids)) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = row;
    }
  }
  let from: Int32Array = order;
  let to: Int32Array = mergeScratch.take(count);
  for (let size = SORTED_RUN; size < count; size *= 2) {
    for (let left = 0; left < count; left += 2 * size) {
      const middle = Math.min(left + size, count);
      const right = Math.min(left + 2 * size, count);
      let i = left;
      let j = middle;
      let k = left;
      while (i < middle && j < right) {
        to[k++] = ranksBefore(from[j]!, from[i]!, keys, width, ids) ? from[j++]! : from[i++]!;
      }
      while (i < middle) to[k++] = from[i++]!;
      while (j < right) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  if (from !== order) order.set(from.subarray(0, count));
}

/** The row decides last, so the order is total and every sort algorithm agrees on it. */
function ranksBefore(
  row: number,
  other: number,
  keys: Float64Array,
  width: number,
  ids: readonly string[],
): boolean {
  const base = row * width;
  const otherBase = other * width;
  for (let k = 0; k < width; k++) {
    const key = keys[base + k]!;
    const otherKey = keys[otherBase + k]!;
    if (key !== otherKey) return key < otherKey;
  }
  const id = ids[row]!;
  const otherId = ids[other]!;
  return id !== otherId ? id < otherId : row < other;
}

/** Explains a ranking in words, e.g. "fewest shipments, then distance, then priority". */
export function describeRanking(criteria: readonly RankingCriterion[]): string {
  return criteria.map((criterion) => criterion.replace('_', ' ')).join(', then ');
}
