import type { Location } from './model.js';

/**
 * locationId -> position in the locations array, remembered per array so a warm router does
 * not rebuild it for every order. Every hit is checked against the array, and a length change
 * rebuilds it, so a caller that edits the array in place still gets correct answers.
 */
const indexes = new WeakMap<readonly Location[], { length: number; byId: Map<string, number> }>();

function build(locations: readonly Location[]): { length: number; byId: Map<string, number> } {
  const byId = new Map<string, number>();
  locations.forEach((location, index) => byId.set(location.locationId, index));
  const index = { length: locations.length, byId };
  indexes.set(locations, index);
  return index;
}

export function locationIndexer(locations: readonly Location[]): (locationId: string) => number {
  let index = indexes.get(locations);
  if (index === undefined || index.length !== locations.length) index = build(locations);
  let byId = index.byId;
  return (locationId) => {
    let position = byId.get(locationId);
    if (position !== undefined && locations[position]?.locationId === locationId) return position;
    byId = build(locations).byId;
    position = byId.get(locationId);
    return position ?? -1;
  };
}
