import { shardOf } from '../shards.js';

/**
 * A location's daily capacity counter, sharded. One item takes about 1,000 write units a second
 * and each fulfillment order adds to its location's counter in a transaction (2 units), so one
 * counter per location-day caps a location near 500 fulfillment orders a second. The counter is
 * CAPACITY_SHARDS items instead, each allowed its share of the day's capacity; an order counts
 * on the shard its id hashes to, or, when that one is full, on another that has room; the
 * location's use is the sum. The shares add up to the capacity exactly, so while the sum leaves
 * room, some shard has it: no location takes more than its capacity, and none is refused below it.
 * The fulfillment order records its shard, and gives its unit back to that shard.
 */
export const CAPACITY_SHARDS = 4;

/** Shard `shard`'s part of a daily capacity of `limit`. */
export function shardShare(limit: number, shard: number): number {
  return Math.floor(limit / CAPACITY_SHARDS) + (shard < limit % CAPACITY_SHARDS ? 1 : 0);
}

/** The shard an order's fulfillment orders count on first. */
export function preferredCapacityShard(orderId: string): number {
  return shardOf(orderId, CAPACITY_SHARDS);
}

/**
 * A shard for each of `count` fulfillment orders, given each shard's `used` as read: the
 * preferred shard while it has room, then the next ones in turn. Undefined when the shards
 * together have no room for all of them.
 */
export function placeOnShards(
  count: number,
  used: readonly number[],
  limit: number,
  preferred: number,
): number[] | undefined {
  const placed: number[] = [];
  for (let step = 0; step < CAPACITY_SHARDS && placed.length < count; step++) {
    const shard = (preferred + step) % CAPACITY_SHARDS;
    const room = shardShare(limit, shard) - (used[shard] ?? 0);
    for (let unit = 0; unit < room && placed.length < count; unit++) placed.push(shard);
  }
  return placed.length === count ? placed : undefined;
}
