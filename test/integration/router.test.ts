import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { putLocation } from '../../functions/data/config-repository.js';
import { dynamo } from '../../functions/data/dynamo.js';
import { putStockLevel, stockKey } from '../../functions/data/inventory-repository.js';
import { createOrder, getOrder } from '../../functions/data/orders-repository.js';
import * as routingRepository from '../../functions/data/routing-repository.js';
import type { Order } from '../../functions/domain/order.js';
import type { RoutingPlan } from '../../functions/domain/routing/index.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { routeOrder, type RouteOrderDeps, type RoutableOrder } from '../../functions/routing/route-order.js';
import { anOrder, anOrderItem, aStoreNorthOfLisbon } from '../helpers/records.js';
import { useLocalTables } from '../helpers/tables.js';

/** The customer of the contract example lives in Lisbon; stores sit north of them. */
const NOW = '2026-11-22T10:05:00.000Z';

const deps: RouteOrderDeps = {
  ...routerDeps,
  now: () => new Date(NOW),
};

async function stockAt(sku: string, locationId: string, onHand: number) {
  await putStockLevel(newStockLevel({ sku, locationId, onHand, now: NOW }));
}

async function storedStock(sku: string, locationId: string) {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: process.env.INVENTORY_TABLE,
      Key: stockKey(sku, locationId),
      ConsistentRead: true,
    }),
  );
  return Item as { onHand: number; reserved: number; available: number };
}

async function fulfillmentOrdersOf(orderId: string) {
  return routingRepository.listFulfillmentOrders(orderId);
}

async function reservationMarkers(sku: string) {
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: process.env.INVENTORY_TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :res)',
      ExpressionAttributeValues: { ':pk': `SKU#${sku}`, ':res': 'RES#' },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

/** Commits below exercise the reservations alone: the plan only feeds the order's routing record. */
function aPlanWithoutShipments(): RoutingPlan {
  return {
    outcome: 'routed',
    ruleSetId: 'test',
    ruleSetVersion: 1,
    fulfillmentOrders: [],
    unplaced: [],
    explanation: { strategiesTried: [], candidates: [], decision: [] },
  };
}

let orderSequence = 0;

/** Stores a RECEIVED order for these lines, shipped to the Lisbon customer of the contract example. */
async function aStoredOrder(lines: { sku: string; quantity: number }[]): Promise<Order> {
  orderSequence += 1;
  const orderId = `01JDROUTER${String(orderSequence).padStart(16, '0')}`;
  const order = anOrder(
    { orderId },
    {
      externalId: `R-${orderSequence}`,
      lines: lines.map((line, index) => ({ lineId: String(index + 1), unitPrice: 1000, ...line })),
      totals: undefined,
    },
  );
  await createOrder(order);
  return order;
}

/** Plain batch writes: the routing under test needs the orders, not the channel keys beside them. */
async function storeOrdersInBulk(
  count: number,
  lines: { sku: string; quantity: number }[],
): Promise<Order[]> {
  const orders = Array.from({ length: count }, () => {
    orderSequence += 1;
    return anOrder(
      { orderId: `01JDFLASH${String(orderSequence).padStart(17, '0')}` },
      {
        externalId: `F-${orderSequence}`,
        lines: lines.map((line, index) => ({ lineId: String(index + 1), unitPrice: 1000, ...line })),
        totals: undefined,
      },
    );
  });
  await dynamo().send(
    new BatchWriteCommand({
      RequestItems: {
        [process.env.ORDERS_TABLE!]: orders.map((order) => ({ PutRequest: { Item: anOrderItem(order) } })),
      },
    }),
  );
  return orders;
}

beforeAll(async () => {
  await useLocalTables();
});

describe('the router on DynamoDB Local', () => {
  it('splits an order over the nearest stores that hold each SKU and reserves the stock', async () => {
    await Promise.all(
      [
        aStoreNorthOfLisbon('split-a-near', 5),
        aStoreNorthOfLisbon('split-b-near', 8),
        aStoreNorthOfLisbon('split-far', 300),
      ].map(putLocation),
    );
    await stockAt('SPLIT-A', 'split-a-near', 5);
    await stockAt('SPLIT-B', 'split-b-near', 5);
    await stockAt('SPLIT-A', 'split-far', 50);
    const order = await aStoredOrder([
      { sku: 'SPLIT-A', quantity: 2 },
      { sku: 'SPLIT-B', quantity: 1 },
    ]);

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    const shipments = await fulfillmentOrdersOf(order.orderId);
    expect(shipments.map((fo) => [fo.locationId, fo.kind, fo.status, fo.lines]).sort()).toEqual([
      ['split-a-near', 'ship', 'CREATED', [{ lineId: '1', sku: 'SPLIT-A', quantity: 2 }]],
      ['split-b-near', 'ship', 'CREATED', [{ lineId: '2', sku: 'SPLIT-B', quantity: 1 }]],
    ]);
    expect(await storedStock('SPLIT-A', 'split-a-near')).toMatchObject({
      onHand: 5,
      reserved: 2,
      available: 3,
    });
    expect(await storedStock('SPLIT-B', 'split-b-near')).toMatchObject({
      onHand: 5,
      reserved: 1,
      available: 4,
    });
    expect(await storedStock('SPLIT-A', 'split-far')).toMatchObject({ reserved: 0, available: 50 });
    const stored = (await getOrder(order.orderId)) as RoutableOrder & { routing: Record<string, unknown> };
    expect(stored.status).toBe('ROUTED');
    expect(stored.version).toBe(order.version + 1);
    expect(stored.routing).toMatchObject({
      ruleSetId: 'built-in-default',
      outcome: 'routed',
      strategy: 'nearest-with-stock',
      unplaced: [],
      decidedAt: NOW,
    });
    expect(JSON.stringify(stored.routing)).toContain('split-a-near');
  });

  it('never reserves twice for a message delivered again, one after the other or at once', async () => {
    await putLocation(aStoreNorthOfLisbon('retry-store', 5));
    await stockAt('RETRY-SKU', 'retry-store', 10);
    const once = await aStoredOrder([{ sku: 'RETRY-SKU', quantity: 3 }]);
    const twiceAtOnce = await aStoredOrder([{ sku: 'RETRY-SKU', quantity: 2 }]);

    const first = await routeOrder(deps, { kind: 'route', orderId: once.orderId });
    const again = await routeOrder(deps, { kind: 'route', orderId: once.orderId });
    const concurrent = await Promise.all([
      routeOrder(deps, { kind: 'route', orderId: twiceAtOnce.orderId }),
      routeOrder(deps, { kind: 'route', orderId: twiceAtOnce.orderId }),
    ]);

    expect(first.kind).toBe('committed');
    expect(again).toEqual({ kind: 'skipped', reason: 'order is ROUTED' });
    expect(concurrent.filter((result) => result.kind === 'committed')).toHaveLength(1);
    expect(await storedStock('RETRY-SKU', 'retry-store')).toMatchObject({ reserved: 5, available: 5 });
    expect(await reservationMarkers('RETRY-SKU')).toHaveLength(2);
    expect(await fulfillmentOrdersOf(twiceAtOnce.orderId)).toHaveLength(1);
  });

  it("routes again only a partially routed order's unplaced lines, reserving its placed ones once", async () => {
    await putLocation(aStoreNorthOfLisbon('partial-store', 5));
    await stockAt('PARTIAL-HELD', 'partial-store', 5);
    await stockAt('PARTIAL-LATE', 'partial-store', 0);
    const order = await aStoredOrder([
      { sku: 'PARTIAL-HELD', quantity: 1 },
      { sku: 'PARTIAL-LATE', quantity: 2 },
    ]);
    const retry = () => routeOrder(deps, { kind: 'route', orderId: order.orderId });

    const first = await retry();
    const tooEarly = await retry();
    await stockAt('PARTIAL-LATE', 'partial-store', 5);
    const afterReceipt = await retry();
    const redelivered = await retry();

    expect([first, tooEarly]).toMatchObject([
      { kind: 'committed', status: 'PARTIALLY_ROUTED' },
      { kind: 'committed', status: 'PARTIALLY_ROUTED' },
    ]);
    expect(afterReceipt).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    expect(redelivered).toEqual({ kind: 'skipped', reason: 'order is ROUTED' });
    const shipments = await fulfillmentOrdersOf(order.orderId);
    expect(shipments.map((fo) => fo.lines.map((line) => `${line.quantity} ${line.sku}`)).sort()).toEqual([
      ['1 PARTIAL-HELD'],
      ['2 PARTIAL-LATE'],
    ]);
    expect(await storedStock('PARTIAL-HELD', 'partial-store')).toMatchObject({ reserved: 1, available: 4 });
    expect(await storedStock('PARTIAL-LATE', 'partial-store')).toMatchObject({ reserved: 2, available: 3 });
    expect(await getOrder(order.orderId)).toMatchObject({ status: 'ROUTED', routing: { unplaced: [] } });
  });

  it('refuses a second reservation marker for the same order, SKU and location', async () => {
    await putLocation(aStoreNorthOfLisbon('marker-store', 5));
    await stockAt('MARKER-SKU', 'marker-store', 10);
    const order = await aStoredOrder([{ sku: 'MARKER-SKU', quantity: 1 }]);
    await routeOrder(deps, { kind: 'route', orderId: order.orderId });
    const routed = (await getOrder(order.orderId))!;

    const result = await routingRepository.commitRoutingPlan({
      orderId: order.orderId,
      expectedVersion: routed.version,
      commitId: 'replayed',
      status: 'ROUTED',
      plan: aPlanWithoutShipments(),
      fulfillmentOrders: [],
      reservations: [{ sku: 'MARKER-SKU', locationId: 'marker-store', quantity: 1 }],
      now: NOW,
    });

    expect(result).toEqual({ kind: 'already_reserved', sku: 'MARKER-SKU', locationId: 'marker-store' });
    expect(await storedStock('MARKER-SKU', 'marker-store')).toMatchObject({ reserved: 1, available: 9 });
  });

  it('gives back the units of a rejected fulfillment order and routes its lines elsewhere', async () => {
    await Promise.all(
      [aStoreNorthOfLisbon('reject-near', 5), aStoreNorthOfLisbon('reject-far', 50)].map(putLocation),
    );
    await stockAt('REJECT-SKU', 'reject-near', 5);
    await stockAt('REJECT-SKU', 'reject-far', 5);
    const order = await aStoredOrder([{ sku: 'REJECT-SKU', quantity: 2 }]);
    await routeOrder(deps, { kind: 'route', orderId: order.orderId });
    const [rejected] = await fulfillmentOrdersOf(order.orderId);
    const rejection = {
      kind: 'reroute_rejected' as const,
      orderId: order.orderId,
      fulfillmentOrderId: rejected!.fulfillmentOrderId,
      reason: 'damaged',
    };

    const result = await routeOrder(deps, rejection);
    const again = await routeOrder(deps, rejection);

    expect(result).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    expect(again).toEqual({ kind: 'skipped', reason: 'rejection already rerouted' });
    const shipments = await fulfillmentOrdersOf(order.orderId);
    expect(shipments.map((fo) => [fo.locationId, fo.status]).sort()).toEqual([
      ['reject-far', 'CREATED'],
      ['reject-near', 'REJECTED'],
    ]);
    expect(await storedStock('REJECT-SKU', 'reject-near')).toMatchObject({ reserved: 0, available: 5 });
    expect(await storedStock('REJECT-SKU', 'reject-far')).toMatchObject({ reserved: 2, available: 3 });
    expect(await getOrder(order.orderId)).toMatchObject({
      status: 'ROUTED',
      rejectedLocationIds: ['reject-near'],
    });
  });

  it('commits an order that needs more than 100 transaction items in chunks', async () => {
    const skus = Array.from({ length: 60 }, (_, index) => `WIDE-${String(index).padStart(2, '0')}`);
    await Promise.all(
      skus.map((sku, index) => putLocation(aStoreNorthOfLisbon(`wide-${index}`, 10 + index))),
    );
    await Promise.all(skus.map((sku, index) => stockAt(sku, `wide-${index}`, 4)));
    const order = await aStoredOrder(skus.map((sku) => ({ sku, quantity: 2 })));

    const result = await routeOrder(deps, { kind: 'route', orderId: order.orderId });

    expect(result).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    // 60 capacity counters leave room for 39 in the last transaction: 21 were written PENDING.
    const shipments = await fulfillmentOrdersOf(order.orderId);
    expect(shipments).toHaveLength(60);
    expect(shipments.filter((fo) => fo.status !== 'CREATED')).toEqual([]);
    for (const [index, sku] of skus.entries()) {
      expect(await storedStock(sku, `wide-${index}`)).toMatchObject({ reserved: 2, available: 2 });
    }
    const stored = (await getOrder(order.orderId)) as RoutableOrder;
    expect(stored.status).toBe('ROUTED');
    expect(stored.routingIntent).toBeUndefined();
    expect(stored.pendingAnnouncement).toBeUndefined();
    // intent recorded (v+1), then the final update (v+2)
    expect(stored.version).toBe(order.version + 2);
  });

  it('releases the chunks already reserved when a later chunk of a large commit finds no stock', async () => {
    const skus = Array.from({ length: 60 }, (_, index) => `SAGA-${String(index).padStart(2, '0')}`);
    await Promise.all(skus.map((sku) => stockAt(sku, 'saga-store', sku === 'SAGA-59' ? 1 : 5)));
    const order = await aStoredOrder(skus.map((sku) => ({ sku, quantity: 2 })));

    const result = await routingRepository.commitRoutingPlan({
      orderId: order.orderId,
      expectedVersion: order.version,
      commitId: 'saga-1',
      status: 'ROUTED',
      plan: aPlanWithoutShipments(),
      fulfillmentOrders: [],
      reservations: skus.map((sku) => ({ sku, locationId: 'saga-store', quantity: 2 })),
      now: NOW,
    });

    expect(result).toEqual({
      kind: 'stock_conflict',
      sku: 'SAGA-59',
      locationId: 'saga-store',
      orderVersion: order.version + 2,
    });
    for (const sku of skus.slice(0, 59)) {
      expect(await storedStock(sku, 'saga-store')).toMatchObject({ reserved: 0, available: 5 });
      expect(await reservationMarkers(sku)).toHaveLength(0);
    }
    const stored = (await getOrder(order.orderId)) as RoutableOrder;
    expect(stored).toMatchObject({ status: 'RECEIVED', version: order.version + 2 });
    expect(stored.routingIntent).toBeUndefined();
  });

  it(
    'sells a flash sale of 100 units to exactly 100 of 1,000 concurrent orders',
    { timeout: 150_000 },
    async () => {
      await putLocation(aStoreNorthOfLisbon('flash-store', 5));
      await stockAt('FLASH-SKU', 'flash-store', 100);
      const batches = Array.from({ length: 40 }, () =>
        storeOrdersInBulk(25, [{ sku: 'FLASH-SKU', quantity: 1 }]),
      );
      const orders = (await Promise.all(batches)).flat();

      // The queue delivers a message again when routing throws (TransactionConflict retries spent).
      let redeliveries = 0;
      const routeAsTheQueueWould = async (orderId: string) => {
        for (;;) {
          try {
            return await routeOrder(deps, { kind: 'route', orderId });
          } catch (error) {
            redeliveries += 1;
            if (redeliveries > 500) throw error;
          }
        }
      };
      const results = [];
      for (let wave = 0; wave < 10; wave++) {
        const batch = orders.slice(wave * 100, wave * 100 + 100);
        results.push(...(await Promise.all(batch.map((order) => routeAsTheQueueWould(order.orderId)))));
      }

      const statuses = results.map((result) => (result.kind === 'committed' ? result.status : result.kind));
      expect(statuses.filter((status) => status === 'ROUTED')).toHaveLength(100);
      expect(statuses.filter((status) => status === 'BACKORDERED')).toHaveLength(900);
      expect(await storedStock('FLASH-SKU', 'flash-store')).toMatchObject({
        onHand: 100,
        reserved: 100,
        available: 0,
      });
      expect(await reservationMarkers('FLASH-SKU')).toHaveLength(100);
      const stored = await Promise.all(orders.map((order) => getOrder(order.orderId)));
      expect(stored.filter((order) => order?.status === 'ROUTED')).toHaveLength(100);
      expect(stored.filter((order) => order?.status === 'BACKORDERED')).toHaveLength(900);
      expect(stored.every((order) => order?.version === 2)).toBe(true);
    },
  );
});
