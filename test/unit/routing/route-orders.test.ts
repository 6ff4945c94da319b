import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from 'vitest';
import { clearConfigCache, locationKey } from '../../../functions/data/config-repository.js';
import { stockKey } from '../../../functions/data/inventory-repository.js';
import { capacityKey } from '../../../functions/data/routing-repository.js';
import {
  CAPACITY_SHARDS,
  preferredCapacityShard,
  shardShare,
} from '../../../functions/domain/routing/capacity-shards.js';
import {
  activeRuleSetKey,
  clearRuleSetCache,
  DEFAULT_RULE_SET,
  ruleSetKey,
} from '../../../functions/data/rules-repository.js';
import type { Location } from '../../../functions/domain/location.js';
import { newStockLevel } from '../../../functions/domain/stock.js';
import { routeOrders } from '../../../functions/routing/route-orders.js';
import { metrics } from '../../../functions/shared/observability.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';
import { anOrder, anOrderItem, aLocation } from '../../helpers/records.js';
import { aRoutingMessage, anSqsEvent } from '../../helpers/routing-messages.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const order = anOrder();

const LISBON_STORE = aLocation('lisboa-1', { name: 'Lisboa Baixa' });

const orderReceived = (messageId?: string) =>
  aRoutingMessage('OrderReceived', { version: '1', orderId: order.orderId }, messageId);

/**
 * The routing transaction lists the order update first, then (stock, marker) pairs, then a capacity
 * counter per location, then fulfillment orders.
 */
beforeAll(() => {
  process.env.ORDERS_TABLE = 'Orders';
  process.env.INVENTORY_TABLE = 'Inventory';
  process.env.CONFIG_TABLE = 'Config';
});

afterAll(() => dynamo.restore());

beforeEach(() => {
  dynamo.reset();
  clearRuleSetCache();
  clearConfigCache();
  dynamo.on(GetCommand, { TableName: 'Orders' }).resolves({ Item: anOrderItem(order) });
  dynamo.on(GetCommand, { TableName: 'Config' }).resolves({});
  dynamo.on(QueryCommand, { TableName: 'Config' }).resolves({
    Items: [{ ...locationKey(LISBON_STORE.locationId), entityType: 'Location', ...LISBON_STORE }],
  });
  dynamo.on(QueryCommand, { TableName: 'Inventory' }).resolves({
    Items: [
      {
        ...stockKey('TSHIRT-BLUE-M', 'lisboa-1'),
        ...newStockLevel({ sku: 'TSHIRT-BLUE-M', locationId: 'lisboa-1', onHand: 10, now: order.receivedAt }),
      },
    ],
  });
  dynamo.on(BatchGetCommand).resolves({ Responses: {} });
});

describe('routeOrders (routing queue consumer)', () => {
  it('routes an OrderReceived message with one transaction that reserves and moves the order', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const response = await routeOrders(anSqsEvent(orderReceived()));

    expect(response.batchItemFailures).toEqual([]);
    const [call] = dynamo.commandCalls(TransactWriteCommand);
    const items = call!.args[0].input.TransactItems!;
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({
      ':status': 'ROUTED',
      ':expected': 1,
    });
    expect(items[1]?.Update).toMatchObject({
      Key: stockKey('TSHIRT-BLUE-M', 'lisboa-1'),
      ConditionExpression: 'available >= :quantity',
      ExpressionAttributeValues: { ':quantity': 2 },
    });
    expect(items[2]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    // Counted although the store has no daily capacity: ops see every location's load.
    // On the shard of the counter the order id hashes to (capacity-shards.ts).
    const shard = preferredCapacityShard(order.orderId);
    expect(items[3]?.Update).toMatchObject({ Key: { pk: capacityKey('lisboa-1', '', shard).pk } });
    expect(items[3]?.Update?.ConditionExpression).toBeUndefined();
    expect(items[4]?.Put?.Item).toMatchObject({ entityType: 'FulfillmentOrder', locationId: 'lisboa-1' });
  });

  it('retries a transaction that lost a race (TransactionConflict) and then commits', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('None', 'TransactionConflict', 'None', 'None'))
      .resolves({});

    const response = await routeOrders(anSqsEvent(orderReceived()));

    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('reports a throttled message as a batch item failure so that the queue delivers it again', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: {} }));

    const response = await routeOrders(anSqsEvent(orderReceived('throttled')));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'throttled' }]);
  });

  it('reads the stock again and decides again when another order took it first', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('None', 'ConditionalCheckFailed', 'None', 'None'))
      .resolves({});

    const response = await routeOrders(anSqsEvent(orderReceived()));

    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(QueryCommand, { TableName: 'Inventory' })).toHaveLength(2);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('backorders without reserving after the stock was taken at every decision', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(aCanceledTransaction('None', 'ConditionalCheckFailed', 'None', 'None'));
    dynamo.on(UpdateCommand).resolves({});

    const response = await routeOrders(anSqsEvent(orderReceived()));

    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(4);
    const [backorder] = dynamo.commandCalls(UpdateCommand);
    expect(backorder!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':status': 'BACKORDERED' });
  });

  it('fails only the message that is not a routing event; the others are routed', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const unreadable = {
      ...orderReceived('unreadable'),
      body: '{"detail-type":"OrderReceived","detail":{}}',
    };

    const response = await routeOrders(anSqsEvent(unreadable, orderReceived('good')));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'unreadable' }]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('skips an order that is already routed, reserving nothing', async () => {
    dynamo
      .on(GetCommand, { TableName: 'Orders' })
      .resolves({ Item: anOrderItem({ ...order, status: 'ROUTED' }) });

    const response = await routeOrders(anSqsEvent(orderReceived()));

    expect(response.batchItemFailures).toEqual([]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('routeOrders with daily capacity', () => {
  const CAPPED_STORE: Location = { ...LISBON_STORE, dailyCapacity: 5 };
  const CAPACITY_RULES = {
    ...DEFAULT_RULE_SET,
    ruleSetId: 'capacity-rules',
    strategies: DEFAULT_RULE_SET.strategies.map((strategy) => ({
      ...strategy,
      filters: { ...strategy.filters, requireCapacity: true },
    })),
  };
  // 23:30 in Lisbon on the 22nd is already the 23rd in Berlin: the store's own day counts.
  const TODAY_IN_LISBON = '2026-11-22';

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T23:30:00.000Z'));
    dynamo.on(QueryCommand, { TableName: 'Config' }).resolves({
      Items: [{ ...locationKey(CAPPED_STORE.locationId), entityType: 'Location', ...CAPPED_STORE }],
    });
    dynamo
      .on(GetCommand, { TableName: 'Config', Key: activeRuleSetKey })
      .resolves({ Item: { ...activeRuleSetKey, ruleSetId: 'capacity-rules', version: 1 } });
    dynamo
      .on(GetCommand, { TableName: 'Config', Key: ruleSetKey('capacity-rules', 1) })
      .resolves({ Item: { ruleSet: CAPACITY_RULES } });
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, unknown> }) =>
      'Inventory' in input.RequestItems
        ? {
            Responses: {
              Inventory: [{ ...capacityKey('lisboa-1', TODAY_IN_LISBON), used: 3 }],
            },
          }
        : { Responses: {} },
    );
  });

  afterEach(() => vi.useRealTimers());

  const capacityReads = () =>
    dynamo
      .commandCalls(BatchGetCommand)
      .filter((call) => 'Inventory' in (call.args[0].input.RequestItems ?? {}));

  it("reads the store's counter for its local day and counts the fulfillment order within its capacity", async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const response = await routeOrders(anSqsEvent(orderReceived()));

    expect(response.batchItemFailures).toEqual([]);
    const [read] = capacityReads();
    expect(read!.args[0].input.RequestItems!.Inventory).toMatchObject({
      Keys: Array.from({ length: CAPACITY_SHARDS }, (_, n) => capacityKey('lisboa-1', TODAY_IN_LISBON, n)),
      ConsistentRead: true,
    });
    const shard = preferredCapacityShard(order.orderId);
    const [call] = dynamo.commandCalls(TransactWriteCommand);
    const counter = call!.args[0].input.TransactItems!.find((item) =>
      String(item.Update?.Key?.pk).startsWith('CAPACITY#lisboa-1'),
    );
    // Its shard's share of the 5 a day, less the one it adds: the shard must have room for it.
    expect(counter?.Update).toMatchObject({
      TableName: 'Inventory',
      Key: capacityKey('lisboa-1', TODAY_IN_LISBON, shard),
      UpdateExpression: expect.stringContaining('ADD used :count'),
      ConditionExpression: 'attribute_not_exists(used) OR used <= :room',
      ExpressionAttributeValues: expect.objectContaining({ ':count': 1, ':room': shardShare(5, shard) - 1 }),
    });
  });

  it('reads the capacity again and decides again when the store filled up meanwhile', async () => {
    // order, stock, marker, capacity counter, fulfillment order
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('None', 'None', 'None', 'ConditionalCheckFailed', 'None'))
      .resolves({});

    const response = await routeOrders(anSqsEvent(orderReceived()));

    expect(response.batchItemFailures).toEqual([]);
    expect(capacityReads()).toHaveLength(2);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });
});

describe('the routing metrics', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const routingMetrics = (addMetric: MockInstance<typeof metrics.addMetric>) =>
    Object.fromEntries(addMetric.mock.calls.map(([name, unit, value]) => [name, { unit, value }]));

  it('report the time from received to routed, the shipments and one routed order', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // anOrder() was received at 10:00:05.000.
    vi.setSystemTime(new Date('2026-11-22T10:00:06.250Z'));
    dynamo.on(TransactWriteCommand).resolves({});
    const addMetric = vi.spyOn(metrics, 'addMetric');

    await routeOrders(anSqsEvent(orderReceived()));

    expect(routingMetrics(addMetric)).toMatchObject({
      ReceivedToRouted: { unit: 'Milliseconds', value: 1250 },
      FulfillmentOrdersPerOrder: { unit: 'Count', value: 1 },
      OrdersRouted: { unit: 'Count', value: 1 },
    });
  });

  it('leave the routing latency out when a backordered order is routed again', async () => {
    const backordered = anOrder({ status: 'BACKORDERED' });
    dynamo.on(GetCommand, { TableName: 'Orders' }).resolves({
      Item: anOrderItem({
        ...backordered,
        routing: { unplaced: [{ lineId: 'line-1', sku: 'TSHIRT-BLUE-M', quantity: 1, reason: 'no_stock' }] },
      } as typeof backordered),
    });
    dynamo.on(QueryCommand, { TableName: 'Orders' }).resolves({ Items: [] });
    dynamo.on(TransactWriteCommand).resolves({});
    const addMetric = vi.spyOn(metrics, 'addMetric');

    await routeOrders(
      anSqsEvent(
        aRoutingMessage('BackorderRetry', {
          version: '1',
          orderId: backordered.orderId,
          sku: 'TSHIRT-BLUE-M',
        }),
      ),
    );

    const names = addMetric.mock.calls.map(([name]) => name);
    expect(names).toContain('OrdersRouted');
    expect(names).not.toContain('ReceivedToRouted');
    expect(names).not.toContain('FulfillmentOrdersPerOrder');
  });
});
