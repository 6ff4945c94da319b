import type { FulfillmentOrder, Label, Package } from './types';

/** How the associate's screens name and order the work; plain functions, tested on their own. */
export const KIND_NAMES: Record<FulfillmentOrder['kind'], string> = {
  ship: 'Ship to customer',
  pickup: 'Click and collect',
  ship_to_store: 'Ship to store',
  dropship: 'Drop-ship',
  transfer: 'Transfer',
};

export const isOverdue = (fo: Pick<FulfillmentOrder, 'dueBy'>, now: number) =>
  fo.dueBy !== undefined && Date.parse(fo.dueBy) < now;

/** Overdue first, then by due time (work without a promise last), then oldest first. */
export function queueOrder(items: FulfillmentOrder[], now: number): FulfillmentOrder[] {
  const due = (fo: FulfillmentOrder) => (fo.dueBy ? Date.parse(fo.dueBy) : Number.POSITIVE_INFINITY);
  return [...items].sort(
    (a, b) =>
      Number(isOverdue(b, now)) - Number(isOverdue(a, now)) ||
      due(a) - due(b) ||
      a.createdAt.localeCompare(b.createdAt),
  );
}

/** Goods travelling between two of our locations, seen from one of them: leaving it, or coming to it. */
export function directionAt(
  fo: Pick<FulfillmentOrder, 'locationId' | 'transferTo'>,
  locationId: string,
): 'out' | 'in' | undefined {
  if (!fo.transferTo || fo.transferTo === fo.locationId) return undefined;
  if (fo.locationId === locationId) return 'out';
  return fo.transferTo === locationId ? 'in' : undefined;
}

/** The work's name at a location: a transfer says where it goes, or where it comes from. */
export function workTitle(fo: FulfillmentOrder, locationId: string | undefined): string {
  const direction = locationId === undefined ? undefined : directionAt(fo, locationId);
  if (direction === 'out') return `${KIND_NAMES[fo.kind]} out to ${fo.transferTo}`;
  if (direction === 'in') return `${KIND_NAMES[fo.kind]} in from ${fo.locationId}`;
  return KIND_NAMES[fo.kind];
}

/** Statuses in which goods travel; at a location only those coming to it are its work. */
export const TRAVELLING_STATUSES = ['SHIPPED', 'IN_TRANSIT'];

/** What the queue shows of a location's answer: its work, and of goods on the road only those to receive. */
export const workAt = (items: FulfillmentOrder[], locationId: string) =>
  items.filter((fo) => !TRAVELLING_STATUSES.includes(fo.status) || directionAt(fo, locationId) === 'in');

/** Units picked and not packed yet, per line: what the pack form may put into packages. */
export const unpackedLines = (fo: FulfillmentOrder) =>
  fo.lines.map((line) => ({ line, units: line.picked - line.packed })).filter(({ units }) => units > 0);

/**
 * The packages still to ship. Shipments name lines, not packages, so a package counts as shipped
 * when the units shipped of its lines, less those of the packages before it, cover it: the
 * console ships package by package, in the order they were packed.
 */
export function packagesToShip(fo: FulfillmentOrder): Package[] {
  const shipped = new Map(fo.lines.map((line) => [line.lineId, line.shipped]));
  return fo.packages.filter((pkg) => {
    const covered = pkg.lines.every((line) => (shipped.get(line.lineId) ?? 0) >= line.quantity);
    if (covered)
      for (const line of pkg.lines) shipped.set(line.lineId, shipped.get(line.lineId)! - line.quantity);
    return !covered;
  });
}

/** A package as the associate fills it in: units per line, weight and size as typed. */
export interface PackageDraft {
  units: Record<string, number>;
  weightGrams: string;
  length: string;
  width: string;
  height: string;
}

export const emptyDraft = (units: Record<string, number> = {}): PackageDraft => ({
  units,
  weightGrams: '',
  length: '',
  width: '',
  height: '',
});

/**
 * The pack action's body from the drafts, or what is wrong with them: each package at least one
 * unit, no line more units than were picked, weight a whole number of grams, and the size all
 * three sides or none. Units left out stay picked and can be packed later.
 */
export function packBody(
  fo: FulfillmentOrder,
  drafts: PackageDraft[],
): { body: { packages: PackedPackage[] } } | { problem: string } {
  for (const { line, units } of unpackedLines(fo)) {
    const put = drafts.reduce((sum, draft) => sum + (draft.units[line.lineId] ?? 0), 0);
    if (put > units)
      return { problem: `Only ${units} of ${line.name ?? line.sku} are picked and not packed.` };
  }
  const packages: PackedPackage[] = [];
  for (const [index, draft] of drafts.entries()) {
    const name = `Package ${index + 1}`;
    const lines = Object.entries(draft.units)
      .filter(([, quantity]) => quantity > 0)
      .map(([lineId, quantity]) => ({ lineId, quantity }));
    if (lines.length === 0) return { problem: `${name} is empty.` };
    const weight = draft.weightGrams.trim();
    if (weight !== '' && !/^[1-9]\d{0,6}$/.test(weight))
      return { problem: `${name}: the weight is a whole number of grams.` };
    const sides = [draft.length, draft.width, draft.height].map((side) => side.trim());
    const typed = sides.filter((side) => side !== '');
    if (typed.length > 0 && (typed.length < 3 || typed.some((side) => !(Number(side) > 0))))
      return { problem: `${name}: give length, width and height in centimetres, or none.` };
    const [length, width, height] = sides.map(Number) as [number, number, number];
    packages.push({
      lines,
      ...(weight !== '' && { weightGrams: Number(weight) }),
      ...(typed.length === 3 && { dimensionsCm: { length, width, height } }),
    });
  }
  return { body: { packages } };
}

export type PackedPackage = Omit<Package, 'packageId'>;

/** The ship action for one package with its bought label: the label's carrier and tracking, the package's units. */
export const shipWithLabel = (label: Label, pkg: Package) => ({
  carrier: label.carrier,
  ...(label.service !== undefined && { service: label.service }),
  trackingNumber: label.trackingNumber,
  ...(label.trackingUrl !== undefined && { trackingUrl: label.trackingUrl }),
  lines: pkg.lines,
});

/** Goods received at the pick-up store: how many units and when, from the receive step. */
export function receipt(fo: FulfillmentOrder): { units: number; at: string } | undefined {
  const step = fo.history?.find((candidate) => candidate.action === 'receive');
  if (!step) return undefined;
  return { units: fo.lines.reduce((sum, line) => sum + line.shipped, 0), at: step.at };
}
