import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { putLocation } from '../../functions/data/config-repository.js';
import { getFulfillmentOrderById, listWorkQueue } from '../../functions/data/fulfillment-repository.js';
import { putStockLevel } from '../../functions/data/inventory-repository.js';
import { commitRoutingPlan } from '../../functions/data/routing-repository.js';
import { ValidationError } from '../../functions/domain/errors.js';
import { getWorkQueue } from '../../functions/fulfillment/list-work-queue.js';
import type { FulfillmentOrder } from '../../functions/domain/routing/routing-input.js';
import { newStockLevel } from '../../functions/domain/stock.js';
import { bodyOf } from '../helpers/http.js';
import { aLocation } from '../helpers/records.js';
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
  await putLocation(aLocation('queue-store'));
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

describe('GET /v1/locations/{locationId}/fulfillment-orders?statuses=', () => {
  const listed = (query: Record<string, string>) =>
    getWorkQueue({
      rawPath: '/v1/locations/queue-store/fulfillment-orders',
      pathParameters: { locationId: 'queue-store' },
      queryStringParameters: query,
    } as unknown as APIGatewayProxyEventV2);

  it('answers several statuses in one call, each its first page, with the cursor of each that has more', async () => {
    const response = await listed({ statuses: 'CREATED,ACCEPTED', limit: '5' });

    expect(response.statusCode).toBe(200);
    const body = bodyOf(response);
    expect(body).toMatchObject({ locationId: 'queue-store', statuses: ['CREATED', 'ACCEPTED'] });
    expect(body.status).toBeUndefined();
    expect(body.items).toHaveLength(5);
    expect(body.items.every((fo: { status: string }) => fo.status === 'CREATED')).toBe(true);
    expect(Object.keys(body.nextCursors)).toEqual(['CREATED']);
    const next = bodyOf(await listed({ status: 'CREATED', limit: '5', cursor: body.nextCursors.CREATED }));
    expect(next.items[0].fulfillmentOrderId).toBe('FO-Q-005');
  });

  it.each([
    [{ statuses: 'CREATED', status: 'ACCEPTED' }, 'statuses'],
    [{ statuses: 'CREATED', cursor: 'e30' }, 'cursor'],
    [{ statuses: 'CREATED,CREATED' }, 'statuses'],
    [{ statuses: 'CREATED,PENDING' }, 'statuses/1'],
    [{ statuses: '' }, 'statuses/0'],
  ])('refuses %o with a 400 naming %s', async (query, path) => {
    const response = await listed(query);

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).errors.map((error: { path: string }) => error.path)).toContain(path);
  });
});
