import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { putLocation } from '../../functions/data/config-repository.js';
import { dynamo } from '../../functions/data/dynamo.js';
import { findBackorderedOrderIds, putStockLevel } from '../../functions/data/inventory-repository.js';
import { findOrders } from '../../functions/data/order-search-repository.js';
import { getOrder, orderKey } from '../../functions/data/orders-repository.js';
import { commitServiceChange } from '../../functions/data/service-repository.js';
import { searchWindow } from '../../functions/domain/order-search.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { routeOrder } from '../../functions/routing/route-order.js';
import { aStoreNorthOfLisbon } from '../helpers/records.js';
import { aStoredOrder } from '../helpers/routing.js';
import { useLocalTables } from '../helpers/tables.js';

/**
 * The Orders indexes that replace hot keys, on DynamoDB Local: the sparse backordersWaiting
 * index, which an order is in exactly while the backorder retry would route it, and the
 * placed-day index, read shard by shard and day by day, merged newest first.
 */
beforeAll(async () => {
  await useLocalTables();
});

async function storedItem(orderId: string) {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: process.env.ORDERS_TABLE, Key: orderKey(orderId), ConsistentRead: true }),
  );
  return Item;
}

describe('the backordersWaiting index', () => {
  it('holds an order while it is backordered and lets it go once the router places it', async () => {
    await putLocation(aStoreNorthOfLisbon('idx-store', 5));
    const order = await aStoredOrder({ lines: [{ sku: 'IDX-LAMP', quantity: 1 }] });
    expect((await storedItem(order.orderId))?.backorderShard).toBeUndefined();

    await routeOrder(routerDeps, { kind: 'route', orderId: order.orderId });

    expect(await getOrder(order.orderId)).toMatchObject({ status: 'BACKORDERED' });
    expect((await storedItem(order.orderId))?.backorderShard).toMatch(/^BACKORDER#\d$/);
    expect(await findBackorderedOrderIds('IDX-LAMP')).toEqual([order.orderId]);
    expect(await findBackorderedOrderIds('IDX-OTHER')).toEqual([]);

    const now = new Date().toISOString();
    await putStockLevel(newStockLevel({ sku: 'IDX-LAMP', locationId: 'idx-store', onHand: 3, now }));
    await routeOrder(routerDeps, { kind: 'route', orderId: order.orderId });

    expect(await getOrder(order.orderId)).toMatchObject({ status: 'ROUTED' });
    expect((await storedItem(order.orderId))?.backorderShard).toBeUndefined();
    expect(await findBackorderedOrderIds('IDX-LAMP')).toEqual([]);
  });

  it('keeps a partially routed order whose unplaced line waits for stock, and drops a canceled one', async () => {
    await putLocation(aStoreNorthOfLisbon('idx-partial', 5));
    const now = new Date().toISOString();
    await putStockLevel(newStockLevel({ sku: 'IDX-CUP', locationId: 'idx-partial', onHand: 5, now }));
    const order = await aStoredOrder({
      lines: [
        { sku: 'IDX-CUP', quantity: 1 },
        { sku: 'IDX-SAUCER', quantity: 1 },
      ],
    });
    await routeOrder(routerDeps, { kind: 'route', orderId: order.orderId });
    const routed = await getOrder(order.orderId);
    expect(routed?.status).toBe('PARTIALLY_ROUTED');
    expect(await findBackorderedOrderIds('IDX-SAUCER')).toEqual([order.orderId]);
    // Its placed line does not wait: stock of it arriving retries nothing.
    expect(await findBackorderedOrderIds('IDX-CUP')).toEqual([]);

    const result = await commitServiceChange({
      order: routed!,
      now: new Date().toISOString(),
      orderUpdate: { status: 'CANCELED' },
    });

    expect(result).toBe('ok');
    expect((await storedItem(order.orderId))?.backorderShard).toBeUndefined();
    expect(await findBackorderedOrderIds('IDX-SAUCER')).toEqual([]);
  });
});

describe('the placed-day index', () => {
  const DAYS = ['2026-10-03', '2026-10-04', '2026-10-05'];

  beforeAll(async () => {
    // Seven orders a day, at different hours, over three days, on two channels.
    for (const day of DAYS) {
      for (let hour = 0; hour < 7; hour++) {
        await aStoredOrder({
          lines: [{ sku: 'IDX-LIST', quantity: 1 }],
          placedAt: `${day}T${String(10 + hour).padStart(2, '0')}:00:00+01:00`,
          channelId: hour % 3 === 0 ? 'pos' : 'web',
        });
      }
    }
  });

  const window = searchWindow({ placedFrom: DAYS[0], placedTo: DAYS[2] }, '2026-12-01T00:00:00.000Z');

  async function everyPage(search: Omit<Parameters<typeof findOrders>[0], 'window' | 'cursor'>) {
    const seen: { placedAt: string; channelId: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await findOrders({ window, ...search, ...(cursor && { cursor }) });
      seen.push(...page.orders);
      cursor = page.next;
      pages++;
    } while (cursor && pages < 50);
    return { seen, pages };
  }

  it('pages over every shard and day newest first, each order once', async () => {
    const { seen, pages } = await everyPage({ limit: 4 });

    expect(seen).toHaveLength(21);
    const instants = seen.map((order) => Date.parse(order.placedAt));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));
    expect(new Set(seen.map((order) => order.placedAt)).size).toBe(21);
    expect(pages).toBeGreaterThanOrEqual(6);
  });

  it('narrows by channel, and by the window to the instant', async () => {
    const { seen } = await everyPage({ limit: 5, channelId: 'pos' });
    expect(seen).toHaveLength(9);
    expect(seen.every((order) => order.channelId === 'pos')).toBe(true);

    const narrow = searchWindow(
      { placedFrom: '2026-10-04T11:30:00+01:00', placedTo: '2026-10-04T13:00:00+01:00' },
      '2026-12-01T00:00:00.000Z',
    );
    const page = await findOrders({ window: narrow, limit: 100 });
    // 13:00 and 12:00 at +01:00, both bounds inclusive; 11:00 is before the window.
    expect(page.orders.map((order) => Date.parse(order.placedAt))).toEqual([
      Date.parse('2026-10-04T12:00:00Z'),
      Date.parse('2026-10-04T11:00:00Z'),
    ]);
    expect(page.next).toBeUndefined();
  });
});
