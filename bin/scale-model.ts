import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/functions.js';
import { FUNCTIONS, QUEUES, type FunctionSpec } from '../lib/topology.js';
import { DEMO_LOCATIONS } from '../lib/local/demo-data.js';
import { BACKORDER_SHARDS, PLACED_DAY_SHARDS } from '../functions/domain/order-index.js';
import { CAPACITY_SHARDS } from '../functions/domain/routing/capacity-shards.js';
import { OPEN_WORK_SHARDS } from '../functions/domain/fulfillment/open-work-shards.js';

/**
 * `npm run scale-model`: what the stack sustains in AWS, and what a million orders cost, from
 * the per-order work `npm run bench:pipeline` measured on the local runtime (every SDK call and
 * function invocation, by function, in docs/measured-costs.json) and the service limits and
 * list prices below. docs/scale.md explains each figure; this script is where they come from.
 */
const measured = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs', 'measured-costs.json'), 'utf8')) as {
  measuredAt: string;
  /** CAPACITY_SHARDS when the run was measured; absent in runs from before the bench wrote it. */
  capacityShards?: number;
  loadAverage: number[];
  orders: number;
  perOrder: {
    calls: Record<string, { count: number; items: number }>;
    invocations: Record<string, { count: number; totalMs: number }>;
  };
};

/** The goals of issue #13. */
const GOAL = { ordersPerSecond: 1_000, flashSaleReservationsPerSecond: 5_000 };

/** Default quotas (us-east-1), from the AWS documentation; most are adjustable on request. */
const LIMITS = {
  apiGatewayAccountRps: 10_000,
  lambdaAccountConcurrency: 1_000,
  /** One partition, so one item: write units and read units a second. */
  dynamoPartitionWcu: 1_000,
  dynamoPartitionRcu: 3_000,
  /** On-demand tables' default per-table throughput quota. */
  dynamoTableOnDemandUnits: 40_000,
  eventBridgePutEventsTps: 10_000,
  eventBridgeInvocationsTps: 18_750,
};

/**
 * AWS latencies the model assumes per call, in-region (DynamoDB's single-digit-millisecond
 * figures; a transaction is two-phase). DynamoDB Local on a shared laptop is far slower and
 * says nothing about these, so they are assumptions, stated in docs/scale.md.
 */
const LATENCY_MS: Record<string, number> = {
  Get: 4,
  Put: 5,
  Update: 5,
  Query: 6,
  BatchGet: 7,
  TransactWrite: 12,
  TransactGet: 8,
  PutEvents: 15,
  GetSecretValue: 20,
};
/** Handler time that is not a round trip: middy, Powertools, zod, the routing decision. */
const CPU_MS_PER_INVOCATION = 3;

/** us-east-1 list prices, in USD (sources in docs/scale.md). */
const PRICE = {
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  httpApiPerMillion: 1.0,
  dynamoPerMillionWru: 0.625,
  dynamoPerMillionRru: 0.125,
  eventBridgePerMillionEvents: 1.0,
  sqsPerMillionRequests: 0.4,
};

/** Calls the runtime makes in AWS for free or that Lambda's event source mappings make for us. */
const NOT_BILLED_AS_DYNAMODB = new Set(['DescribeStream', 'GetShardIterator', 'GetRecords', 'ListStreams']);
const DYNAMODB_WRITES = new Set(['Put', 'Update', 'Delete', 'BatchWrite']);
const DYNAMODB_READS = new Set(['Get', 'Query', 'BatchGet', 'Scan']);

const specsById = new Map((Object.values(FUNCTIONS) as FunctionSpec[]).map((spec) => [spec.id, spec]));

interface FunctionModel {
  id: string;
  invocationsPerOrder: number;
  roundTripsPerInvocation: number;
  durationMs: number;
  memoryMb: number;
}

const calls = Object.entries(measured.perOrder.calls).map(([key, value]) => {
  const [fn, op] = key.split(' ') as [string, string];
  return { fn, op, ...value };
});

const functions: FunctionModel[] = Object.entries(measured.perOrder.invocations).map(([id, invocation]) => {
  const own = calls.filter((call) => call.fn === id);
  const perInvocation = (count: number) => count / invocation.count;
  const durationMs =
    CPU_MS_PER_INVOCATION +
    own.reduce((sum, call) => sum + perInvocation(call.count) * (LATENCY_MS[call.op] ?? 10), 0);
  return {
    id,
    invocationsPerOrder: invocation.count,
    roundTripsPerInvocation: perInvocation(own.reduce((sum, call) => sum + call.count, 0)),
    durationMs,
    memoryMb: specsById.get(id)?.memoryMb ?? 512,
  };
});

/**
 * Each routing decision reads every capacity counter shard of every active location with a daily
 * capacity (getCapacityUsed in functions/data/routing-repository.ts: one consistent read per key,
 * found or not). A run records the shard count it ran with. One that does not ran code from
 * before the sharding, whatever its date says (the committed run of 2026-12-01 21:42 is dated
 * after the merge, yet its router sent 9 BatchGet keys per order: 2 product reads and one counter
 * for each of the demo network's 7 locations, not 7 × 4): the model adds the reads it did not see.
 */
const measuredCapacityShards = measured.capacityShards ?? 1;
const capacityLocations = DEMO_LOCATIONS.filter((location) => location.dailyCapacity !== undefined).length;
const unmeasuredCapacityReads = capacityLocations * (CAPACITY_SHARDS - measuredCapacityShards);

/**
 * Index entries a new fulfillment order writes beside its item (lib/tables.ts): byFulfillmentOrder,
 * byWorkQueue and openWorkByDueBy. The measured orders have one line, so one fulfillment order.
 */
const FULFILLMENT_ORDER_INDEX_ENTRIES = 3;
/**
 * Writes of a fulfillment order's openWorkByDueBy entry while it is open: created, accepted,
 * picked, packed, and its removal when it ships (functions/domain/fulfillment/open-work-shards.ts).
 * The pipeline measures the first only; the others follow at the same rate once work flows.
 */
const OPEN_WORK_ENTRY_WRITES = 5;

/** Units per order: one per item written (items here are under 1 KB) or read (under 4 KB). */
const dynamo = calls
  .filter((call) => call.fn !== 'bench' && !NOT_BILLED_AS_DYNAMODB.has(call.op))
  .reduce(
    (units, call) => {
      if (call.op === 'TransactWrite') units.wru += 2 * call.items;
      else if (DYNAMODB_WRITES.has(call.op)) units.wru += call.items;
      else if (DYNAMODB_READS.has(call.op)) units.rru += call.items;
      else if (call.op === 'TransactGet') units.rru += 2 * call.items;
      return units;
    },
    // Every write of the order item also writes its index entries: byCustomer (every write) and
    // byPlacedDay (writes that change what a summary shows: the status), once at ingest and once
    // when routed; the new fulfillment order writes its own. backordersWaiting is written only
    // for orders that wait for stock.
    { wru: 2 * 2 + FULFILLMENT_ORDER_INDEX_ENTRIES, rru: unmeasuredCapacityReads },
  );
const eventsPerOrder = calls
  .filter((call) => call.op === 'PutEvents')
  .reduce((sum, call) => sum + call.items, 0);
const router = functions.find((fn) => fn.id === FUNCTIONS.routeOrders.id);
if (!router) throw new Error('The measurement has no route-orders invocation: run `npm run bench:pipeline`.');
const routerCalls = calls.filter((call) => call.fn === FUNCTIONS.routeOrders.id);
const routerMsPerOrder =
  CPU_MS_PER_INVOCATION / QUEUES.routing.consumer.batchSize +
  routerCalls.reduce((sum, call) => sum + call.count * (LATENCY_MS[call.op] ?? 10), 0);

function concurrencyAt(ordersPerSecond: number, fn: FunctionModel): number {
  if (fn.id === router?.id) return (ordersPerSecond * routerMsPerOrder) / 1000;
  return (ordersPerSecond * fn.invocationsPerOrder * fn.durationMs) / 1000;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const totalConcurrency = (rate: number) => functions.reduce((sum, fn) => sum + concurrencyAt(rate, fn), 0);

/** The rate at which each component reaches its limit, lowest first: where the design saturates. */
const ceilings = [
  { component: 'API Gateway account quota (requests/s)', ordersPerSecond: LIMITS.apiGatewayAccountRps },
  {
    component: 'Lambda account concurrency (all functions)',
    ordersPerSecond: LIMITS.lambdaAccountConcurrency / (totalConcurrency(1) || 1),
  },
  {
    component: 'EventBridge PutEvents (entries/s, if each entry counts)',
    ordersPerSecond: LIMITS.eventBridgePutEventsTps / (eventsPerOrder || 1),
  },
  {
    component: 'DynamoDB on-demand table quota (write units/s, all tables)',
    ordersPerSecond: LIMITS.dynamoTableOnDemandUnits / dynamo.wru,
  },
  {
    component: 'DynamoDB on-demand table quota (read units/s, all tables)',
    ordersPerSecond: LIMITS.dynamoTableOnDemandUnits / dynamo.rru,
  },
  {
    component: `one location taking every order: its day's ${CAPACITY_SHARDS} capacity counter shards (2 write units per fulfillment order)`,
    ordersPerSecond: (LIMITS.dynamoPartitionWcu * CAPACITY_SHARDS) / 2,
  },
  {
    component: `byPlacedDay index: today's ${PLACED_DAY_SHARDS} partitions (2 entry writes per order)`,
    ordersPerSecond: (LIMITS.dynamoPartitionWcu * PLACED_DAY_SHARDS) / 2,
  },
  {
    component: `openWorkByDueBy index: ${OPEN_WORK_SHARDS} partitions (${OPEN_WORK_ENTRY_WRITES} entry writes per fulfillment order)`,
    ordersPerSecond: (LIMITS.dynamoPartitionWcu * OPEN_WORK_SHARDS) / OPEN_WORK_ENTRY_WRITES,
  },
  {
    component: `backordersWaiting index: ${BACKORDER_SHARDS} partitions, every order backordered (a sold-out sale)`,
    ordersPerSecond: LIMITS.dynamoPartitionWcu * BACKORDER_SHARDS,
  },
].sort((a, b) => a.ordersPerSecond - b.ordersPerSecond);

/** Hot-SKU stock shards a flash sale needs: each reservation is a transactional write (2 units). */
const flashSaleShards = Math.ceil(
  (GOAL.flashSaleReservationsPerSecond * 2) / (LIMITS.dynamoPartitionWcu * 0.8),
);
/**
 * Router concurrency for the flash sale's rate (the higher goal), with a fifth of headroom, rounded
 * up to a multiple of 50 so that one bench run's noise does not move the setting.
 */
const routerMaxConcurrency =
  Math.ceil((((GOAL.flashSaleReservationsPerSecond * routerMsPerOrder) / 1000) * 1.2) / 50) * 50;

const million = 1_000_000;
const lambdaRequests = functions.reduce((sum, fn) => sum + fn.invocationsPerOrder, 0) * million;
const gbSeconds = functions.reduce(
  (sum, fn) => sum + fn.invocationsPerOrder * million * (fn.durationMs / 1000) * (fn.memoryMb / 1024),
  0,
);
// One SendMessage per routing event (the rule's target), a ReceiveMessage and a DeleteMessageBatch
// per batch of ten, and the pollers' empty receives, which Lambda keeps to a few per second.
const sqsRequestsPerOrder = 1 + 2 / QUEUES.routing.consumer.batchSize;
const cost = {
  'API Gateway (HTTP API)': PRICE.httpApiPerMillion,
  'Lambda requests': (lambdaRequests / million) * PRICE.lambdaPerMillionRequests,
  'Lambda GB-s (arm64)': gbSeconds * PRICE.lambdaArmPerGbSecond,
  'DynamoDB write units': dynamo.wru * PRICE.dynamoPerMillionWru,
  'DynamoDB read units': dynamo.rru * PRICE.dynamoPerMillionRru,
  'EventBridge events': eventsPerOrder * PRICE.eventBridgePerMillionEvents,
  'SQS requests': sqsRequestsPerOrder * PRICE.sqsPerMillionRequests,
};
const totalCost = Object.values(cost).reduce((sum, value) => sum + value, 0);

console.log(
  `Measured ${measured.orders} orders on ${measured.measuredAt.slice(0, 10)} (load average ${measured.loadAverage.join(' → ')}).\n`,
);
console.table(
  functions.map((fn) => ({
    function: fn.id,
    'invocations/order': round(fn.invocationsPerOrder, 3),
    'round trips/invocation': round(fn.roundTripsPerInvocation),
    'modelled ms': round(fn.durationMs),
    'memory MB': fn.memoryMb,
    [`concurrency @ ${GOAL.ordersPerSecond}/s`]: round(concurrencyAt(GOAL.ordersPerSecond, fn)),
  })),
);
console.log(
  `DynamoDB per order: ${round(dynamo.wru)} write units, ${round(dynamo.rru)} read units; ` +
    `EventBridge: ${round(eventsPerOrder, 2)} events; router: ${round(routerMsPerOrder)} ms of round trips per order.`,
);
console.log('\nWhere the design saturates (orders/s), lowest first:');
console.table(
  ceilings.map((ceiling) => ({ ...ceiling, ordersPerSecond: Math.floor(ceiling.ordersPerSecond) })),
);
console.log(
  `Flash sale at ${GOAL.flashSaleReservationsPerSecond} reservations/s on one SKU: ${flashSaleShards} stock shards ` +
    `(80 % of ${LIMITS.dynamoPartitionWcu} write units each); router maxConcurrency ${routerMaxConcurrency} ` +
    `(lib/topology.ts has ${QUEUES.routing.consumer.maxConcurrency}).`,
);
console.log('\nCost of 1,000,000 orders (USD, us-east-1 list prices, before free tiers):');
console.table(Object.entries(cost).map(([item, usd]) => ({ item, usd: round(usd, 2) })));
console.log(`total ≈ $${totalCost.toFixed(2)} per million orders`);
