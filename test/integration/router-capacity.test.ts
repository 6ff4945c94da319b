import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { putLocation } from '../../functions/data/config-repository.js';
import { releaseFulfillmentLines } from '../../functions/data/fulfillment-changes.js';
import { dynamo } from '../../functions/data/dynamo.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { getOrder } from '../../functions/data/orders-repository.js';
import * as routingRepository from '../../functions/data/routing-repository.js';
import { capacityKey } from '../../functions/data/routing-repository.js';
import { DEFAULT_RULE_SET } from '../../functions/data/rules-repository.js';
import type { Order } from '../../functions/domain/order.js';
import {
  CAPACITY_SHARDS,
  preferredCapacityShard,
  shardShare,
} from '../../functions/domain/routing/capacity-shards.js';
import { parseRuleSet } from '../../functions/domain/routing/rules.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { routeOrder, type RouteOrderDeps } from '../../functions/routing/route-order.js';
import { anActor } from '../helpers/factories.js';
import { aStoreNorthOfLisbon } from '../helpers/records.js';
import { aStoredOrder, routeAsTheQueueWould } from '../helpers/routing.js';
import { useLocalTables } from '../helpers/tables.js';

/** 23:30 UTC on the 22nd: still the 22nd in Lisbon, already the 23rd in Berlin. */
const NOW = '2026-11-22T23:30:00.000Z';

/** The built-in rules, with the capacity filter on: a full location is not a candidate. */
const CAPACITY_RULES = parseRuleSet({
  ...DEFAULT_RULE_SET,
  ruleSetId: 'capacity-rules',
  strategies: DEFAULT_RULE_SET.strategies.map((strategy) => ({
    ...strategy,
    filters: { ...strategy.filters, requireCapacity: true },
  })),
});

const deps: RouteOrderDeps = {
  ...routerDeps,
  getActiveRuleSet: () => Promise.resolve(CAPACITY_RULES),
  now: () => new Date(NOW),
};

const aStoredOrderOf = (sku: string) => aStoredOrder({ lines: [{ sku, quantity: 1 }] });

async function storedCounter(locationId: string, day: string, shard = 0) {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: process.env.INVENTORY_TABLE,
      Key: capacityKey(locationId, day, shard),
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** A location's use of the day: the sum over its counter's shards. */
async function dayUse(locationId: string, day: string): Promise<number> {
  const shards = await Promise.all(
    Array.from({ length: CAPACITY_SHARDS }, (_, shard) => storedCounter(locationId, day, shard)),
  );
  return shards.reduce((sum, item) => sum + Number(item?.used ?? 0), 0);
}

/** Sets one shard's count, as other orders would have. */
async function fillShard(locationId: string, day: string, shard: number, used: number) {
  await dynamo().send(
    new PutCommand({
      TableName: process.env.INVENTORY_TABLE,
      Item: { ...capacityKey(locationId, day, shard), entityType: 'CapacityCounter', used },
    }),
  );
}

beforeAll(async () => {
  await useLocalTables();
});

describe('daily capacity on DynamoDB Local', () => {
  it('sends the third order of the day to the next store when the nearest one can take two', async () => {
    await putLocation(aStoreNorthOfLisbon('cap-near', 5, { dailyCapacity: 2 }));
    await putLocation(aStoreNorthOfLisbon('cap-next', 20));
    for (const locationId of ['cap-near', 'cap-next']) {
      await putStockLevel(newStockLevel({ sku: 'CAP-SKU', locationId, onHand: 10, now: NOW }));
    }
    const orders = [
      await aStoredOrderOf('CAP-SKU'),
      await aStoredOrderOf('CAP-SKU'),
      await aStoredOrderOf('CAP-SKU'),
    ];

    for (const order of orders) await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    const shippedFrom = await Promise.all(
      orders.map(async (order) =>
        (await routingRepository.listFulfillmentOrders(order.orderId)).map((fo) => fo.locationId),
      ),
    );
    expect(shippedFrom).toEqual([['cap-near'], ['cap-near'], ['cap-next']]);
    expect(await dayUse('cap-near', '2026-11-22')).toBe(2);
    expect(await dayUse('cap-next', '2026-11-22')).toBe(1);
    const third = (await getOrder(orders[2]!.orderId)) as Order & { routing: unknown };
    expect(JSON.stringify(third.routing)).toContain('at daily capacity (2 of 2 used)');
  });

  it('never gives a store more than its capacity when orders race for its last slots', async () => {
    await putLocation(aStoreNorthOfLisbon('race-near', 5, { dailyCapacity: 2 }));
    await putLocation(aStoreNorthOfLisbon('race-next', 20));
    for (const locationId of ['race-near', 'race-next']) {
      await putStockLevel(newStockLevel({ sku: 'RACE-SKU', locationId, onHand: 10, now: NOW }));
    }
    const orders = await Promise.all(Array.from({ length: 6 }, () => aStoredOrderOf('RACE-SKU')));
    await Promise.all(
      orders.map((order) =>
        routeAsTheQueueWould(() => routeOrder(deps, { kind: 'route', orderId: order.orderId })),
      ),
    );

    const shippedFrom = (
      await Promise.all(orders.map((order) => routingRepository.listFulfillmentOrders(order.orderId)))
    ).flatMap((fos) => fos.map((fo) => fo.locationId));
    expect(shippedFrom.filter((id) => id === 'race-near')).toHaveLength(2);
    expect(shippedFrom.filter((id) => id === 'race-next')).toHaveLength(4);
    expect(await dayUse('race-near', '2026-11-22')).toBe(2);
  });

  it('refuses a commit that would go past the capacity, naming the location, and writes nothing', async () => {
    await putLocation(aStoreNorthOfLisbon('cap-full', 5, { dailyCapacity: 1 }));
    await putStockLevel(newStockLevel({ sku: 'FULL-SKU', locationId: 'cap-full', onHand: 10, now: NOW }));
    const first = await aStoredOrderOf('FULL-SKU');
    const second = await aStoredOrderOf('FULL-SKU');
    const commitFor = (order: Order) => ({
      orderId: order.orderId,
      expectedVersion: order.version,
      commitId: ulid(),
      status: 'ROUTED' as const,
      plan: {
        outcome: 'routed' as const,
        ruleSetId: 'capacity-rules',
        ruleSetVersion: 1,
        fulfillmentOrders: [],
        unplaced: [],
        explanation: { strategiesTried: [], candidates: [], decision: [] },
      },
      fulfillmentOrders: [],
      reservations: [{ sku: 'FULL-SKU', locationId: 'cap-full', quantity: 1 }],
      capacity: [{ locationId: 'cap-full', day: '2026-11-22', count: 1, limit: 1 }],
      now: NOW,
    });

    const accepted = await routingRepository.commitRoutingPlan(commitFor(first));
    const refused = await routingRepository.commitRoutingPlan(commitFor(second));

    expect(accepted.kind).toBe('committed');
    expect(refused).toEqual({
      kind: 'capacity_conflict',
      locationId: 'cap-full',
      orderVersion: second.version,
    });
    expect(await storedCounter('cap-full', '2026-11-22')).toMatchObject({
      used: 1,
      entityType: 'CapacityCounter',
      expiresAt: Date.parse(NOW) / 1000 + 7 * 24 * 3600,
    });
    expect(await getOrder(second.orderId)).toMatchObject({ status: 'RECEIVED', version: second.version });
  });
  it("counts an order on another shard with room when its own shard's share is used up", async () => {
    await putLocation(aStoreNorthOfLisbon('shard-fallback', 5, { dailyCapacity: 8 }));
    await putStockLevel(
      newStockLevel({ sku: 'SHARD-SKU', locationId: 'shard-fallback', onHand: 10, now: NOW }),
    );
    const order = await aStoredOrderOf('SHARD-SKU');
    const own = preferredCapacityShard(order.orderId);
    await fillShard('shard-fallback', '2026-11-22', own, shardShare(8, own));

    await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    const [fo] = await routingRepository.listFulfillmentOrders(order.orderId);
    const next = (own + 1) % CAPACITY_SHARDS;
    expect(fo).toMatchObject({ locationId: 'shard-fallback', capacityShard: next });
    expect(await storedCounter('shard-fallback', '2026-11-22', next)).toMatchObject({ used: 1 });
    expect(await dayUse('shard-fallback', '2026-11-22')).toBe(shardShare(8, own) + 1);
  });

  it('sends the order elsewhere when every shard of the location is at its share', async () => {
    await putLocation(aStoreNorthOfLisbon('shards-full', 5, { dailyCapacity: 6 }));
    await putLocation(aStoreNorthOfLisbon('shards-next', 20));
    for (const locationId of ['shards-full', 'shards-next']) {
      await putStockLevel(newStockLevel({ sku: 'FULL-SHARDS', locationId, onHand: 10, now: NOW }));
    }
    for (let shard = 0; shard < CAPACITY_SHARDS; shard++) {
      await fillShard('shards-full', '2026-11-22', shard, shardShare(6, shard));
    }
    const order = await aStoredOrderOf('FULL-SHARDS');

    await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    const [fo] = await routingRepository.listFulfillmentOrders(order.orderId);
    expect(fo?.locationId).toBe('shards-next');
    expect(await dayUse('shards-full', '2026-11-22')).toBe(6);
  });

  it('gives a canceled fulfillment order its unit back on the shard it counted on', async () => {
    await putLocation(aStoreNorthOfLisbon('shard-giveback', 5, { dailyCapacity: 8 }));
    await putStockLevel(
      newStockLevel({ sku: 'GIVE-SKU', locationId: 'shard-giveback', onHand: 10, now: NOW }),
    );
    const order = await aStoredOrderOf('GIVE-SKU');
    const own = preferredCapacityShard(order.orderId);
    // Its own shard is full: it counts on the next, and must give back there, not on its own.
    await fillShard('shard-giveback', '2026-11-22', own, shardShare(8, own));
    await routeOrder(deps, { kind: 'route', orderId: order.orderId });
    const [fo] = await routingRepository.listFulfillmentOrders(order.orderId);
    const counted = fo!.capacityShard!;
    expect(counted).not.toBe(own);

    await releaseFulfillmentLines({
      fulfillmentOrderId: fo!.fulfillmentOrderId,
      release: { reason: 'customer canceled', outcome: 'CANCELED' },
      actor: anActor({ sub: 'cs-1', role: 'customer_service' }),
      now: () => NOW,
    });

    expect(await storedCounter('shard-giveback', '2026-11-22', counted)).toMatchObject({ used: 0 });
    expect(await storedCounter('shard-giveback', '2026-11-22', own)).toMatchObject({
      used: shardShare(8, own),
    });
  });
});
