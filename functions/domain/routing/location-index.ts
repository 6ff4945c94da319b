import type { Location } from './model.js';

/**
 * locationId -> position in the locations array, remembered per array so a warm router does
 * not rebuild it for every order. Every hit is checked against the array, and a length change
 * rebuilds it, so a caller that edits the array in place still gets correct answers.
 */
const indexes = new WeakMap<readonly Location[], { length: number; byId: Map<string, number> }>();

function build(locations: readonly Location[]): Map<string, number> {
  const byId = new Map<string, number>();
  for (let position = 0; position < locations.length; position++) {
    byId.set(locations[position]!.locationId, position);
  }
  indexes.set(locations, { length: locations.length, byId });
  return byId;
}

/** Looks ids up without a closure per decision, and rebuilds a stale index at most once. */
export class LocationIndexer {
  private byId: Map<string, number>;
  private fresh: boolean;

  constructor(private readonly locations: readonly Location[]) {
    const index = indexes.get(locations);
    this.fresh = index === undefined || index.length !== locations.length;
    this.byId = this.fresh ? build(locations) : index!.byId;
  }

  /** The position of `locationId`, or -1 when the array holds no such location. */
  positionOf(locationId: string): number {
    const position = this.byId.get(locationId);
    if (position !== undefined && this.locations[position]!.locationId === locationId) return position;
    // A miss in an index built for this very decision is final; only a remembered one may be stale.
    if (this.fresh) return -1;
    this.byId = build(this.locations);
    this.fresh = true;
    return this.byId.get(locationId) ?? -1;
  }
}
