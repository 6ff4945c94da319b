import { beforeAll, describe, expect, it } from 'vitest';
import { getFulfillmentOrderById, listWorkQueue } from '../../functions/data/fulfillment-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { commitRoutingPlan } from '../../functions/data/routing-repository.js';
import { ValidationError } from '../../functions/domain/errors.js';
import type { FulfillmentOrder } from '../../functions/domain/routing/routing-input.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { aPlanWithoutShipments, aStoredOrder } from '../helpers/routing.js';
import { useLocalTables } from '../helpers/tables.js';

/**
 * The work queue index on DynamoDB Local: a large routing commit writes some fulfillment orders
 * PENDING first; none of them is in a queue until the plan holds, then all are, oldest first,
 * page after page with cursors that belong to the query.
 */
const NOW = '2026-12-01T10:00:00.000Z';

beforeAll(async () => {
  await useLocalTables();
  await putStockLevel(newStockLevel({ sku: 'Q-SKU', locationId: 'queue-store', onHand: 100, now: NOW }));
});

const fulfillmentOrder = (orderId: string, index: number): FulfillmentOrder => ({
  fulfillmentOrderId: `FO-Q-${String(index).padStart(3, '0')}`,
  orderId,
  locationId: 'queue-store',
  kind: 'ship',
  lines: [{ lineId: '1', sku: 'Q-SKU', quantity: 1 }],
  status: 'CREATED',
  createdAt: `2026-12-01T10:00:${String(index).padStart(2, '0')}.000Z`,
});

describe("a location's work queue (DynamoDB Local)", () => {
  it('lists every fulfillment order of a chunked commit once announced, oldest first, in pages', async () => {
    const order = await aStoredOrder({ lines: [{ sku: 'Q-SKU', quantity: 1 }] });
    const fulfillmentOrders = Array.from({ length: 12 }, (_, index) =>
      fulfillmentOrder(order.orderId, index),
    );

    const result = await commitRoutingPlan(
      {
        orderId: order.orderId,
        expectedVersion: order.version,
        commitId: 'queue-1',
        status: 'ROUTED',
        plan: aPlanWithoutShipments(),
        fulfillmentOrders,
        reservations: [{ sku: 'Q-SKU', locationId: 'queue-store', quantity: 12 }],
        now: NOW,
      },
      // Small transactions, so that most fulfillment orders are written PENDING first.
      6,
    );
    expect(result.kind).toBe('committed');

    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listWorkQueue('queue-store', 'CREATED', { limit: 5, ...(cursor && { cursor }) });
      listed.push(...page.items.map((fo) => fo.fulfillmentOrderId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed).toEqual(fulfillmentOrders.map((fo) => fo.fulfillmentOrderId));
    expect((await listWorkQueue('queue-store', 'PENDING', { limit: 100 })).items).toEqual([]);
    expect(await getFulfillmentOrderById('FO-Q-000')).toMatchObject({ status: 'CREATED', version: 0 });
  });

  it("refuses a cursor of another location's queue", async () => {
    const foreign = Buffer.from(
      JSON.stringify({ pk: 'ORDER#1', sk: 'FO#1', workQueue: 'other-store#CREATED', workSince: 'x' }),
    ).toString('base64url');

    await expect(
      listWorkQueue('queue-store', 'CREATED', { limit: 5, cursor: foreign }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
