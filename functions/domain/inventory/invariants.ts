import type { StockLevel } from '../stock.js';
import { availableOf } from '../stock.js';
import type { InventoryAggregate } from './aggregate.js';

/**
 * The inventory's invariants, checked over a snapshot of the table once the stream has drained:
 * 1. every stock item keeps available = onHand - reserved - safetyStock;
 * 2. no available is negative unless a recorded fact flagged it (an oversold POS sale, a count);
 * 3. each SKU's aggregate equals the sum over its stock items (and exists when they do).
 */
export interface InvariantViolation {
  sku: string;
  locationId?: string;
  rule: 'available_formula' | 'negative_available' | 'aggregate_mismatch' | 'aggregate_missing';
  detail: string;
}

export interface InvariantReport {
  skus: number;
  stockItems: number;
  /** Levels with a negative available that were flagged oversold: allowed, listed for follow-up. */
  flaggedOversales: { sku: string; locationId: string; available: number }[];
  violations: InvariantViolation[];
}

const SUMMED = ['onHand', 'reserved', 'available', 'inTransit'] as const;

export function checkInvariants(
  levels: readonly StockLevel[],
  aggregates: readonly Pick<InventoryAggregate, 'sku' | (typeof SUMMED)[number]>[],
): InvariantReport {
  const violations: InvariantViolation[] = [];
  const flaggedOversales: InvariantReport['flaggedOversales'] = [];
  const sums = new Map<string, Record<(typeof SUMMED)[number], number>>();
  for (const level of levels) {
    const { sku, locationId } = level;
    if (level.available !== availableOf(level))
      violations.push({
        sku,
        locationId,
        rule: 'available_formula',
        detail: `available ${level.available} != ${level.onHand} - ${level.reserved} - ${level.safetyStock}`,
      });
    if (level.available < 0) {
      if (level.oversold) flaggedOversales.push({ sku, locationId, available: level.available });
      else
        violations.push({
          sku,
          locationId,
          rule: 'negative_available',
          detail: `available ${level.available}`,
        });
    }
    const sum = sums.get(sku) ?? { onHand: 0, reserved: 0, available: 0, inTransit: 0 };
    for (const key of SUMMED) sum[key] += key === 'inTransit' ? (level.inTransit ?? 0) : level[key];
    sums.set(sku, sum);
  }
  const aggregateBySku = new Map(aggregates.map((aggregate) => [aggregate.sku, aggregate]));
  for (const [sku, sum] of sums) {
    const aggregate = aggregateBySku.get(sku);
    if (!aggregate) {
      violations.push({ sku, rule: 'aggregate_missing', detail: 'stock items exist but no aggregate' });
      continue;
    }
    const differing = SUMMED.filter((key) => (aggregate[key] ?? 0) !== sum[key]);
    if (differing.length > 0)
      violations.push({
        sku,
        rule: 'aggregate_mismatch',
        detail: differing.map((key) => `${key}: aggregate ${aggregate[key]} != sum ${sum[key]}`).join('; '),
      });
  }
  for (const aggregate of aggregates)
    if (!sums.has(aggregate.sku) && SUMMED.some((key) => (aggregate[key] ?? 0) !== 0))
      violations.push({
        sku: aggregate.sku,
        rule: 'aggregate_mismatch',
        detail: 'aggregate without stock items',
      });
  return {
    skus: new Set([...sums.keys(), ...aggregateBySku.keys()]).size,
    stockItems: levels.length,
    flaggedOversales,
    violations,
  };
}
