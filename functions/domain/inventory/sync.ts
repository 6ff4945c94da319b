import type { DomainEvent } from '../events.js';
import type {
  BackorderRetryV1,
  InventoryLevelChangedV1,
  ReplenishmentLine,
  ReplenishmentSuggestedV1,
  StockThresholdV1,
} from '../inventory-events.js';
import type { StockLevel } from '../stock.js';
import { channelChanges, sameCounts, type AggregateCounts, type InventoryAggregate } from './aggregate.js';
import type { InventoryProduct } from './product.js';

/**
 * What inventory-sync does with a recomputed aggregate: nothing when it equals the stored one
 * (a replay, a duplicate, a write that changed no count, such as a reservation marker), else the
 * new aggregate, the channel feed entries and the events. Threshold events compare the stored
 * state with the new one, so they fire once per crossing, not on every change below it.
 */
export interface SyncDecision {
  aggregate: InventoryAggregate;
  channelChanges: { channelId: string; available: number; previous: number }[];
  events: DomainEvent[];
  /** Backordered orders waiting for this SKU should be offered to the router again. */
  retryBackorders: boolean;
  /** Put the SKU's line on its vendor's suggested purchase order, or take it off. */
  replenishment:
    { kind: 'suggest'; vendorId: string; line: ReplenishmentLine } | { kind: 'clear' } | { kind: 'none' };
}

/**
 * Work decided but not yet done, kept on the aggregate item in the same write (an outbox): the
 * events, and whether backordered orders are to be retried. It is cleared once published; a
 * crash or a failed publish leaves it for the next delivery, and a newer decision carries it on.
 */
export interface Outbox {
  events: DomainEvent[];
  retryBackorders: boolean;
}

export const EMPTY_OUTBOX: Outbox = { events: [], retryBackorders: false };

export function withDecision(pending: Outbox, decision: SyncDecision): Outbox {
  return {
    events: [...pending.events, ...decision.events],
    retryBackorders: pending.retryBackorders || decision.retryBackorders,
  };
}

export function decideSync(args: {
  previous: InventoryAggregate | undefined;
  next: AggregateCounts;
  product: InventoryProduct;
  levels: readonly Pick<StockLevel, 'locationId' | 'available'>[];
  now: string;
}): SyncDecision | undefined {
  const { previous, next, product, now } = args;
  if (sameCounts(previous, next)) return undefined;
  const aggregate: InventoryAggregate = { ...next, version: (previous?.version ?? 0) + 1, updatedAt: now };
  const eventId = `${next.sku}:a${aggregate.version}`;
  const events: DomainEvent[] = [levelChanged(previous, aggregate, eventId)];
  const threshold = (detailType: string) =>
    events.push({ detailType, detail: thresholdDetail(aggregate, product, `${eventId}:${detailType}`) });

  const wasLow = previous?.lowStock ?? false;
  const before = previous?.availableToPromise ?? 0;
  if (next.lowStock && !wasLow) threshold('LowStock');
  if (next.availableToPromise <= 0 && before > 0) threshold('OutOfStock');
  if (next.availableToPromise > 0 && before <= 0 && previous) threshold('BackInStock');

  let replenishment: SyncDecision['replenishment'] = { kind: 'none' };
  if (next.lowStock && !wasLow && product.vendorId) {
    const line = replenishmentLine(next, product, args.levels);
    replenishment = { kind: 'suggest', vendorId: product.vendorId, line };
    const detail: ReplenishmentSuggestedV1 = {
      version: '1',
      eventId: `${eventId}:ReplenishmentSuggested`,
      vendorId: product.vendorId,
      ...line,
      suggestedAt: now,
    };
    events.push({ detailType: 'ReplenishmentSuggested', detail });
  } else if (!next.lowStock && wasLow) {
    replenishment = { kind: 'clear' };
  }

  return {
    aggregate,
    channelChanges: channelChanges(previous, next),
    events,
    retryBackorders: next.availableToPromise > 0 && next.availableToPromise > before,
    replenishment,
  };
}

export function backorderRetry(
  orderId: string,
  aggregate: InventoryAggregate,
): DomainEvent<BackorderRetryV1> {
  return {
    detailType: 'BackorderRetry',
    detail: {
      version: '1',
      eventId: `${aggregate.sku}:a${aggregate.version}:${orderId}`,
      orderId,
      sku: aggregate.sku,
      availableToPromise: aggregate.availableToPromise,
    },
  };
}

/**
 * Orders enough to lift the network back to the reorder point and at least the reorder
 * quantity, and sends it where it is missing: each location is owed an even share of the
 * reorder point, and the locations furthest below their share come first.
 */
export function replenishmentLine(
  counts: AggregateCounts,
  product: InventoryProduct,
  levels: readonly Pick<StockLevel, 'locationId' | 'available'>[],
): ReplenishmentLine {
  const byLocation = new Map<string, number>();
  for (const level of levels)
    byLocation.set(level.locationId, (byLocation.get(level.locationId) ?? 0) + level.available);
  const share = Math.ceil(product.reorderPoint / Math.max(1, byLocation.size));
  const locations = [...byLocation]
    .map(([locationId, available]) => ({ locationId, available, quantity: share - Math.max(0, available) }))
    .filter((location) => location.quantity > 0)
    .sort((a, b) => b.quantity - a.quantity || a.locationId.localeCompare(b.locationId));
  const needed = product.reorderPoint - counts.availableToPromise;
  const quantity = Math.max(product.reorderQuantity ?? product.reorderPoint, needed);
  return {
    sku: counts.sku,
    quantity,
    availableToPromise: counts.availableToPromise,
    reorderPoint: product.reorderPoint,
    locations,
  };
}

function levelChanged(
  previous: AggregateCounts | undefined,
  aggregate: InventoryAggregate,
  eventId: string,
): DomainEvent<InventoryLevelChangedV1> {
  const countsOf = (counts: AggregateCounts) => ({
    onHand: counts.onHand,
    reserved: counts.reserved,
    available: counts.available,
    inTransit: counts.inTransit,
    availableToPromise: counts.availableToPromise,
  });
  return {
    detailType: 'InventoryLevelChanged',
    detail: {
      version: '1',
      eventId,
      sku: aggregate.sku,
      ...countsOf(aggregate),
      channels: aggregate.channels,
      ...(previous && { previous: { ...countsOf(previous), channels: previous.channels } }),
      changedAt: aggregate.updatedAt,
    },
  };
}

function thresholdDetail(
  aggregate: InventoryAggregate,
  product: InventoryProduct,
  eventId: string,
): StockThresholdV1 {
  return {
    version: '1',
    eventId,
    sku: aggregate.sku,
    availableToPromise: aggregate.availableToPromise,
    reorderPoint: product.reorderPoint,
    changedAt: aggregate.updatedAt,
  };
}
