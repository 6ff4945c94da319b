import type { StockLevel } from '../stock.js';

/**
 * The derived counts of a SKU: network totals and availability per channel. They are recomputed
 * from all the SKU's stock items every time (never incremented), so a replayed or duplicated
 * stream record can not count anything twice: the same items give the same aggregate.
 */
export interface AggregateCounts {
  sku: string;
  /** Exact sums over the SKU's stock items: the invariant check compares these. */
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
  /** Sum of the positive `available` per location: an oversold store does not cancel another's stock. */
  availableToPromise: number;
  /** Units each channel may sell: its locations' positive availability minus the channel's buffer. */
  channels: Record<string, number>;
  /** Available to promise is below the reorder point. */
  lowStock: boolean;
}

export interface InventoryAggregate extends AggregateCounts {
  /** Incremented by every write; writes are conditional on it, so a stale recomputation loses. */
  version: number;
  updatedAt: string;
}

export interface ChannelScope {
  locationId: string;
  /** Channels the location serves; absent means all. */
  channels?: readonly string[];
  active: boolean;
}

export function computeAggregate(args: {
  sku: string;
  /** The SKU's stock items; a hot SKU has several (shards) per location. */
  levels: readonly Pick<StockLevel, 'locationId' | 'onHand' | 'reserved' | 'available' | 'inTransit'>[];
  locations: readonly ChannelScope[];
  channelIds: readonly string[];
  reorderPoint: number;
  channelBuffers: Readonly<Record<string, number>>;
}): AggregateCounts {
  const totals = { onHand: 0, reserved: 0, available: 0, inTransit: 0 };
  const availableByLocation = new Map<string, number>();
  for (const level of args.levels) {
    totals.onHand += level.onHand;
    totals.reserved += level.reserved;
    totals.available += level.available;
    totals.inTransit += level.inTransit ?? 0;
    availableByLocation.set(
      level.locationId,
      (availableByLocation.get(level.locationId) ?? 0) + level.available,
    );
  }
  const sellable = (locationId: string) => Math.max(0, availableByLocation.get(locationId) ?? 0);
  const availableToPromise = [...availableByLocation.keys()].reduce((sum, id) => sum + sellable(id), 0);
  const channels: Record<string, number> = {};
  for (const channelId of [...args.channelIds].sort()) {
    const served = args.locations
      .filter((location) => location.active && (!location.channels || location.channels.includes(channelId)))
      .reduce((sum, location) => sum + sellable(location.locationId), 0);
    channels[channelId] = Math.max(0, served - (args.channelBuffers[channelId] ?? 0));
  }
  return {
    sku: args.sku,
    ...totals,
    availableToPromise,
    channels,
    lowStock: availableToPromise < args.reorderPoint,
  };
}

/** Every channel the system knows: configured ones and any a location names. */
export function knownChannelIds(configured: readonly string[], locations: readonly ChannelScope[]): string[] {
  return [...new Set([...configured, ...locations.flatMap((location) => location.channels ?? [])])].sort();
}

export function sameCounts(previous: AggregateCounts | undefined, next: AggregateCounts): boolean {
  if (!previous) return false;
  const keys = ['onHand', 'reserved', 'available', 'inTransit', 'availableToPromise', 'lowStock'] as const;
  return keys.every((key) => previous[key] === next[key]) && sameChannels(previous.channels, next.channels);
}

/** Channels whose availability changed; a SKU nobody had before counts as zero everywhere. */
export function channelChanges(
  previous: AggregateCounts | undefined,
  next: AggregateCounts,
): { channelId: string; available: number; previous: number }[] {
  return Object.entries(next.channels)
    .filter(([channelId, available]) => (previous?.channels[channelId] ?? 0) !== available)
    .map(([channelId, available]) => ({
      channelId,
      available,
      previous: previous?.channels[channelId] ?? 0,
    }));
}

function sameChannels(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}
