import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  emptyCounts,
  emptyMeasures,
  FULFILLMENT_COUNTERS,
  FULFILLMENT_HISTOGRAMS,
  SALES_MEASURES,
  type Fact,
  type FulfillmentAggregate,
  type FulfillmentHistogram,
  type SalesAggregate,
  type SalesContribution,
  type SalesDimension,
} from '../domain/reports/model.js';
import type { Order } from '../domain/order.js';
import { ORDERS_TABLE, REPORTS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { toOrder } from './order-items.js';
import { orderKey } from './orders-repository.js';
import { queryAll } from './paging.js';

/**
 * The Reports table:
 *   FACT#<factId>              / FACT   a fact already counted (expires after MARKER_DAYS)
 *   SALES#<day>#<shard>        / [dimension, value, currency]   sales measures, added to
 *   FULFILLMENT#<day>#<shard>  / KPI    fulfillment counters and histogram buckets, added to
 * Facts are counted in transactions that put each fact's marker (on the condition that it does
 * not exist yet) together with the increments of every aggregate it touches, summed over the
 * batch: a fact is counted once, whatever the stream delivers twice. A batch writes to one shard
 * of each day, so no item takes more than one transaction per batch of a stream shard; readers
 * add the SHARDS items of each day up.
 */
export const SHARDS = 4;
/** Beyond a stream's 24 hours and the 14 days a failed batch is kept for its replay. */
export const MARKER_DAYS = 35;

const MAX_TRANSACTION_ITEMS = 100;
/** A fact touching more aggregates than this is counted in parts (an order of many SKUs). */
const MAX_KEYS_PER_PART = 60;
const MAX_CONFLICT_RETRIES = 8;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const salesKey = (
  day: string,
  shard: number,
  contribution: Pick<SalesContribution, 'dimension' | 'value' | 'currency'>,
) => ({
  pk: `SALES#${day}#${shard}`,
  sk: JSON.stringify([contribution.dimension, contribution.value, contribution.currency]),
});
const fulfillmentKey = (day: string, shard: number) => ({ pk: `FULFILLMENT#${day}#${shard}`, sk: 'KPI' });
const markerKey = (factId: string) => ({ pk: `FACT#${factId}`, sk: 'FACT' });
const histogramAttribute = (histogram: FulfillmentHistogram, bucket: number | string) =>
  `${histogram}_${bucket}`;

/** The increments of one aggregate item, summed over the facts of a transaction. */
interface Increment {
  key: { pk: string; sk: string };
  set: Record<string, string>;
  add: Map<string, number>;
}

/** Counts each fact once: facts already counted (a replay, a duplicate) are skipped. */
export async function countFacts(facts: readonly Fact[], shard: number, now: Date): Promise<void> {
  for (const group of groupsOf(facts.flatMap(partsOf))) await countGroup(group, shard, now);
}

function partsOf(fact: Fact): Fact[] {
  if (fact.sales.length <= MAX_KEYS_PER_PART) return [fact];
  const parts: Fact[] = [];
  for (let start = 0; start < fact.sales.length; start += MAX_KEYS_PER_PART) {
    parts.push({
      factId: `${fact.factId}#${parts.length}`,
      day: fact.day,
      sales: fact.sales.slice(start, start + MAX_KEYS_PER_PART),
      fulfillment: start === 0 ? fact.fulfillment : {},
      histograms: start === 0 ? fact.histograms : {},
    });
  }
  return parts;
}

/** Facts in groups whose markers and aggregates fit one transaction. */
function groupsOf(facts: readonly Fact[]): Fact[][] {
  const groups: Fact[][] = [];
  let current: Fact[] = [];
  let keys = new Set<string>();
  for (const fact of facts) {
    const factKeys = keysOf(fact, 0);
    const added = factKeys.filter((key) => !keys.has(key)).length;
    if (current.length > 0 && current.length + 1 + keys.size + added > MAX_TRANSACTION_ITEMS) {
      groups.push(current);
      current = [];
      keys = new Set();
    }
    current.push(fact);
    for (const key of factKeys) keys.add(key);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function keysOf(fact: Fact, shard: number): string[] {
  const keys = fact.sales.map((contribution) => JSON.stringify(salesKey(fact.day, shard, contribution)));
  const hasFulfillment = Object.keys(fact.fulfillment).length > 0 || Object.keys(fact.histograms).length > 0;
  return hasFulfillment ? [...keys, JSON.stringify(fulfillmentKey(fact.day, shard))] : keys;
}

async function countGroup(facts: Fact[], shard: number, now: Date): Promise<void> {
  let pending = facts;
  for (let conflicts = 0; pending.length > 0;) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: transactionOf(pending, shard, now) }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons: CancellationReason[] = error.CancellationReasons ?? [];
      // Markers come first in the transaction: a failed condition there is a fact counted before.
      const counted = new Set(
        pending
          .filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed')
          .map((fact) => fact.factId),
      );
      if (counted.size > 0) {
        pending = pending.filter((fact) => !counted.has(fact.factId));
        continue;
      }
      if (
        !reasons.some((reason) => reason.Code === 'TransactionConflict') ||
        ++conflicts > MAX_CONFLICT_RETRIES
      )
        throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(conflicts, 6) * Math.random()));
    }
  }
}

function transactionOf(facts: readonly Fact[], shard: number, now: Date): TransactItem[] {
  const table = tableName(REPORTS_TABLE.envVar);
  const expiresAt = Math.floor(now.getTime() / 1000) + MARKER_DAYS * 86_400;
  const markers: TransactItem[] = facts.map((fact) => ({
    Put: {
      TableName: table,
      Item: { ...markerKey(fact.factId), entityType: 'ReportFact', day: fact.day, expiresAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }));
  const increments = new Map<string, Increment>();
  const incrementOf = (key: { pk: string; sk: string }, set: Record<string, string>) => {
    const id = JSON.stringify(key);
    let increment = increments.get(id);
    if (!increment) increments.set(id, (increment = { key, set, add: new Map() }));
    return increment;
  };
  const add = (increment: Increment, attribute: string, value: number) => {
    if (value !== 0) increment.add.set(attribute, (increment.add.get(attribute) ?? 0) + value);
  };
  for (const fact of facts) {
    for (const contribution of fact.sales) {
      const increment = incrementOf(salesKey(fact.day, shard, contribution), {
        entityType: 'SalesAggregate',
        day: fact.day,
        dimension: contribution.dimension,
        currency: contribution.currency,
        ...(contribution.value !== null && { value: contribution.value }),
      });
      for (const [measure, value] of Object.entries(contribution.measures)) add(increment, measure, value);
    }
    const counters = Object.entries(fact.fulfillment);
    const histograms = Object.entries(fact.histograms) as [FulfillmentHistogram, Record<number, number>][];
    if (counters.length === 0 && histograms.length === 0) continue;
    const increment = incrementOf(fulfillmentKey(fact.day, shard), {
      entityType: 'FulfillmentAggregate',
      day: fact.day,
    });
    for (const [counter, value] of counters) add(increment, counter, value);
    for (const [histogram, buckets] of histograms) {
      for (const [bucket, count] of Object.entries(buckets))
        add(increment, histogramAttribute(histogram, bucket), count);
    }
  }
  return [
    ...markers,
    ...[...increments.values()]
      .filter((increment) => increment.add.size > 0)
      .map((increment) => updateOf(table, increment)),
  ];
}

function updateOf(table: string, increment: Increment): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(increment.set).map(([attribute, value], index) => {
    names[`#s${index}`] = attribute;
    values[`:s${index}`] = value;
    return `#s${index} = :s${index}`;
  });
  const adds = [...increment.add].map(([attribute, value], index) => {
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = value;
    return `#a${index} :a${index}`;
  });
  return {
    Update: {
      TableName: table,
      Key: increment.key,
      UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Runs `task` on every item, at most `limit` at a time. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R[]>,
): Promise<R[]> {
  const results: R[][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!);
      }
    }),
  );
  return results.flat();
}

const dayShards = (days: readonly string[]) =>
  days.flatMap((day) => Array.from({ length: SHARDS }, (_, shard) => ({ day, shard })));

/** The sales aggregates of these days, every shard, consistent. */
export async function readSalesAggregates(days: readonly string[]): Promise<SalesAggregate[]> {
  return inParallel(dayShards(days), 16, async ({ day, shard }) => {
    const items = await queryAll({
      TableName: tableName(REPORTS_TABLE.envVar),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `SALES#${day}#${shard}` },
      ConsistentRead: true,
    });
    return items.map(toSalesAggregate);
  });
}

function toSalesAggregate(item: Record<string, unknown>): SalesAggregate {
  const measures = emptyMeasures();
  for (const measure of SALES_MEASURES) measures[measure] = Number(item[measure] ?? 0);
  return {
    day: String(item.day),
    dimension: item.dimension as SalesDimension,
    value: typeof item.value === 'string' ? item.value : null,
    currency: String(item.currency),
    measures,
  };
}

/** The fulfillment aggregates of these days, every shard, consistent. */
export async function readFulfillmentAggregates(days: readonly string[]): Promise<FulfillmentAggregate[]> {
  const keys = dayShards(days).map(({ day, shard }) => fulfillmentKey(day, shard));
  const chunks = Array.from({ length: Math.ceil(keys.length / 100) }, (_, index) =>
    keys.slice(index * 100, index * 100 + 100),
  );
  return inParallel(chunks, 4, (chunk) =>
    batchGet(tableName(REPORTS_TABLE.envVar), chunk, toFulfillmentAggregate),
  );
}

function toFulfillmentAggregate(item: Record<string, unknown>): FulfillmentAggregate {
  const counts = emptyCounts();
  for (const counter of FULFILLMENT_COUNTERS) counts[counter] = Number(item[counter] ?? 0);
  const histograms = Object.fromEntries(
    FULFILLMENT_HISTOGRAMS.map((histogram) => [
      histogram,
      Object.fromEntries(
        Object.entries(item)
          .filter(([attribute]) => attribute.startsWith(`${histogram}_`))
          .map(([attribute, count]) => [Number(attribute.slice(histogram.length + 1)), Number(count)]),
      ),
    ]),
  ) as FulfillmentAggregate['histograms'];
  return { day: String(item.day), counts, histograms };
}

async function batchGet<R>(
  table: string,
  keys: readonly Record<string, string>[],
  map: (item: Record<string, unknown>) => R,
): Promise<R[]> {
  const results: R[] = [];
  let requested: Record<string, unknown>[] = [...keys];
  for (let attempt = 0; requested.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** Math.min(attempt, 5)));
    const { Responses, UnprocessedKeys } = await dynamo().send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: requested, ConsistentRead: true } } }),
    );
    for (const item of Responses?.[table] ?? []) results.push(map(item));
    requested = (UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    if (attempt > 10 && requested.length > 0)
      throw new Error('DynamoDB kept keys of a BatchGetItem unprocessed.');
  }
  return results;
}

/** The orders of these ids as stored (consistent), those that exist. */
export async function getOrdersById(orderIds: readonly string[]): Promise<Map<string, Order>> {
  const unique = [...new Set(orderIds)];
  const chunks = Array.from({ length: Math.ceil(unique.length / 100) }, (_, index) =>
    unique.slice(index * 100, index * 100 + 100).map(orderKey),
  );
  const orders = await inParallel(chunks, 4, (chunk) =>
    batchGet(tableName(ORDERS_TABLE.envVar), chunk, toOrder),
  );
  return new Map(orders.map((order) => [order.orderId, order]));
}

/** The fulfillment orders of the order created at `decidedAt`: those of one routing commit. */
export async function fulfillmentOrdersCreatedAt(
  orderId: string,
  decidedAt: string,
): Promise<{ locationId: string; kind: string }[]> {
  const items = await queryAll({
    TableName: tableName(ORDERS_TABLE.envVar),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fo)',
    FilterExpression: 'createdAt = :at',
    ProjectionExpression: 'locationId, kind',
    ExpressionAttributeValues: { ':pk': orderKey(orderId).pk, ':fo': 'FO#', ':at': decidedAt },
    ConsistentRead: true,
  });
  return items.map((item) => ({ locationId: String(item.locationId), kind: String(item.kind) }));
}
