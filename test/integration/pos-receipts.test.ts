import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { getOrderById } from '../../functions/api/get-order.js';
import { putChannel } from '../../functions/data/config-repository.js';
import { dynamo } from '../../functions/data/dynamo.js';
import { getStockLevels } from '../../functions/data/inventory-repository.js';
import { getMovement } from '../../functions/data/movements-repository.js';
import { findChannelOrderKey, getOrder } from '../../functions/data/orders-repository.js';
import { orderTableEvents } from '../../functions/events/publish-order-events.js';
import { postMovement } from '../../functions/inventory/post-movement.js';
import { postPosSales } from '../../functions/inventory/post-pos-sales.js';
import { anApiEvent, type TestPrincipal } from '../helpers/factories.js';
import { bodyOf } from '../helpers/http.js';
import { aChannel, aLocation, aStreamRecord } from '../helpers/records.js';
import { deliverToRouter, routingMessages } from '../helpers/routing.js';
import { useLocalTables } from '../helpers/tables.js';
import { aMovementPost, givenLocations } from './inventory-fixtures.js';

/**
 * A till receipt uploaded with its sales: the stock leaves once, through the sales' movements,
 * and the receipt becomes one order, COMPLETED at the counter, however often the till sends it.
 */
let tables: Awaited<ReturnType<typeof useLocalTables>>;

beforeAll(async () => {
  tables = await useLocalTables();
  await givenLocations(aLocation('chiado'));
  await putChannel(aChannel({ channelId: 'store-pos', name: 'Store POS', defaultCountry: 'PT' }));
  await putChannel(aChannel({ channelId: 'old-pos', active: false }));
  for (const [sku, quantity] of [
    ['MUG', 10],
    ['TEA', 5],
  ] as const) {
    await postMovement(
      aMovementPost({ type: 'receipt', movementId: `rcv-${sku}`, sku, locationId: 'chiado', quantity }),
    );
  }
});

const aReceiptUpload = (
  receiptId: string,
  overrides: Record<string, unknown> = {},
  { locationId = 'chiado', principal }: { locationId?: string; principal?: TestPrincipal } = {},
) =>
  anApiEvent({
    method: 'POST',
    path: `/v1/locations/${locationId}/pos-sales`,
    pathParameters: { locationId },
    ...(principal && { principal }),
    body: JSON.stringify({
      who: 'till-1',
      channelId: 'store-pos',
      receipts: [{ receiptId, currency: 'EUR', customer: { phone: '912 345 678', name: 'Rita Sousa' } }],
      sales: [
        {
          saleId: `${receiptId}-1`,
          sku: 'MUG',
          quantity: 2,
          occurredAt: '2026-11-22T10:00:00Z',
          receiptId,
          unitPrice: 1200,
          tax: 276,
        },
        {
          saleId: `${receiptId}-2`,
          sku: 'TEA',
          quantity: 1,
          occurredAt: '2026-11-22T10:01:00Z',
          receiptId,
          unitPrice: 550,
        },
      ],
      ...overrides,
    }),
  });

const stockOf = async (sku: string) =>
  (await getStockLevels(sku)).find((level) => level.locationId === 'chiado');

async function partitionOf(orderId: string) {
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: process.env.ORDERS_TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}` },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

describe('a POS upload with a till receipt', () => {
  let orderId: string;

  it('records each sale once and the receipt as one order, however often and however concurrently it is sent', async () => {
    const [first, concurrent] = await Promise.all([
      postPosSales(aReceiptUpload('R-1')),
      postPosSales(aReceiptUpload('R-1')),
    ]);
    const again = await postPosSales(aReceiptUpload('R-1'));
    const bodies = [first, concurrent, again].map((response) => {
      expect(response.statusCode).toBe(200);
      return bodyOf(response) as { orders: { status: string; orderId: string }[]; recorded: number };
    });
    const created = bodies.flatMap((body) => body.orders).filter((order) => order.status === 'created');
    expect(created).toHaveLength(1);
    orderId = created[0]!.orderId;
    expect(bodies.flatMap((body) => body.orders)).toEqual(
      expect.arrayContaining([{ receiptId: 'R-1', status: 'duplicate', orderId }]),
    );
    expect(bodies[2]).toMatchObject({
      recorded: 0,
      duplicates: 2,
      orders: [{ status: 'duplicate', orderId }],
    });
    expect(bodies.reduce((sum, body) => sum + body.recorded, 0)).toBe(2);
    expect(await findChannelOrderKey('store-pos', 'chiado:R-1')).toMatchObject({ orderId });
    expect(await getMovement('pos:chiado:R-1-1')).toMatchObject({
      movement: { type: 'pos_sale', quantity: 2 },
    });
  });

  it('takes the stock once, through the sales, and reserves nothing: the router leaves the order alone', async () => {
    expect(await stockOf('MUG')).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    expect(await stockOf('TEA')).toMatchObject({ onHand: 4, reserved: 0, available: 4 });

    expect((await deliverToRouter(routingMessages.orderReceived(orderId))).batchItemFailures).toEqual([]);

    expect(await stockOf('MUG')).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    expect(await stockOf('TEA')).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    const { Items: markers } = await dynamo().send(
      new QueryCommand({
        TableName: process.env.INVENTORY_TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :res)',
        ExpressionAttributeValues: { ':pk': 'SKU#MUG', ':res': 'RES#' },
        ConsistentRead: true,
      }),
    );
    expect(markers).toEqual([]);
    expect(await getOrder(orderId)).toMatchObject({ status: 'COMPLETED', version: 1 });
  });

  it('keeps the order with its customer key, its goods collected at the store and the receipt as sent', async () => {
    const order = await getOrder(orderId);
    expect(order).toMatchObject({
      channelId: 'store-pos',
      externalId: 'chiado:R-1',
      placedAt: '2026-11-22T10:01:00.000Z',
      currency: 'EUR',
      customer: { phone: '912 345 678', name: 'Rita Sousa' },
      customerKey: 'phone:+351912345678',
      fulfillment: { type: 'pickup', locationId: 'chiado' },
      counterSale: { locationId: 'chiado', receiptId: 'R-1' },
      reconciliation: { computed: { subtotal: 2950, tax: 276, total: 3226 } },
    });
    const items = await partitionOf(orderId);
    expect(items.map((item) => item.entityType).sort()).toEqual(['FulfillmentOrder', 'Order', 'RawPayload']);
    const collected = items.find((item) => item.entityType === 'FulfillmentOrder');
    expect(collected).toMatchObject({ kind: 'pickup', status: 'PICKED_UP', locationId: 'chiado' });
    expect(collected).not.toHaveProperty('workQueue');
    expect(collected).not.toHaveProperty('openWork');
    const raw = items.find((item) => item.entityType === 'RawPayload');
    expect(raw).toMatchObject({ format: 'pos-receipt' });
    expect(JSON.parse(String(raw?.rawBody))).toMatchObject({ receipt: { receiptId: 'R-1' } });

    const view = await getOrderById(
      anApiEvent({ method: 'GET', path: `/v1/orders/${orderId}`, pathParameters: { orderId } }),
    );
    expect(view.statusCode).toBe(200);
    expect(bodyOf(view)).toMatchObject({
      status: 'COMPLETED',
      fulfillmentOrders: [
        expect.objectContaining({ kind: 'pickup', status: 'PICKED_UP', locationId: 'chiado' }),
      ],
    });
  });

  it('announces the order once, as received and completed, with no personal data', async () => {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: process.env.ORDERS_TABLE, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' } }),
    );
    const events = orderTableEvents(aStreamRecord({ newItem: Item! }));
    expect(events.map((event) => event.detailType)).toEqual(['OrderReceived']);
    expect(events[0]?.detail).toMatchObject({ status: 'COMPLETED', pickupLocationId: 'chiado' });
    expect(JSON.stringify(events)).not.toMatch(/Rita|912|345 678/);
    const collected = (await partitionOf(orderId)).find((item) => item.entityType === 'FulfillmentOrder');
    expect(orderTableEvents(aStreamRecord({ newItem: collected! }))).toEqual([]);
  });

  it('rejects the order of a receipt sent again with other content, or whose sale was another sale, and keeps the rest', async () => {
    const changed = bodyOf(
      await postPosSales(
        aReceiptUpload('R-1', {
          receipts: [{ receiptId: 'R-1', currency: 'EUR', customer: { email: 'someone@else.com' } }],
        }),
      ),
    );
    expect(changed.orders).toEqual([
      { receiptId: 'R-1', status: 'rejected', orderId, error: expect.stringContaining('other sales') },
    ]);

    // R-2's first sale reuses the id of R-1's first sale for another sale.
    const reused = bodyOf(
      await postPosSales(
        aReceiptUpload('R-2', {
          sales: [
            {
              saleId: 'R-1-1',
              sku: 'TEA',
              quantity: 3,
              occurredAt: '2026-11-22T11:00:00Z',
              receiptId: 'R-2',
              unitPrice: 1,
            },
          ],
        }),
      ),
    );
    expect(reused).toMatchObject({ rejected: 1, orders: [{ receiptId: 'R-2', status: 'rejected' }] });
    expect(await findChannelOrderKey('store-pos', 'chiado:R-2')).toBeUndefined();
    expect(await stockOf('TEA')).toMatchObject({ onHand: 4 });
  });

  it('refuses a batch naming no active POS channel, one the caller may not sell for, or an invalid receipt, writing nothing', async () => {
    const before = await Promise.all(
      ['ORDERS_TABLE', 'INVENTORY_TABLE'].map((table) => tables.itemCount(table)),
    );
    const inactive = await postPosSales(aReceiptUpload('R-3', { channelId: 'old-pos' }));
    const unknown = await postPosSales(aReceiptUpload('R-3', { channelId: 'nowhere' }));
    const unpriced = await postPosSales(
      aReceiptUpload('R-3', {
        sales: [
          { saleId: 'R-3-1', sku: 'MUG', quantity: 1, occurredAt: '2026-11-22T12:00:00Z' },
          { saleId: 'R-3-2', sku: 'MUG', quantity: 1, occurredAt: '2026-11-22T12:00:00Z', receiptId: 'R-3' },
        ],
      }),
    );
    for (const response of [inactive, unknown, unpriced]) {
      expect(response.statusCode).toBe(400);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
    }
    expect(bodyOf(inactive).errors).toEqual([expect.objectContaining({ path: 'channelId' })]);
    expect(bodyOf(unpriced).errors).toEqual([expect.objectContaining({ path: 'sales/1/unitPrice' })]);
    // A till app limited to another channel may record stock here, but not this channel's orders.
    const elsewhere = await postPosSales(
      aReceiptUpload(
        'R-3',
        {},
        {
          principal: {
            role: 'integration',
            clientId: 'till-app',
            channelIds: ['web'],
            scopes: ['oms/inventory.write'],
          },
        },
      ),
    );
    expect((await postPosSales(aReceiptUpload('R-3', {}, { locationId: 'atlantis' }))).statusCode).toBe(404);
    expect(elsewhere.statusCode).toBe(403);
    expect(
      await Promise.all(['ORDERS_TABLE', 'INVENTORY_TABLE'].map((table) => tables.itemCount(table))),
    ).toEqual(before);
  });
});
