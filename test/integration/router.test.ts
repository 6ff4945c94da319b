import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { getOrderById } from '../../functions/api/get-order.js';
import { putLocation } from '../../functions/data/config-repository.js';
import { dynamo } from '../../functions/data/dynamo.js';
import { putStockLevel, stockKey } from '../../functions/data/inventory-repository.js';
import { getOrder } from '../../functions/data/orders-repository.js';
import * as routingRepository from '../../functions/data/routing-repository.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { routeOrder, type RouteOrderDeps, type RoutableOrder } from '../../functions/routing/route-order.js';
import {
  activeRuleSetKey,
  clearRuleSetCache,
  DEFAULT_RULE_SET,
} from '../../functions/data/rules-repository.js';
import { parseRuleSet } from '../../functions/domain/routing/rules.js';
import { anApiEvent } from '../helpers/factories.js';
import { bodyOf } from '../helpers/http.js';
import { aStoreNorthOfLisbon } from '../helpers/records.js';
import {
  aPlanWithoutShipments,
  aStoredOrder,
  deliverToRouter,
  routeAsTheQueueWould,
  routingMessages,
  storedOrders,
} from '../helpers/routing.js';
import { useLocalTables } from '../helpers/tables.js';

/** The customer of the contract example lives in Lisbon; stores sit north of them. */
const NOW = '2026-11-22T10:05:00.000Z';
/**
 * 400 keep npm test short (1,000 took 51 s on two cores); the contention is the same from the
 * second wave on. `FLASH_SALE_ORDERS=1000 npx vitest run test/integration/router.test.ts` for more.
 */
const FLASH_SALE_ORDERS = Number(process.env.FLASH_SALE_ORDERS ?? 400);

const deps: RouteOrderDeps = {
  ...routerDeps,
  now: () => new Date(NOW),
};

/** The built-in rules, allowed to promise the units held back as safety stock. */
const mayPromiseSafetyStock: RouteOrderDeps = {
  ...deps,
  getActiveRuleSet: async () =>
    parseRuleSet({
      ...DEFAULT_RULE_SET,
      ruleSetId: 'safety-stock-sellable',
      strategies: DEFAULT_RULE_SET.strategies.map((strategy) => ({
        ...strategy,
        filters: { ...strategy.filters, respectSafetyStock: false },
      })),
    }),
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
    const order = await aStoredOrder({
      lines: [
        { sku: 'SPLIT-A', quantity: 2 },
        { sku: 'SPLIT-B', quantity: 1 },
      ],
    });

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
    const once = await aStoredOrder({ lines: [{ sku: 'RETRY-SKU', quantity: 3 }] });
    const twiceAtOnce = await aStoredOrder({ lines: [{ sku: 'RETRY-SKU', quantity: 2 }] });

    const first = await deliverToRouter(routingMessages.orderReceived(once.orderId));
    const again = await deliverToRouter(routingMessages.orderReceived(once.orderId));
    const concurrent = await Promise.all([
      deliverToRouter(routingMessages.orderReceived(twiceAtOnce.orderId)),
      deliverToRouter(routingMessages.orderReceived(twiceAtOnce.orderId)),
    ]);

    for (const response of [first, again, ...concurrent]) expect(response).toEqual({ batchItemFailures: [] });
    expect(await storedStock('RETRY-SKU', 'retry-store')).toMatchObject({ reserved: 5, available: 5 });
    expect(
      (await reservationMarkers('RETRY-SKU')).map((marker) => [marker.orderId, marker.quantity]).sort(),
    ).toEqual(
      [
        [once.orderId, 3],
        [twiceAtOnce.orderId, 2],
      ].sort(),
    );
    expect(await fulfillmentOrdersOf(once.orderId)).toHaveLength(1);
    expect(await fulfillmentOrdersOf(twiceAtOnce.orderId)).toHaveLength(1);
    expect(await getOrder(once.orderId)).toMatchObject({ status: 'ROUTED', version: once.version + 1 });
    expect(await getOrder(twiceAtOnce.orderId)).toMatchObject({
      status: 'ROUTED',
      version: twiceAtOnce.version + 1,
    });
  });

  it("routes again only a partially routed order's unplaced lines, reserving its placed ones once", async () => {
    await putLocation(aStoreNorthOfLisbon('partial-store', 5));
    await stockAt('PARTIAL-HELD', 'partial-store', 5);
    await stockAt('PARTIAL-LATE', 'partial-store', 0);
    const order = await aStoredOrder({
      lines: [
        { sku: 'PARTIAL-HELD', quantity: 1 },
        { sku: 'PARTIAL-LATE', quantity: 2 },
      ],
    });
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
    const order = await aStoredOrder({ lines: [{ sku: 'MARKER-SKU', quantity: 1 }] });
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
    const order = await aStoredOrder({ lines: [{ sku: 'REJECT-SKU', quantity: 2 }] });
    await routeOrder(deps, { kind: 'route', orderId: order.orderId });
    const [rejected] = await fulfillmentOrdersOf(order.orderId);
    const rejection = routingMessages.fulfillmentOrderRejected(
      order.orderId,
      rejected!.fulfillmentOrderId,
      'damaged',
    );

    expect(await deliverToRouter(rejection)).toEqual({ batchItemFailures: [] });
    const afterFirst = await getOrder(order.orderId);
    expect(await deliverToRouter(rejection)).toEqual({ batchItemFailures: [] });

    expect(await getOrder(order.orderId)).toEqual(afterFirst);
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
    const view = bodyOf(
      await getOrderById(
        anApiEvent({ path: `/v1/orders/${order.orderId}`, pathParameters: { orderId: order.orderId } }),
      ),
    );
    expect(view.lines.map((line: { assignments: { locationId: string }[] }) => line.assignments)).toEqual([
      [expect.objectContaining({ locationId: 'reject-far', quantity: 2 })],
    ]);
    expect(
      view.fulfillmentOrders
        .map((fo: { locationId: string; status: string; rejectionReason?: string }) => [
          fo.locationId,
          fo.status,
          fo.rejectionReason,
        ])
        .sort(),
    ).toEqual([
      ['reject-far', 'CREATED', undefined],
      ['reject-near', 'REJECTED', 'damaged'],
    ]);
  });

  it('routes a backordered order when BackorderRetry says its SKU came back', async () => {
    await putLocation(aStoreNorthOfLisbon('retry-back-store', 5));
    await stockAt('BACK-SKU', 'retry-back-store', 0);
    const order = await aStoredOrder({ lines: [{ sku: 'BACK-SKU', quantity: 2 }] });
    expect(await deliverToRouter(routingMessages.orderReceived(order.orderId))).toEqual({
      batchItemFailures: [],
    });
    expect(await getOrder(order.orderId)).toMatchObject({ status: 'BACKORDERED' });
    await stockAt('BACK-SKU', 'retry-back-store', 3);

    expect(await deliverToRouter(routingMessages.backorderRetry(order.orderId, 'BACK-SKU'))).toEqual({
      batchItemFailures: [],
    });

    expect(await getOrder(order.orderId)).toMatchObject({ status: 'ROUTED', version: order.version + 2 });
    expect(await storedStock('BACK-SKU', 'retry-back-store')).toMatchObject({ reserved: 2, available: 1 });
  });

  it('fails the message, touching nothing, when the active rule set names a version that does not exist', async () => {
    await putLocation(aStoreNorthOfLisbon('pointer-store', 5));
    await stockAt('POINTER-SKU', 'pointer-store', 5);
    const order = await aStoredOrder({ lines: [{ sku: 'POINTER-SKU', quantity: 1 }] });
    await dynamo().send(
      new PutCommand({
        TableName: process.env.CONFIG_TABLE,
        Item: { ...activeRuleSetKey, entityType: 'ActiveRuleSet', ruleSetId: 'gone', version: 7 },
      }),
    );
    clearRuleSetCache();
    onTestFinished(async () => {
      await dynamo().send(new DeleteCommand({ TableName: process.env.CONFIG_TABLE, Key: activeRuleSetKey }));
      clearRuleSetCache();
    });
    const message = routingMessages.orderReceived(order.orderId);

    // The queue retries it, and after its last receive keeps it in the dead-letter queue.
    expect(await deliverToRouter(message)).toEqual({
      batchItemFailures: [{ itemIdentifier: message.messageId }],
    });

    expect(await getOrder(order.orderId)).toEqual(order);
    expect(await storedStock('POINTER-SKU', 'pointer-store')).toMatchObject({ reserved: 0, available: 5 });
  });

  it('promises safety stock only when the strategy may', async () => {
    await putLocation(aStoreNorthOfLisbon('safety-store', 5));
    await putStockLevel(
      newStockLevel({ sku: 'SAFETY-A', locationId: 'safety-store', onHand: 5, safetyStock: 2, now: NOW }),
    );
    const respecting = await aStoredOrder({ lines: [{ sku: 'SAFETY-A', quantity: 5 }] });
    const promising = await aStoredOrder({ lines: [{ sku: 'SAFETY-A', quantity: 2 }] });

    const kept = await routeOrder(deps, { kind: 'route', orderId: respecting.orderId });
    const promised = await routeOrder(mayPromiseSafetyStock, { kind: 'route', orderId: promising.orderId });

    expect(kept).toMatchObject({
      status: 'PARTIALLY_ROUTED',
      plan: { unplaced: [expect.objectContaining({ quantity: 2 })] },
    });
    expect(promised).toMatchObject({ status: 'ROUTED' });
    expect(await storedStock('SAFETY-A', 'safety-store')).toMatchObject({
      onHand: 5,
      reserved: 5,
      available: -2,
    });
  });

  it('guards a reservation that may use safety stock: never past onHand, and only with the safety stock it read', async () => {
    await putStockLevel(
      newStockLevel({ sku: 'SAFETY-B', locationId: 'guard-store', onHand: 5, safetyStock: 2, now: NOW }),
    );
    const commitFor = async (quantity: number, safetyStockUsable: number) => {
      const order = await aStoredOrder({ lines: [{ sku: 'SAFETY-B', quantity }] });
      return routingRepository.commitRoutingPlan({
        orderId: order.orderId,
        expectedVersion: order.version,
        commitId: `guard-${order.orderId}`,
        status: 'ROUTED',
        plan: aPlanWithoutShipments(),
        fulfillmentOrders: [],
        reservations: [{ sku: 'SAFETY-B', locationId: 'guard-store', quantity, safetyStockUsable }],
        now: NOW,
      });
    };
    const conflict = { kind: 'stock_conflict', sku: 'SAFETY-B', locationId: 'guard-store' };

    expect(await commitFor(1, 1)).toMatchObject(conflict);
    expect(await commitFor(5, 2)).toMatchObject({ kind: 'committed' });
    expect(await commitFor(1, 2)).toMatchObject(conflict);
    expect(await storedStock('SAFETY-B', 'guard-store')).toMatchObject({
      onHand: 5,
      reserved: 5,
      available: -2,
    });
  });

  // Sixty SKUs: hundreds of items written one transaction after another, slow on a loaded machine.
  it(
    'commits an order that needs more than 100 transaction items in chunks',
    { timeout: 120_000 },
    async () => {
      const skus = Array.from({ length: 60 }, (_, index) => `WIDE-${String(index).padStart(2, '0')}`);
      await Promise.all(
        skus.map((sku, index) => putLocation(aStoreNorthOfLisbon(`wide-${index}`, 10 + index))),
      );
      await Promise.all(skus.map((sku, index) => stockAt(sku, `wide-${index}`, 4)));
      const order = await aStoredOrder({ lines: skus.map((sku) => ({ sku, quantity: 2 })) });

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
    },
  );

  // Sixty SKUs: hundreds of items written one transaction after another, slow on a loaded machine.
  it(
    'undoes what a router that died in the middle of a large commit took, then routes the order once',
    { timeout: 120_000 },
    async () => {
      const skus = Array.from({ length: 60 }, (_, index) => `CRASH-${String(index).padStart(2, '0')}`);
      await putLocation(aStoreNorthOfLisbon('crash-store', 5));
      await Promise.all(skus.map((sku) => stockAt(sku, 'crash-store', 4)));
      const order = await aStoredOrder({ lines: skus.map((sku) => ({ sku, quantity: 2 })) });
      // The router dies after its intent and the first chunk of 49 reservations, before the second.
      const client = dynamo();
      const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
      let transactions = 0;
      const crash = vi.spyOn(client, 'send').mockImplementation((async (command: unknown) => {
        if (command instanceof TransactWriteCommand && (transactions += 1) === 2)
          throw new Error('Lambda timed out');
        return send(command);
      }) as typeof client.send);
      const crashed = routingMessages.orderReceived(order.orderId);
      expect(await deliverToRouter(crashed)).toEqual({
        batchItemFailures: [{ itemIdentifier: crashed.messageId }],
      });
      crash.mockRestore();
      const interrupted = (await getOrder(order.orderId)) as RoutableOrder;
      expect(interrupted.routingIntent?.reservations).toHaveLength(60);
      const reservedBefore = await Promise.all(
        skus.map(async (sku) => (await storedStock(sku, 'crash-store')).reserved),
      );
      expect(reservedBefore.filter((reserved) => reserved === 2)).toHaveLength(49);

      expect(await deliverToRouter(routingMessages.orderReceived(order.orderId))).toEqual({
        batchItemFailures: [],
      });

      const routed = (await getOrder(order.orderId)) as RoutableOrder;
      expect(routed).toMatchObject({ status: 'ROUTED', version: order.version + 4 });
      expect(routed.routingIntent).toBeUndefined();
      for (const sku of skus) {
        expect(await storedStock(sku, 'crash-store'), sku).toMatchObject({ reserved: 2, available: 2 });
        expect(await reservationMarkers(sku), sku).toHaveLength(1);
      }
      expect(await fulfillmentOrdersOf(order.orderId)).toHaveLength(1);
    },
  );

  // Sixty SKUs: hundreds of items written one transaction after another, slow on a loaded machine.
  it(
    'releases the chunks already reserved when a later chunk of a large commit finds no stock',
    { timeout: 120_000 },
    async () => {
      const skus = Array.from({ length: 60 }, (_, index) => `SAGA-${String(index).padStart(2, '0')}`);
      await Promise.all(skus.map((sku) => stockAt(sku, 'saga-store', sku === 'SAGA-59' ? 1 : 5)));
      const order = await aStoredOrder({ lines: skus.map((sku) => ({ sku, quantity: 2 })) });

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
    },
  );

  it(
    `sells a flash sale of 100 units to exactly 100 of ${FLASH_SALE_ORDERS} concurrent orders`,
    { timeout: 300_000 },
    async () => {
      await putLocation(aStoreNorthOfLisbon('flash-store', 5));
      await stockAt('FLASH-SKU', 'flash-store', 100);
      const orders = await storedOrders(FLASH_SALE_ORDERS, { lines: [{ sku: 'FLASH-SKU', quantity: 1 }] });

      const redeliveries = { redeliveries: 0 };
      const results = [];
      for (let wave = 0; wave * 100 < FLASH_SALE_ORDERS; wave++) {
        const batch = orders.slice(wave * 100, wave * 100 + 100);
        results.push(
          ...(await Promise.all(
            batch.map((order) =>
              routeAsTheQueueWould(
                () => routeOrder(deps, { kind: 'route', orderId: order.orderId }),
                redeliveries,
                20,
              ),
            ),
          )),
        );
      }

      const statuses = results.map((result) => (result.kind === 'committed' ? result.status : result.kind));
      expect(statuses.filter((status) => status === 'ROUTED')).toHaveLength(100);
      expect(statuses.filter((status) => status === 'BACKORDERED')).toHaveLength(FLASH_SALE_ORDERS - 100);
      expect(await storedStock('FLASH-SKU', 'flash-store')).toMatchObject({
        onHand: 100,
        reserved: 100,
        available: 0,
      });
      expect(await reservationMarkers('FLASH-SKU')).toHaveLength(100);
      const stored = await Promise.all(orders.map((order) => getOrder(order.orderId)));
      expect(stored.filter((order) => order?.status === 'ROUTED')).toHaveLength(100);
      expect(stored.filter((order) => order?.status === 'BACKORDERED')).toHaveLength(FLASH_SALE_ORDERS - 100);
      expect(stored.every((order) => order?.version === 2)).toBe(true);
    },
  );
});
