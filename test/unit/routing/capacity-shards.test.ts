import { describe, expect, it } from 'vitest';
import {
  CAPACITY_SHARDS,
  placeOnShards,
  preferredCapacityShard,
  shardShare,
} from '../../../functions/domain/routing/capacity-shards.js';

const shares = (limit: number) =>
  Array.from({ length: CAPACITY_SHARDS }, (_, shard) => shardShare(limit, shard));

describe('capacity counter shards', () => {
  it('split a daily capacity into shares that add up to it exactly', () => {
    for (const limit of [0, 1, 2, 3, 5, 8, 101]) {
      expect(shares(limit).reduce((sum, share) => sum + share, 0)).toBe(limit);
    }
    expect(shares(6)).toEqual([2, 2, 1, 1]);
  });

  it("place an order's fulfillment orders on its own shard while that shard has room", () => {
    expect(placeOnShards(2, [0, 0, 0, 0], 8, 1)).toEqual([1, 1]);
  });

  it('fall back to the next shards with room, in turn, when the own shard is used up', () => {
    expect(placeOnShards(1, [0, 2, 0, 0], 8, 1)).toEqual([2]);
    expect(placeOnShards(3, [0, 1, 2, 2], 8, 1)).toEqual([1, 0, 0]);
  });

  it('skip shards whose share is nothing, so a small capacity is still used whole', () => {
    // A capacity of 2 is shares [1, 1, 0, 0]: an order hashing to shard 3 counts on shard 0.
    expect(placeOnShards(1, [], 2, 3)).toEqual([0]);
  });

  it('refuse when the shards together have no room for every fulfillment order', () => {
    expect(placeOnShards(2, [2, 2, 2, 1], 8, 0)).toBeUndefined();
    expect(placeOnShards(1, [], 0, 0)).toBeUndefined();
  });

  it('hash every order id to the same shard, spread over all of them', () => {
    const ids = Array.from({ length: 400 }, (_, n) => `01JD${String(n).padStart(22, '0')}`);
    const counts = new Array<number>(CAPACITY_SHARDS).fill(0);
    for (const id of ids) counts[preferredCapacityShard(id)]! += 1;
    expect(preferredCapacityShard(ids[0]!)).toBe(preferredCapacityShard(ids[0]!));
    for (const count of counts) expect(count).toBeGreaterThan(50);
  });
});
