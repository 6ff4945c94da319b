/**
 * Stock of one SKU at one location. DynamoDB conditions can not do arithmetic, so `available`
 * is stored and every writer keeps it equal to onHand - reserved - safetyStock; a reservation
 * is then a single conditional update (`available >= :quantity`), which is what makes
 * overselling impossible at any concurrency.
 */
export interface StockLevel {
  sku: string;
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  available: number;
  /** Optimistic-locking counter, incremented by every write. */
  version: number;
  updatedAt: string;
  /** Units shipped to this location by a transfer and not received yet; not sellable here. */
  inTransit?: number;
  /**
   * Set when a recorded fact (a POS sale, a count, a loss) took `available` below zero: the units
   * were already gone, so the write was accepted rather than lost. The invariant check allows a
   * negative `available` only on flagged levels.
   */
  oversold?: boolean;
}

export function availableOf(level: Pick<StockLevel, 'onHand' | 'reserved' | 'safetyStock'>): number {
  return level.onHand - level.reserved - level.safetyStock;
}

export function newStockLevel(args: {
  sku: string;
  locationId: string;
  onHand: number;
  safetyStock?: number;
  now: string;
}): StockLevel {
  const level = { onHand: args.onHand, reserved: 0, safetyStock: args.safetyStock ?? 0 };
  return {
    sku: args.sku,
    locationId: args.locationId,
    ...level,
    available: availableOf(level),
    version: 1,
    updatedAt: args.now,
  };
}

/** An empty level, for the first movement of a SKU at a location (version 0: not stored yet). */
export function emptyStockLevel(sku: string, locationId: string, now: string): StockLevel {
  return { ...newStockLevel({ sku, locationId, onHand: 0, now }), version: 0 };
}
