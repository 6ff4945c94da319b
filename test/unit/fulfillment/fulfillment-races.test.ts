import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearConfigCache, locationKey } from '../../../functions/data/config-repository.js';
import { stockKey } from '../../../functions/data/inventory-repository.js';
import {
  capacityKey,
  fulfillmentOrderKey,
  reservationKey,
} from '../../../functions/data/routing-repository.js';
import { ConflictError } from '../../../functions/domain/errors.js';
import { performFulfillmentAction } from '../../../functions/fulfillment/perform-action.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';
import { anActor } from '../../helpers/factories.js';
import { aLocation, anOrder, anOrderItem } from '../../helpers/records.js';

/**
 * Two store devices acting on one fulfillment order at once, and DynamoDB's answers that DynamoDB
 * Local never gives: a transaction canceled because another one touched the same items
 * (TransactionConflict), and a condition that failed because the other device won.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const order = anOrder({ orderId: 'ORD-1', status: 'ROUTED', version: 3 });
const STORE = aLocation('STORE-1', { timeZone: 'Europe/Lisbon' });
const CREATED_AT = '2026-12-01T09:00:00.000Z';
const routerRecord = {
  ...fulfillmentOrderKey('ORD-1', 'FO-1'),
  entityType: 'FulfillmentOrder',
  fulfillmentOrderId: 'FO-1',
  orderId: 'ORD-1',
  locationId: 'STORE-1',
  kind: 'ship',
  lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }],
  status: 'CREATED',
  createdAt: CREATED_AT,
};
const caller = { actor: anActor({ sub: 'ana', role: 'store' }), mayActAt: () => undefined };

beforeAll(() => {
  process.env.ORDERS_TABLE = 'Orders';
  process.env.INVENTORY_TABLE = 'Inventory';
  process.env.CONFIG_TABLE = 'Config';
});
afterAll(() => dynamo.restore());

/** The reservation marker of the fulfillment order's SKU, and the order, as BatchGet reads them. */
function markersHold(quantity: number) {
  const marker = {
    ...reservationKey('MUG', 'ORD-1', 'STORE-1'),
    sku: 'MUG',
    locationId: 'STORE-1',
    quantity,
  };
  dynamo
    .on(BatchGetCommand)
    .callsFake((input: { RequestItems: Record<string, unknown> }) =>
      'Inventory' in input.RequestItems
        ? { Responses: { Inventory: [marker] } }
        : { Responses: { Orders: [anOrderItem(order)] } },
    );
}

function stored(record: Record<string, unknown>) {
  dynamo
    .on(GetCommand, { TableName: 'Orders', Key: fulfillmentOrderKey('ORD-1', 'FO-1') })
    .resolves({ Item: record });
  dynamo
    .on(QueryCommand, { TableName: 'Orders', KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fo)' })
    .resolves({ Items: [record] });
}

beforeEach(() => {
  dynamo.reset();
  clearConfigCache();
  dynamo.on(QueryCommand, { IndexName: 'byFulfillmentOrder' }).resolves({ Items: [{ orderId: 'ORD-1' }] });
  dynamo
    .on(GetCommand, { TableName: 'Orders', Key: { pk: 'ORDER#ORD-1', sk: 'ORDER' } })
    .resolves({ Item: anOrderItem(order) });
  markersHold(2);
  dynamo
    .on(QueryCommand, { TableName: 'Config' })
    .resolves({ Items: [{ ...locationKey('STORE-1'), entityType: 'Location', ...STORE }] });
  stored(routerRecord);
});

describe('a fulfillment action racing another writer', () => {
  it('retries a transaction that collided with another (TransactionConflict) and commits it once', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('TransactionConflict', 'None'))
      .resolves({});

    const view = await performFulfillmentAction('FO-1', 'accept', {}, caller);

    expect(view).toMatchObject({
      status: 'ACCEPTED',
      version: 1,
      history: [{ action: 'accept', actor: { sub: 'ana' } }],
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('answers 409 naming ACCEPTED to the second of two devices accepting at once, and writes nothing more', async () => {
    // The other device's accept lands between our read and our write: our condition fails.
    dynamo.on(TransactWriteCommand).rejectsOnce(aCanceledTransaction('ConditionalCheckFailed', 'None'));
    dynamo
      .on(GetCommand, { TableName: 'Orders', Key: fulfillmentOrderKey('ORD-1', 'FO-1') })
      .resolvesOnce({ Item: routerRecord })
      .resolves({
        Item: {
          ...routerRecord,
          status: 'ACCEPTED',
          version: 1,
          packages: [],
          shipments: [],
          updatedAt: CREATED_AT,
          lines: [{ lineId: '1', sku: 'MUG', quantity: 2, picked: 0, packed: 0, shipped: 0, released: 0 }],
        },
      });

    const attempt = performFulfillmentAction('FO-1', 'accept', {}, caller);

    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toMatchObject({ details: { currentState: 'ACCEPTED', action: 'accept' } });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('gives up with a retryable 409 when the fulfillment order keeps changing, having written nothing', async () => {
    dynamo.on(TransactWriteCommand).rejects(aCanceledTransaction('None', 'ConditionalCheckFailed'));

    await expect(performFulfillmentAction('FO-1', 'accept', {}, caller)).rejects.toMatchObject({
      kind: 'conflict',
      details: { retryable: true },
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(6);
  });

  it('throws when collisions go on, so that nothing is remembered for the Idempotency-Key', async () => {
    dynamo.on(TransactWriteCommand).rejects(aCanceledTransaction('TransactionConflict', 'None'));

    await expect(performFulfillmentAction('FO-1', 'accept', {}, caller)).rejects.toThrow(/cancel/i);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(5);
  });
});

describe('a reject', () => {
  it('writes the fulfillment order, the order, the stock, the marker and the capacity in one transaction', async () => {
    dynamo.on(GetCommand, { TableName: 'Inventory' }).resolves({ Item: { used: 4 } });
    dynamo.on(TransactWriteCommand).resolves({});

    await performFulfillmentAction('FO-1', 'reject', { reason: 'broken shelf' }, caller);

    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((item) => Object.keys(item)[0])).toEqual([
      'Put',
      'Update',
      'Delete',
      'Update',
      'Update',
    ]);
    expect(items[0]!.Put).toMatchObject({
      Item: {
        status: 'REJECTED',
        version: 1,
        workQueue: 'STORE-1#REJECTED',
        outbox: [expect.objectContaining({ detailType: 'FulfillmentOrderRejected' })],
      },
      ConditionExpression: 'attribute_not_exists(#version) AND #status = :status',
    });
    expect(items[1]!.Update).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: {
        ':expected': 3,
        ':status': 'PARTIALLY_ROUTED',
        ':pending': { fulfillmentOrderId: 'FO-1', lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }] },
        ':location': ['STORE-1'],
      },
    });
    expect(items[2]!.Delete).toMatchObject({
      Key: reservationKey('MUG', 'ORD-1', 'STORE-1'),
      ExpressionAttributeValues: { ':read': 2 },
    });
    expect(items[3]!.Update).toMatchObject({
      Key: stockKey('MUG', 'STORE-1'),
      ExpressionAttributeValues: { ':onHand': 0, ':reserved': -2, ':available': 2 },
    });
    expect(items[4]!.Update).toMatchObject({
      Key: capacityKey('STORE-1', '2026-12-01'),
      ExpressionAttributeValues: { ':left': 3, ':used': 4 },
    });
  });

  it('reads again when the reservation marker holds less than the units to give back (another writer released them)', async () => {
    markersHold(1);

    await expect(
      performFulfillmentAction('FO-1', 'reject', { reason: 'broken shelf' }, caller),
    ).rejects.toMatchObject({
      details: { retryable: true },
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('an accepted cancel request', () => {
  const mugs = anOrder(
    { orderId: 'ORD-1', status: 'IN_FULFILLMENT' as never, version: 3, shippingPrice: 500, shippingTax: 0 },
    {
      lines: [{ lineId: '1', sku: 'MUG', quantity: 2, unitPrice: 1000, discount: 0, tax: 230 }],
      totals: undefined,
    },
  );
  const requested = {
    ...routerRecord,
    status: 'ACCEPTED',
    version: 2,
    packages: [],
    shipments: [],
    updatedAt: CREATED_AT,
    lines: [{ lineId: '1', sku: 'MUG', quantity: 2, picked: 0, packed: 0, shipped: 0, released: 0 }],
    cancelRequest: { reason: 'customer changed their mind', requestedAt: CREATED_AT },
  };

  beforeEach(() => {
    dynamo
      .on(GetCommand, { TableName: 'Orders', Key: { pk: 'ORDER#ORD-1', sk: 'ORDER' } })
      .resolves({ Item: anOrderItem(mugs) });
    stored(requested);
    // The order's earlier cancellations and refunds: none.
    dynamo
      .on(QueryCommand, { TableName: 'Orders', KeyConditionExpression: 'pk = :pk' })
      .resolves({ Items: [] });
    dynamo.on(GetCommand, { TableName: 'Inventory' }).resolves({ Item: { used: 4 } });
  });

  it('retries a transaction that collided with another and commits the release, the cancellation and its refund once', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('TransactionConflict', 'None'))
      .resolves({});

    const view = await performFulfillmentAction('FO-1', 'accept-cancel', {}, caller);

    expect(view).toMatchObject({ status: 'CANCELED', cancelAnswers: [{ answer: 'accepted' }] });
    const calls = dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    const items = calls[1]!.args[0].input.TransactItems!;
    const puts = items.flatMap((item) => (item.Put ? [item.Put.Item!] : []));
    expect(puts.map((item) => item.entityType)).toEqual(['FulfillmentOrder', 'Cancellation', 'Refund']);
    const [answered, cancellation, refund] = puts;
    expect(answered).toMatchObject({ status: 'CANCELED', cancelAnswers: [{ answer: 'accepted' }] });
    expect(answered).not.toHaveProperty('cancelRequest');
    expect(cancellation).toMatchObject({
      reason: 'customer changed their mind',
      canceled: [{ lineId: '1', sku: 'MUG', quantity: 2 }],
      wholeOrder: true,
      accepted: { fulfillmentOrderId: 'FO-1', locationId: 'STORE-1' },
      by: { type: 'user', sub: 'ana', role: 'store' },
    });
    // Nothing of the order is left, so its shipping goes back too: 2 × 10.00 + 2.30 tax + 5.00.
    expect(refund).toMatchObject({
      cause: 'cancellation',
      sourceId: cancellation!.cancellationId,
      shipping: { total: 500 },
      total: 2730,
    });
    expect(items[1]!.Update).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#set0': 'canceledUnits', '#set1': 'canceledBy' },
      ExpressionAttributeValues: {
        ':expected': 3,
        ':status': 'CANCELED',
        ':set0': [{ lineId: '1', sku: 'MUG', quantity: 2 }],
        ':set1': cancellation!.cancellationId,
      },
    });
    expect(items.some((item) => item.Delete?.Key?.sk === reservationKey('MUG', 'ORD-1', 'STORE-1').sk)).toBe(
      true,
    );
  });

  it('decides again from fresh records when another refund moved the order on first', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('None', 'ConditionalCheckFailed'))
      .resolves({});

    await performFulfillmentAction('FO-1', 'accept-cancel', {}, caller);

    const partitionReads = dynamo
      .commandCalls(QueryCommand)
      .filter((call) => call.args[0].input.KeyConditionExpression === 'pk = :pk');
    expect(partitionReads).toHaveLength(2);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });
});
