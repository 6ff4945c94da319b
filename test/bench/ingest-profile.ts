import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { OMS_SIGNATURE_HEADER, signOmsPayload } from '../../functions/domain/signature.js';
import { localClient } from '../../lib/local/dynamodb-local.js';
import { matchRoute, toApiGatewayEvent, type RouteMatch } from '../../lib/local/http-server.js';
import { DEMO_CHANNEL_ID, DEMO_SIGNING_SECRET } from '../../lib/local/local-config.js';
import { startLocalRuntime } from '../../lib/local/runtime.js';
import { ROUTES } from '../../lib/topology.js';
import { ORDERS_TABLE } from '../../lib/tables.js';

/**
 * `npx tsx test/bench/ingest-profile.ts`: where an ingest POST's time goes on the local runtime,
 * lighter than `npm run bench:pipeline` (which also routes every order). With CLIENTS requests in
 * flight on one DynamoDB Local, one after the other:
 * 1. a bare PutItem of an order-sized item (the yardstick of the pipeline bench's ratio);
 * 2. the ingest's own write alone, done directly: the TransactWrite of the order, its channel key
 *    and its payload as received, which no ingest can be faster than on this database;
 * 3. the post-order handler called in this process (no HTTP, no worker), with the CPU time this
 *    thread spends per request;
 * 4. the same POST over HTTP to the runtime, whose post-order runs in its worker thread.
 * Run it under `node --cpu-prof --import tsx` to see where step 3's CPU goes. Every figure depends
 * on the machine's load, printed with them; CPU per request depends on it least.
 */
const CLIENTS = 16;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

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

/** CPU time this thread has run, in ms (Linux: the thread's schedstat; elsewhere the process's). */
function threadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
}

function anOrder(i: number, run: string) {
  return JSON.stringify({
    externalId: `PROFILE-${run}-${i}`,
    placedAt: new Date().toISOString(),
    currency: 'EUR',
    customer: { email: `profile${i}@example.com`, name: 'Profile Customer' },
    shippingAddress: {
      name: 'Profile Customer',
      line1: 'Rua Augusta 100',
      city: 'Lisboa',
      postalCode: '1100-053',
      country: 'PT',
    },
    fulfillment: { type: 'ship', method: 'standard' },
    lines: [{ lineId: '1', sku: `PROFILE-${i % 16}`, quantity: 1, unitPrice: 1999, discount: 0, tax: 374 }],
    shippingPrice: 495,
    totals: { subtotal: 1999, discount: 0, tax: 374, shipping: 495, total: 2868 },
  });
}

const signed = (body: string) => ({
  'content-type': 'application/json',
  [OMS_SIGNATURE_HEADER]: signOmsPayload(DEMO_SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
});

const loadAtStart = os.loadavg()[0]!;
const runtime = await startLocalRuntime({ port: 0, scheduleIntervalMs: 0 });
try {
  // Imported once the runtime has set the functions' environment (table names, local secrets).
  const { postOrder } = await import('../../functions/ingest/post-order.js');
  const db = localClient(runtime.dynamodbEndpoint);
  const table = process.env[ORDERS_TABLE.envVar]!;
  const run = Date.now().toString(36);
  const item = { S: anOrder(0, run) };
  const path = `/v1/channels/${DEMO_CHANNEL_ID}/orders`;
  const match = matchRoute(ROUTES, 'POST', path) as RouteMatch;
  const eventFor = (body: string): APIGatewayProxyEventV2 =>
    toApiGatewayEvent(
      {
        method: 'POST',
        url: path,
        headers: { ...signed(body), host: 'localhost' },
        body,
        sourceIp: '127.0.0.1',
        port: 0,
      },
      match,
      undefined,
    );

  // Warm-up, unmeasured: the SDK's connections, the JIT, the channel cache, the worker's cold start.
  await inParallel(CLIENTS * 2, CLIENTS, (i) => postOrder(eventFor(anOrder(i, `${run}W`))));
  await inParallel(CLIENTS * 2, CLIENTS, async (i) => {
    const body = anOrder(i, `${run}H`);
    await (
      await fetch(`${runtime.url}${path}`, { method: 'POST', headers: signed(body), body })
    ).arrayBuffer();
  });

  const puts = await inParallel(REQUESTS, CLIENTS, (i) =>
    db.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: `PROFILE#${run}#${i}` }, sk: { S: 'PUT' }, item },
      }),
    ),
  );
  const writes = await inParallel(REQUESTS, CLIENTS, (i) =>
    db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { pk: { S: `PROFILE#${run}#TX${i}` }, sk: { S: 'ORDER' }, item },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { pk: { S: `PROFILE#${run}#EXT${i}` }, sk: { S: 'KEY' }, orderId: { S: String(i) } },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: table, Item: { pk: { S: `PROFILE#${run}#TX${i}` }, sk: { S: 'RAW' }, item } } },
        ],
      }),
    ),
  );
  const bodies = Array.from({ length: REQUESTS }, (_, i) => anOrder(i, `${run}D`));
  const cpuBefore = threadCpuMs();
  const direct = await inParallel(REQUESTS, CLIENTS, async (i) => {
    const result = await postOrder(eventFor(bodies[i]!));
    if (result.statusCode !== 202)
      throw new Error(`post-order answered ${result.statusCode}: ${result.body}`);
  });
  const cpuPerRequest = (threadCpuMs() - cpuBefore) / REQUESTS;
  const http = await inParallel(REQUESTS, CLIENTS, async (i) => {
    const body = anOrder(i, `${run}P`);
    const response = await fetch(`${runtime.url}${path}`, { method: 'POST', headers: signed(body), body });
    await response.arrayBuffer();
    if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
  });
  db.destroy();

  const putP95 = percentile(puts, 95);
  const row = (name: string, latencies: number[]) =>
    console.log(
      `${name.padEnd(46)} ${percentile(latencies, 50).toFixed(0).padStart(6)} ${percentile(latencies, 95).toFixed(0).padStart(6)} ms  ${(percentile(latencies, 95) / putP95).toFixed(1).padStart(5)}×`,
    );
  console.log(
    `\n${CLIENTS} in flight, ${REQUESTS} requests each${' '.repeat(14)}p50    p95     over PutItem p95`,
  );
  row('1. bare PutItem', puts);
  row('2. the ingest transaction alone (3 items)', writes);
  row('3. post-order handler, in this process', direct);
  row('4. POST over HTTP, handler in its worker', http);
  console.log(`CPU of this thread per request in 3: ${cpuPerRequest.toFixed(1)} ms`);
  console.log(
    `load average at start / end: ${loadAtStart.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)} (${os.cpus().length} cores)`,
  );
} finally {
  await runtime.stop();
}
