import type { Location } from './model.js';
import type { RankingCriterion } from './rules.js';

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

/** Sorts candidate indexes in place by their key vectors (`keys[index * width + k]`), then id. */
export function sortByRank(order: number[], keys: Float64Array, width: number, ids: readonly string[]): void {
  order.sort((left, right) => {
    const first = keys[left * width]! - keys[right * width]!;
    if (first !== 0) return first;
    for (let k = 1; k < width; k++) {
      const difference = keys[left * width + k]! - keys[right * width + k]!;
      if (difference !== 0) return difference;
    }
    const leftId = ids[left]!;
    const rightId = ids[right]!;
    return leftId < rightId ? -1 : leftId > rightId ? 1 : 0;
  });
}

/** Explains a ranking in words, e.g. "fewest shipments, then distance, then priority". */
export function describeRanking(criteria: readonly RankingCriterion[]): string {
  return criteria.map((criterion) => criterion.replace('_', ' ')).join(', then ');
}
