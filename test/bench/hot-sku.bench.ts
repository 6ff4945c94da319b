/**
 * A model of a flash sale on a hot SKU, to size the shard count (docs/inventory.md quotes it).
 * It models DynamoDB's partition limits, not the product's code, so it is a benchmark to read,
 * not a test: what it prints is the design's capacity under these assumptions. DynamoDB gives
 * each partition about 1,000 write units a second; a reservation is a transactional update of
 * one shard (2 units in the shard's partition; its marker lands in the order's partition).
 * Every second, `demand` orders arrive; each tries a random shard, then the next two (as
 * reserveFromShards does); an attempt on a partition out of write units is throttled. Attempts
 * on an empty shard still cost their units, which is what sold-out shards cost the rest.
 */
const WRITE_UNITS_PER_PARTITION = 1_000;
const UNITS_PER_RESERVATION = 2;
const TRIES = 3;

export function simulateFlashSale(args: {
  shards: number;
  demand: number;
  stock: number;
  seconds: number;
  seed?: number;
}) {
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
  return { reservedPerSecond: reserved / args.seconds, throttled };
}

/** The figures of docs/inventory.md: saturation per shard count, and the 16-shard flash sale. */
export function runHotSkuBench() {
  const saturation = [1, 4, 8, 16, 32].map((shards) => ({
    shards,
    ...simulateFlashSale({ shards, demand: 20_000, stock: 10_000_000, seconds: 5 }),
  }));
  const flashSale = simulateFlashSale({ shards: 16, demand: 5_000, stock: 10_000, seconds: 2 });
  return { saturation, flashSale };
}
