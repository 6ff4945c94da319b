import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/data/dynamo.js';
import { releaseFulfillmentLines } from '../../functions/data/fulfillment-changes.js';
import { listFulfillmentOrderStates } from '../../functions/data/fulfillment-repository.js';
import {
  distributeToShards,
  getStockItems,
  hotReservationKey,
  sumShards,
} from '../../functions/data/inventory-repository.js';
import { recordMovement } from '../../functions/data/movements-repository.js';
import { putInventoryProduct } from '../../functions/data/products-repository.js';
import { Movement } from '../../functions/domain/inventory/movement.js';
import { checkInvariants } from '../../functions/domain/inventory/invariants.js';
import { performFulfillmentAction } from '../../functions/fulfillment/perform-action.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { routeOrder } from '../../functions/routing/route-order.js';
import { anActor } from '../helpers/factories.js';
import { aLocation } from '../helpers/records.js';
import { storedOrders } from '../helpers/routing.js';
import { useLocalTables } from '../helpers/tables.js';
import { givenLocations } from './inventory-fixtures.js';

/**
 * Fulfillment of a hot SKU, whose units are reserved from shards (inventory-repository.ts): a
 * shipment takes them out of the shards the marker names, a reject and a release put them back
 * there, and no item ever breaks available = onHand - reserved - safetyStock. DynamoDB Local.
 */
const SKU = 'HOT-FULFIL';
const SHARDS = 4;
const caller = { actor: anActor({ sub: 'ana', role: 'store' }), mayActAt: () => undefined };

beforeAll(async () => {
  await useLocalTables();
  await givenLocations(aLocation('dc'));
  await putInventoryProduct({ sku: SKU, hot: true, shards: SHARDS });
  const now = new Date().toISOString();
  const receipt = Movement.parse({
    type: 'receipt',
    movementId: `rcv-${SKU}`,
    who: 'test',
    sku: SKU,
    locationId: 'dc',
    quantity: 20,
  });
  await recordMovement(receipt, () => now, anActor());
  await distributeToShards({ sku: SKU, locationId: 'dc', shards: SHARDS, quantity: 20, now });
});

async function routed(quantity: number) {
  const [order] = await storedOrders(1, { lines: [{ sku: SKU, quantity }] });
  await routeOrder(routerDeps, { kind: 'route', orderId: order!.orderId });
  const [fo] = await listFulfillmentOrderStates(order!.orderId);
  return { orderId: order!.orderId, fo: fo! };
}

async function stock() {
  const items = await getStockItems(SKU, SHARDS);
  const problems = checkInvariants(items, []).violations.filter(
    (violation) => !violation.rule.startsWith('aggregate'),
  );
  expect(problems).toEqual([]);
  return sumShards(items)[0]!;
}

async function hotMarker(orderId: string) {
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: process.env.INVENTORY_TABLE,
      Key: hotReservationKey(orderId, SKU, 'dc'),
      ConsistentRead: true,
    }),
  );
  return Item;
}

describe('a hot SKU through fulfillment (DynamoDB Local)', () => {
  it('ships from the shards the reservation came from, and the marker goes', async () => {
    const before = await stock();
    const { orderId, fo } = await routed(3);
    expect((await stock()).reserved).toBe(before.reserved + 3);
    const lineId = fo.lines[0]!.lineId;

    await performFulfillmentAction(fo.fulfillmentOrderId, 'accept', {}, caller);
    await performFulfillmentAction(
      fo.fulfillmentOrderId,
      'pick',
      { lines: [{ lineId, quantity: 3 }] },
      caller,
    );
    await performFulfillmentAction(
      fo.fulfillmentOrderId,
      'pack',
      { packages: [{ lines: [{ lineId, quantity: 3 }] }] },
      caller,
    );
    const shipped = await performFulfillmentAction(
      fo.fulfillmentOrderId,
      'ship',
      { carrier: 'CTT', trackingNumber: 'HOT-1' },
      caller,
    );

    expect(shipped.status).toBe('SHIPPED');
    expect(await stock()).toMatchObject({
      onHand: before.onHand - 3,
      reserved: before.reserved,
      available: before.available - 3,
    });
    expect(await hotMarker(orderId)).toBeUndefined();
  });

  it('gives a rejected reservation back to its shards', async () => {
    const before = await stock();
    const { orderId, fo } = await routed(2);

    await performFulfillmentAction(fo.fulfillmentOrderId, 'reject', { reason: 'no staff' }, caller);

    expect(await stock()).toMatchObject({
      onHand: before.onHand,
      reserved: before.reserved,
      available: before.available,
    });
    expect(await hotMarker(orderId)).toBeUndefined();
  });

  it('releases some units of a reservation and keeps the rest on the marker', async () => {
    const before = await stock();
    const { orderId, fo } = await routed(3);

    const { fulfillmentOrder } = await releaseFulfillmentLines({
      fulfillmentOrderId: fo.fulfillmentOrderId,
      release: {
        reason: 'customer canceled a unit',
        outcome: 'CANCELED',
        lines: [{ lineId: fo.lines[0]!.lineId, quantity: 1 }],
      },
      actor: anActor({ sub: 'cs-1', role: 'customer_service' }),
    });

    expect(fulfillmentOrder).toMatchObject({
      status: 'CREATED',
      lines: [expect.objectContaining({ released: 1 })],
    });
    expect(fulfillmentOrder.history?.at(-1)).toMatchObject({ action: 'release', actor: { sub: 'cs-1' } });
    expect(await stock()).toMatchObject({ reserved: before.reserved + 2, available: before.available - 2 });
    const marker = await hotMarker(orderId);
    expect(marker?.quantity).toBe(2);
    expect(
      (marker?.portions as { quantity: number }[]).reduce((sum, portion) => sum + portion.quantity, 0),
    ).toBe(2);
  });
});
