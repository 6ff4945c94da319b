import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/data/dynamo.js';
import { distributeToShards, getStockItems } from '../../functions/data/inventory-repository.js';
import { recordMovement } from '../../functions/data/movements-repository.js';
import { getOrder } from '../../functions/data/orders-repository.js';
import { putInventoryProduct } from '../../functions/data/products-repository.js';
import { Movement } from '../../functions/domain/inventory/movement.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { routeOrder, type RouteOrderDeps } from '../../functions/routing/route-order.js';
import { useLocalTables } from '../helpers/tables.js';
import { givenLocations } from './inventory-fixtures.js';
import { anActor } from '../helpers/factories.js';
import { aLocation } from '../helpers/records.js';
import { storedOrders } from '../helpers/routing.js';

const SKU = 'FLASH-HOT';
const SHARDS = 8;
const UNITS = 60;
// 150 for 100 units took 75 s on a two-core machine: every order reads 9 partitions per decision.
const ORDERS = 90;
const NOW = '2026-11-22T10:05:00.000Z';

const deps: RouteOrderDeps = {
  ...routerDeps,
  now: () => new Date(NOW),
};

async function hotMarkers(): Promise<Record<string, unknown>[]> {
  const markers: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new ScanCommand({
        TableName: process.env.INVENTORY_TABLE,
        FilterExpression: 'begins_with(pk, :hot)',
        ExpressionAttributeValues: { ':hot': 'HOTRES#' },
        ConsistentRead: true,
        ExclusiveStartKey: cursor,
      }),
    );
    markers.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return markers;
}

beforeAll(async () => {
  await useLocalTables();
  await givenLocations(aLocation('dc'));
  await putInventoryProduct({ sku: SKU, hot: true, shards: SHARDS });
  const receipt = Movement.parse({
    type: 'receipt',
    movementId: `rcv-${SKU}`,
    who: 'test',
    sku: SKU,
    locationId: 'dc',
    quantity: UNITS,
  });
  await recordMovement(receipt, () => NOW, anActor());
  await distributeToShards({ sku: SKU, locationId: 'dc', shards: SHARDS, quantity: UNITS, now: NOW });
});

describe('the router on a hot SKU (DynamoDB Local)', () => {
  it(
    `routes exactly ${UNITS} of ${ORDERS} concurrent orders from the shards and backorders the rest`,
    { timeout: 180_000 },
    async () => {
      const orders = await storedOrders(ORDERS, { lines: [{ sku: SKU, quantity: 1 }] });

      const results = await Promise.all(
        orders.map((order) => routeOrder(deps, { kind: 'route', orderId: order.orderId })),
      );

      const statuses = results.map((result) => (result.kind === 'committed' ? result.status : result.kind));
      expect(statuses.filter((status) => status === 'ROUTED')).toHaveLength(UNITS);
      expect(statuses.filter((status) => status === 'BACKORDERED')).toHaveLength(ORDERS - UNITS);
      const stored = await Promise.all(orders.map((order) => getOrder(order.orderId)));
      expect(stored.filter((order) => order?.status === 'ROUTED')).toHaveLength(UNITS);

      const items = await getStockItems(SKU, SHARDS);
      expect(items).toHaveLength(SHARDS + 1);
      expect(items.filter((item) => item.available < 0)).toEqual([]);
      expect(items.reduce((sum, item) => sum + item.reserved, 0)).toBe(UNITS);
      expect(items.reduce((sum, item) => sum + item.onHand, 0)).toBe(UNITS);

      // One claimed marker per routed order, none left behind by the attempts that lost.
      const markers = await hotMarkers();
      expect(markers).toHaveLength(UNITS);
      expect(markers.every((marker) => typeof marker.routedBy === 'string')).toBe(true);
      const routed = new Set(
        stored.filter((order) => order?.status === 'ROUTED').map((order) => order!.orderId),
      );
      expect(markers.every((marker) => routed.has(String(marker.orderId)))).toBe(true);
    },
  );
});
