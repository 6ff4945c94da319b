import { runHotSkuBench } from './hot-sku.bench.js';
import { runRoutingBench } from './routing.bench.js';

/**
 * `npm run bench`: every benchmark, printed with its target. Timing goals are checked here, never
 * by timed assertions in tests. Run on a quiet machine: figures from a loaded one mislead.
 */
const routing = runRoutingBench();
const hotSku = runHotSkuBench();
const rows: [string, string, string][] = [
  [
    'routing decisions/s, 3-line orders over 50 locations',
    routing.decisionsPerSecond.toLocaleString('en-US'),
    '≥ 20,000',
  ],
  ['routing median, 5-line orders over 1,000 locations', `${routing.medianMs} ms`, '< 1 ms'],
  ['routing p99, 5-line orders over 1,000 locations', `${routing.p99Ms} ms`, '—'],
  ...hotSku.saturation.map(({ shards, reservedPerSecond }): [string, string, string] => [
    `hot SKU model, reservations/s at saturation, ${shards} shard(s)`,
    reservedPerSecond.toLocaleString('en-US'),
    `≈ ${(shards * 500).toLocaleString('en-US')}`,
  ]),
  [
    'hot SKU model, 5,000 orders/s for 10,000 units on 16 shards',
    `${hotSku.flashSale.reservedPerSecond.toLocaleString('en-US')}/s`,
    '≥ 4,900/s',
  ],
];
for (const [name, value, target] of rows)
  console.log(`${name.padEnd(64)} ${String(value).padStart(10)}   target ${target}`);
