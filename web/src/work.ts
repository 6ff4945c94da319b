import type { FulfillmentOrder } from './types';

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
