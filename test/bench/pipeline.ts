import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { format, resolveConfig } from 'prettier';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { REPO_ROOT } from '../../lib/functions.js';
import { localClient } from '../../lib/local/dynamodb-local.js';
import { LocalFunctions } from '../../lib/local/lambda.js';
import { DEMO_CHANNEL_ID, DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime } from '../../lib/local/runtime.js';
import type { FunctionCall } from '../../lib/local/sdk-calls.js';
import { INVENTORY_TABLE, ORDERS_TABLE } from '../../lib/tables.js';
import { CAPACITY_SHARDS } from '../../functions/domain/routing/capacity-shards.js';

/**
 * `npm run bench:pipeline`: the local runtime end to end, against what the database alone can do.
 * In one run on one DynamoDB Local, with CLIENTS requests in flight:
 * (a) the least DynamoDB work an order needs, done directly: its ingest transaction, its
 *     reservation transaction and one aggregate update, as orders/s;
 * (b) the pipeline: signed orders posted over HTTP until every one is ROUTED, as orders/s from
 *     the first post to the last OrderRouted event;
 * (c) the p95 of the ingest POST against the p95 of a bare PutItem;
 * plus the resident memory of the whole runtime, DynamoDB Local's JVM included. It also counts
 * every AWS call and function invocation per order, which `npm run scale-model` reads from
 * docs/measured-costs.json. Timing goals are checked here, never in tests; figures depend on
 * the machine's load, which is printed with them.
 */
const CLIENTS = 16;
const ORDERS = Number(process.env.BENCH_ORDERS ?? 400);
const WARM_UP_ORDERS = CLIENTS * 2;
const RAW_ORDERS = Number(process.env.BENCH_RAW_ORDERS ?? 800);
const SKUS = 16;
const ROUTE_TIMEOUT_MS = 300_000;
const COSTS_FILE = path.join(REPO_ROOT, 'docs', 'measured-costs.json');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task(i)` for i in [0, count) with `concurrency` in flight; returns each one's latency. */
async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const start = performance.now();
        await task(i);
        latencies.push(performance.now() - start);
      }
    }),
  );
  return latencies;
}

/** Resident memory of this process and every process it started (DynamoDB Local's JVM). */
function treeRssBytes(): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended between listing and reading.
    }
  }
  const tree = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(rss?.[1] ?? 0) * 1024;
    } catch {
      // Gone already.
    }
  }
  return total;
}

/**
 * Counts every AWS call the runtime's functions make, by function (all SDK clients share the
 * Smithy client's `send`, and each call runs in its invocation's async context), and every
 * function invocation with its duration, without touching their code.
 */
/**
 * The SDK calls every function sends (the runtime reports them from each function's worker) and
 * the invocations of each function with their duration, for the per-order costs.
 */
function countCalls() {
  const calls = new Map<string, { count: number; items: number }>();
  const invocations = new Map<string, { count: number; totalMs: number }>();
  const invoke = LocalFunctions.prototype.invoke;
  LocalFunctions.prototype.invoke = async function (spec, event, timeoutMs) {
    const start = performance.now();
    try {
      return await invoke.call(this, spec, event, timeoutMs);
    } finally {
      const entry = invocations.get(spec.id) ?? { count: 0, totalMs: 0 };
      entry.count += 1;
      entry.totalMs += performance.now() - start;
      invocations.set(spec.id, entry);
    }
  };
  return {
    onFunctionCall: ({ functionId, command, items }: FunctionCall) => {
      const name = `${functionId} ${command}`;
      const entry = calls.get(name) ?? { count: 0, items: 0 };
      entry.count += 1;
      entry.items += items;
      calls.set(name, entry);
    },
    snapshot: () => ({
      calls: Object.fromEntries([...calls].map(([name, entry]) => [name, { ...entry }])),
      invocations: Object.fromEntries([...invocations].map(([id, entry]) => [id, { ...entry }])),
    }),
  };
}

type Snapshot = ReturnType<ReturnType<typeof countCalls>['snapshot']>;

function perOrder(before: Snapshot, after: Snapshot, orders: number) {
  const diff = <T extends Record<string, Record<string, number>>>(a: T, b: T) =>
    Object.fromEntries(
      Object.entries(b)
        .filter(([name, entry]) => entry.count! > (a[name]?.count ?? 0))
        .map(([name, entry]) => [
          name,
          Object.fromEntries(
            Object.entries(entry).map(([field, value]) => [
              field,
              Number(((value - (a[name]?.[field] ?? 0)) / orders).toFixed(3)),
            ]),
          ),
        ]),
    );
  return { calls: diff(before.calls, after.calls), invocations: diff(before.invocations, after.invocations) };
}

function anOrder(i: number, run: string) {
  const sku = `BENCH-${i % SKUS}`;
  return JSON.stringify({
    externalId: `BENCH-${run}-${i}`,
    placedAt: new Date().toISOString(),
    currency: 'EUR',
    customer: { email: `bench${i}@example.com`, name: 'Bench Customer' },
    shippingAddress: {
      name: 'Bench Customer',
      line1: 'Rua Augusta 100',
      city: 'Lisboa',
      postalCode: '1100-053',
      country: 'PT',
      lat: 38.7103,
      lon: -9.1366,
    },
    fulfillment: { type: 'ship', method: 'standard' },
    lines: [{ lineId: '1', sku, quantity: 1, unitPrice: 1999, discount: 0, tax: 374 }],
    shippingPrice: 495,
    totals: { subtotal: 1999, discount: 0, tax: 374, shipping: 495, total: 2868 },
  });
}

const counters = countCalls();
const loadAtStart = os.loadavg()[0]!;
const startedAt = performance.now();
const routed = new Map<string, number>();
const runtime = await startLocalRuntime({
  port: 0,
  scheduleIntervalMs: 0,
  observer: {
    onFunctionCall: counters.onFunctionCall,
    onError: (source, error) => console.error(`${source}:`, error),
    onEventPublished: ({ event }) => {
      const orderId = (event.detail as { orderId?: string }).orderId;
      if (event['detail-type'] === 'OrderRouted' && orderId) routed.set(orderId, performance.now());
    },
  },
});
console.log(`local runtime ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
try {
  // The repositories build their logger from the environment the runtime has just set.
  const { putStockLevel } = await import('../../functions/data/inventory-repository.js');
  const { newStockLevel } = await import('../../functions/domain/stock.js');
  const now = new Date().toISOString();
  for (let s = 0; s < SKUS; s++)
    await putStockLevel(newStockLevel({ sku: `BENCH-${s}`, locationId: 'WH-LIS', onHand: 1_000_000, now }));
  await sleep(3000);
  const restRss = treeRssBytes();

  const db = localClient(runtime.dynamodbEndpoint);
  const ordersTable = process.env[ORDERS_TABLE.envVar]!;
  const inventoryTable = process.env[INVENTORY_TABLE.envVar]!;
  const order = { S: anOrder(0, 'raw') };

  // (a) The least DB work per order, directly: ingest, reservation and aggregate writes.
  const rawStart = performance.now();
  await inParallel(RAW_ORDERS, CLIENTS, async (i) => {
    const orderKey = { pk: { S: `BENCHRAW#${i}` }, sk: { S: 'ORDER' } };
    const stockKey = { pk: { S: `BENCHRAW#SKU#${i % SKUS}` }, sk: { S: 'LOC#WH-LIS' } };
    await db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: ordersTable,
              Item: { ...orderKey, order },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: ordersTable,
              Item: { pk: { S: `BENCHRAW#EXT#${i}` }, sk: { S: 'KEY' }, orderId: { S: String(i) } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: ordersTable, Item: { pk: orderKey.pk, sk: { S: 'RAW' }, raw: order } } },
        ],
      }),
    );
    await db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: inventoryTable,
              Key: stockKey,
              UpdateExpression: 'SET available = if_not_exists(available, :start) - :one',
              ConditionExpression: 'attribute_not_exists(available) OR available >= :one',
              ExpressionAttributeValues: { ':one': { N: '1' }, ':start': { N: '1000000' } },
            },
          },
          { Put: { TableName: ordersTable, Item: { pk: orderKey.pk, sk: { S: 'FO#1' }, order } } },
          {
            Update: {
              TableName: ordersTable,
              Key: orderKey,
              UpdateExpression: 'SET #status = :routed',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':routed': { S: 'ROUTED' } },
            },
          },
        ],
      }),
    );
    await db.send(
      new UpdateItemCommand({
        TableName: inventoryTable,
        Key: { pk: stockKey.pk, sk: { S: 'AGGREGATE' } },
        UpdateExpression: 'ADD reserved :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
  });
  const rawRate = RAW_ORDERS / ((performance.now() - rawStart) / 1000);

  // (c, its yardstick) A bare PutItem at the same concurrency.
  const putLatencies = await inParallel(RAW_ORDERS, CLIENTS, (i) =>
    db.send(
      new PutItemCommand({
        TableName: ordersTable,
        Item: { pk: { S: `BENCHPUT#${i}` }, sk: { S: 'PUT' }, order },
      }),
    ),
  );
  db.destroy();

  // (b) The pipeline, from the first post to the last OrderRouted.
  const run = Date.now().toString(36);
  const url = `${runtime.url}/v1/channels/${DEMO_CHANNEL_ID}/orders`;
  const orderIds = new Set<string>();
  let peakRss = restRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRssBytes())), 500);
  const post = async (i: number, prefix: string) => {
    const body = anOrder(i, prefix);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    const answer = (await response.json()) as { orderId?: string };
    if (response.status !== 202 || !answer.orderId)
      throw new Error(`POST answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer.orderId;
  };
  // Every function of the pipeline starts (a cold start, in its own worker) on warm-up orders
  // that are not measured: cold starts are what `npm run bundle-size` measures.
  const warmUp = new Set<string>();
  await inParallel(WARM_UP_ORDERS, CLIENTS, async (i) => void warmUp.add(await post(i, `${run}W`)));
  const warmDeadline = performance.now() + ROUTE_TIMEOUT_MS;
  while ([...warmUp].some((orderId) => !routed.has(orderId)) && performance.now() < warmDeadline)
    await sleep(50);
  await sleep(2000);
  const before = counters.snapshot();
  const firstPost = performance.now();
  const ingestLatencies = await inParallel(
    ORDERS,
    CLIENTS,
    async (i) => void orderIds.add(await post(i, run)),
  );
  const postedAt = performance.now();
  const deadline = postedAt + ROUTE_TIMEOUT_MS;
  const routedCount = () => [...orderIds].filter((orderId) => routed.has(orderId)).length;
  while (routedCount() < orderIds.size && performance.now() < deadline) await sleep(50);
  // The last stream batches (inventory sync) are part of the per-order cost, not of the rate.
  const lastRouted = Math.max(...[...orderIds].map((orderId) => routed.get(orderId) ?? 0));
  await sleep(4000);
  const after = counters.snapshot();
  clearInterval(sampler);
  const loadAtEnd = os.loadavg()[0]!;

  const done = routedCount();
  const pipelineRate = done / ((lastRouted - firstPost) / 1000);
  const ingestP95 = percentile(ingestLatencies, 95);
  const putP95 = percentile(putLatencies, 95);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const rows: [string, string, string][] = [
    ['(a) least DB work per order, direct, orders/s', rawRate.toFixed(0), '—'],
    [
      '(b) pipeline, first post to last routed, orders/s',
      `${pipelineRate.toFixed(1)} (${done}/${ORDERS})`,
      '—',
    ],
    ['(b) over (a)', `${((pipelineRate / rawRate) * 100).toFixed(0)} %`, '≥ 50 %'],
    [
      'ingest POST p50 / p95',
      `${percentile(ingestLatencies, 50).toFixed(0)} / ${ingestP95.toFixed(0)} ms`,
      '—',
    ],
    ['bare PutItem p50 / p95', `${percentile(putLatencies, 50).toFixed(1)} / ${putP95.toFixed(1)} ms`, '—'],
    ['(c) ingest p95 over PutItem p95', `${(ingestP95 / putP95).toFixed(1)}×`, '≤ 3×'],
    ['posting took', `${((postedAt - firstPost) / 1000).toFixed(1)} s`, '—'],
    ['RSS, runtime + DynamoDB Local, at rest / peak', `${mb(restRss)} / ${mb(peakRss)}`, '≤ 1.5 GB'],
    [
      'load average at start / end',
      `${loadAtStart.toFixed(2)} / ${loadAtEnd.toFixed(2)}`,
      `${os.cpus().length} cores`,
    ],
  ];
  console.log(`\n${CLIENTS} clients, ${ORDERS} orders through the pipeline, ${RAW_ORDERS} done directly`);
  for (const [name, value, target] of rows)
    console.log(`${name.padEnd(50)} ${value.padStart(18)}   target ${target}`);

  const costs = perOrder(before, after, done);
  console.log('\nper routed order:', JSON.stringify(costs, null, 1));
  const measurement = JSON.stringify({
    measuredBy: 'npm run bench:pipeline',
    measuredAt: new Date().toISOString(),
    // What the router read per location (bin/scale-model.ts compares it with the code's).
    capacityShards: CAPACITY_SHARDS,
    loadAverage: [Number(loadAtStart.toFixed(2)), Number(loadAtEnd.toFixed(2))],
    orders: done,
    perOrder: costs,
    localLatencyMs: {
      ingestP50: Number(percentile(ingestLatencies, 50).toFixed(1)),
      ingestP95: Number(ingestP95.toFixed(1)),
      putItemP50: Number(percentile(putLatencies, 50).toFixed(2)),
      putItemP95: Number(putP95.toFixed(2)),
    },
    ordersPerSecond: { direct: Number(rawRate.toFixed(1)), pipeline: Number(pipelineRate.toFixed(1)) },
  });
  // Formatted like the rest of the repository, so `prettier --check` passes after every run.
  const prettierOptions = { ...(await resolveConfig(COSTS_FILE)), filepath: COSTS_FILE };
  await writeFile(COSTS_FILE, await format(measurement, prettierOptions));
  console.log(`wrote ${path.relative(REPO_ROOT, COSTS_FILE)}`);
} finally {
  await runtime.stop();
}
