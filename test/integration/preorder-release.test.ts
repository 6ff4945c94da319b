import { beforeAll, describe, expect, it } from 'vitest';
import { putConfigRecord } from '../../functions/data/admin-repository.js';
import { putLocation } from '../../functions/data/config-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { getOrder } from '../../functions/data/orders-repository.js';
import { listFulfillmentOrders } from '../../functions/data/routing-repository.js';
import type { DomainEvent } from '../../functions/domain/events.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import {
  releaseDeps,
  releasePreorders,
  type ReleaseDeps,
} from '../../functions/routing/release-preorders.js';
import { routeOrder, type RouteOrderDeps } from '../../functions/routing/route-order.js';
import { routerDeps } from '../../functions/routing/route-orders.js';
import { aStoreNorthOfLisbon } from '../helpers/records.js';
import { aStoredOrder, deliverToRouter } from '../helpers/routing.js';
import { aRoutingMessage } from '../helpers/routing-messages.js';
import { useLocalTables } from '../helpers/tables.js';

/**
 * Pre-orders released on their date: the router parks a line whose product is released later
 * (its order BACKORDERED, or PARTIALLY_ROUTED when other lines ship); the hourly release finds it
 * once the date has come and asks the router, which routes it. The clock is injected into both.
 */
const BEFORE = '2020-03-01T10:00:00.000Z';
const RELEASE = '2020-03-02T00:00:00.000Z';
const AFTER = '2020-03-02T01:00:00.000Z';
const ADMIN = { sub: 'preorder-test', role: 'admin' as const };

const routerAt = (now: string): RouteOrderDeps => ({ ...routerDeps, now: () => new Date(now) });

function releaseAt(now: string): ReleaseDeps & { published: DomainEvent[] } {
  const published: DomainEvent[] = [];
  return {
    ...releaseDeps,
    publish: async (events) => {
      published.push(...events);
      return [];
    },
    now: () => new Date(now),
    published,
  };
}

const orderIdOf = (event: DomainEvent) => (event.detail as { eventId: string; orderId?: string }).orderId;
const releasedOrderIds = (deps: { published: DomainEvent[] }) => deps.published.map(orderIdOf);

beforeAll(async () => {
  await useLocalTables();
  await putLocation(aStoreNorthOfLisbon('preorder-store', 5));
  for (const sku of ['PRE-GAME', 'PRE-MUG']) {
    await putStockLevel(newStockLevel({ sku, locationId: 'preorder-store', onHand: 10, now: BEFORE }));
  }
  await putConfigRecord('PRODUCT', 'PRE-GAME', { name: 'A game', preorderReleaseDate: RELEASE }, ADMIN);
  await putConfigRecord('PRODUCT', 'PRE-MUG', { name: 'A mug' }, ADMIN);
});

describe('releasing pre-orders on their date', () => {
  it('leaves a pre-order waiting before its date, and routes it once the date has come', async () => {
    const order = await aStoredOrder({ lines: [{ sku: 'PRE-GAME', quantity: 1 }] });
    const parked = await routeOrder(routerAt(BEFORE), { kind: 'route', orderId: order.orderId });
    expect(parked).toMatchObject({
      kind: 'committed',
      status: 'BACKORDERED',
      plan: { unplaced: [{ sku: 'PRE-GAME', reason: 'preorder' }] },
    });

    const early = releaseAt(BEFORE);
    await releasePreorders(early);
    expect(releasedOrderIds(early)).not.toContain(order.orderId);

    const onTime = releaseAt(AFTER);
    const report = await releasePreorders(onTime);
    expect(report.released).toContain(order.orderId);
    expect(onTime.published.find((event) => orderIdOf(event) === order.orderId)).toMatchObject({
      detailType: 'PreorderReleased',
      detail: { orderId: order.orderId, skus: ['PRE-GAME'], releasedAt: AFTER },
    });

    const routed = await routeOrder(routerAt(AFTER), { kind: 'route', orderId: order.orderId });
    expect(routed).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    expect((await listFulfillmentOrders(order.orderId)).map((fo) => fo.locationId)).toEqual([
      'preorder-store',
    ]);
  });

  it('routes the released line of a partially routed order, and leaves its placed line as it was', async () => {
    const order = await aStoredOrder({
      lines: [
        { sku: 'PRE-MUG', quantity: 1 },
        { sku: 'PRE-GAME', quantity: 2 },
      ],
    });
    const first = await routeOrder(routerAt(BEFORE), { kind: 'route', orderId: order.orderId });
    expect(first).toMatchObject({ kind: 'committed', status: 'PARTIALLY_ROUTED' });
    // Stock arriving before the date changes nothing: the line waits for its date, not for stock.
    expect(await routeOrder(routerAt(BEFORE), { kind: 'route', orderId: order.orderId })).toEqual({
      kind: 'skipped',
      reason: 'no unplaced line waits for stock',
    });

    const onTime = releaseAt(AFTER);
    await releasePreorders(onTime);
    expect(releasedOrderIds(onTime)).toContain(order.orderId);
    const retried = await routeOrder(routerAt(AFTER), { kind: 'route', orderId: order.orderId });

    expect(retried).toMatchObject({ kind: 'committed', status: 'ROUTED' });
    const lines = (await listFulfillmentOrders(order.orderId)).map((fo) => fo.lines.map((line) => line.sku));
    expect(lines.sort()).toEqual([['PRE-GAME'], ['PRE-MUG']]);
    expect(await getOrder(order.orderId)).toMatchObject({ status: 'ROUTED' });
  });

  it("is a message the router's queue consumer takes", async () => {
    const order = await aStoredOrder({ lines: [{ sku: 'PRE-GAME', quantity: 1 }] });
    await routeOrder(routerAt(BEFORE), { kind: 'route', orderId: order.orderId });

    const response = await deliverToRouter(
      aRoutingMessage('PreorderReleased', {
        version: '1',
        eventId: `${order.orderId}:v2:preorder`,
        orderId: order.orderId,
        skus: ['PRE-GAME'],
        releasedAt: AFTER,
      }),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(await getOrder(order.orderId)).toMatchObject({ status: 'ROUTED' });
  });

  it('fails the run when the bus refuses an event, so that the next run releases the order', async () => {
    const order = await aStoredOrder({ lines: [{ sku: 'PRE-GAME', quantity: 1 }] });
    await routeOrder(routerAt(BEFORE), { kind: 'route', orderId: order.orderId });

    const refused = { ...releaseAt(AFTER), publish: async (events: DomainEvent[]) => events };

    await expect(releasePreorders(refused)).rejects.toThrow(/were not published/);
    expect(await getOrder(order.orderId)).toMatchObject({ status: 'BACKORDERED' });
  });
});
