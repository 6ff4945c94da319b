import { describe, expect, it } from 'vitest';

/**
 * A model of a flash sale on a hot SKU, to size the shard count (docs/inventory.md quotes it).
 * DynamoDB gives each partition about 1,000 write units a second; a reservation is a
 * transactional update of one shard (2 units in the shard's partition; its marker lands in the
 * order's partition). Every second, `demand` orders arrive; each tries a random shard, then the
 * next two (as reserveFromShards does); an attempt on a partition out of write units is throttled.
 * Attempts on an empty shard still cost their units, which is what sold-out shards cost the rest.
 */
const WRITE_UNITS_PER_PARTITION = 1_000;
const UNITS_PER_RESERVATION = 2;
const TRIES = 3;

function simulate(args: { shards: number; demand: number; stock: number; seconds: number; seed?: number }) {
  let state = args.seed ?? 7;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const stock = Array.from(
    { length: args.shards },
    (_, n) => Math.floor(args.stock / args.shards) + (n < args.stock % args.shards ? 1 : 0),
  );
  let reserved = 0;
  let throttled = 0;
  for (let second = 0; second < args.seconds; second++) {
    const budget = Array.from({ length: args.shards }, () => WRITE_UNITS_PER_PARTITION);
    for (let order = 0; order < args.demand; order++) {
      const first = Math.floor(random() * args.shards);
      for (let attempt = 0; attempt < Math.min(TRIES, args.shards); attempt++) {
        const shard = (first + attempt) % args.shards;
        if (budget[shard]! < UNITS_PER_RESERVATION) {
          throttled += 1;
          continue;
        }
        budget[shard]! -= UNITS_PER_RESERVATION;
        if (stock[shard]! > 0) {
          stock[shard]! -= 1;
          reserved += 1;
          break;
        }
      }
    }
  }
  return {
    reservedPerSecond: reserved / args.seconds,
    throttled,
    oversold: stock.some((units) => units < 0),
  };
}

describe('hot-SKU shard model', () => {
  it.each([1, 4, 8, 16, 32])('sustains about 500 reservations a second per shard (%i shards)', (shards) => {
    const { reservedPerSecond } = simulate({ shards, demand: 20_000, stock: 10_000_000, seconds: 5 });
    console.info(`${shards} shard(s): ${reservedPerSecond} reservations/s at saturation`);
    expect(reservedPerSecond).toBeGreaterThanOrEqual(0.95 * shards * 500);
    expect(reservedPerSecond).toBeLessThanOrEqual(shards * 500);
  });

  it('serves a 5,000 orders/s flash sale of 10,000 units with 16 shards in about two seconds', () => {
    const { reservedPerSecond, oversold } = simulate({
      shards: 16,
      demand: 5_000,
      stock: 10_000,
      seconds: 2,
    });
    expect(reservedPerSecond).toBeGreaterThanOrEqual(4_900);
    expect(oversold).toBe(false);
  });
});
