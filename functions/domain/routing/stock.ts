import type { StockBySku, StockLevel } from './model.js';

export type StockAtLocation = ReadonlyMap<string, StockLevel>;

const NONE: StockAtLocation = new Map();

/**
 * One SKU's stock by location as a Map, so the hot loop makes a single monomorphic `get` per
 * location. Map input is used as is; a plain record is copied once per SKU and decision.
 */
export function stockForSku(stock: StockBySku, sku: string): StockAtLocation {
  if (stock instanceof Map) {
    return (stock as ReadonlyMap<string, StockAtLocation>).get(sku) ?? NONE;
  }
  const bySku = stock as Readonly<Record<string, Readonly<Record<string, StockLevel>>>>;
  return Object.hasOwn(bySku, sku) ? new Map(Object.entries(bySku[sku]!)) : NONE;
}

/** Units that may be promised: never negative, and never the safety stock unless told otherwise. */
export function usableUnits(level: StockLevel | undefined, respectSafetyStock: boolean): number {
  if (level === undefined) return 0;
  const usable = respectSafetyStock ? level.available - level.safetyStock : level.available;
  return usable > 0 ? Math.floor(usable) : 0;
}
