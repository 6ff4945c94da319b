import type { PlannedLine, RoutingOrderLine, UnplacedLine, UnplacedReason } from './model.js';

/**
 * Tracks how much of each stock-sourced line is still to place. Demand is per distinct SKU
 * (two lines of one SKU draw on the same stock); units go back to lines in line order.
 */
export class LineLedger {
  readonly skus: string[] = [];
  private readonly remaining: number[];
  private readonly lineIndexesBySku: number[][] = [];

  constructor(private readonly lines: readonly RoutingOrderLine[]) {
    this.remaining = lines.map((line) => line.quantity);
    const skuIndex = new Map<string, number>();
    lines.forEach((line, index) => {
      let s = skuIndex.get(line.sku);
      if (s === undefined) {
        s = this.skus.length;
        skuIndex.set(line.sku, s);
        this.skus.push(line.sku);
        this.lineIndexesBySku.push([]);
      }
      this.lineIndexesBySku[s]!.push(index);
    });
  }

  /** Units still to place, per SKU in `skus` order. */
  demand(): number[] {
    return this.lineIndexesBySku.map((indexes) =>
      indexes.reduce((sum, index) => sum + this.remaining[index]!, 0),
    );
  }

  outstandingUnits(): number {
    return this.remaining.reduce((sum, units) => sum + units, 0);
  }

  /** Moves `units` of SKU `s` out of the ledger and into `into`, line by line. */
  take(s: number, units: number, into: PlannedLine[]): void {
    let left = units;
    for (const index of this.lineIndexesBySku[s]!) {
      if (left === 0) return;
      const available = this.remaining[index]!;
      if (available === 0) continue;
      const quantity = Math.min(available, left);
      const line = this.lines[index]!;
      into.push({ lineId: line.lineId, sku: line.sku, quantity });
      this.remaining[index] = available - quantity;
      left -= quantity;
    }
  }

  unplaced(reasonForSku: (s: number) => UnplacedReason): UnplacedLine[] {
    const unplaced: UnplacedLine[] = [];
    this.lineIndexesBySku.forEach((indexes, s) => {
      for (const index of indexes) {
        const quantity = this.remaining[index]!;
        if (quantity === 0) continue;
        const line = this.lines[index]!;
        unplaced.push({ lineId: line.lineId, sku: line.sku, quantity, reason: reasonForSku(s) });
      }
    });
    return unplaced;
  }
}
