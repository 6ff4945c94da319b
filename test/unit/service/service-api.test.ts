import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fulfillmentOrderKey } from '../../../functions/data/routing-repository.js';
import {
  commitServiceChange,
  getOrderAggregate,
  getReturnAuthorization,
} from '../../../functions/data/service-repository.js';
import { ConflictError } from '../../../functions/domain/errors.js';
import type { CancelDeps } from '../../../functions/service/deps.js';
import { serviceApi } from '../../../functions/service/service-api.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';
import { anApiEvent } from '../../helpers/factories.js';
import { anOrderItem } from '../../helpers/records.js';
import { ORDER_ID, aFulfillmentOrderIn, aRoutedOrder } from './factories.js';

/**
 * The customer-service API over a mocked DynamoDB: bad input writes nothing, and two agents
 * acting on one order at once (the second transaction finds the order's version moved on, or
 * collides with the first) never both take the same units: the loser reads again and decides again.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const AGENT = { role: 'customer_service' as const, sub: 'carla' };
const order = aRoutedOrder();
const delivered = aFulfillmentOrderIn('DELIVERED', [
  { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2, shipped: 2 },
  { lineId: '2', sku: 'MUG-WHITE', quantity: 1, shipped: 1 },
]);
const unstarted = aFulfillmentOrderIn('CREATED', [
  { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 },
  { lineId: '2', sku: 'MUG-WHITE', quantity: 1 },
]);
const partition = (fo = delivered) => ({
  Items: [
    anOrderItem(order),
    { ...fulfillmentOrderKey(ORDER_ID, fo.fulfillmentOrderId), entityType: 'FulfillmentOrder', ...fo },
  ],
});

let ids = 0;
const releaseLines = vi.fn<CancelDeps['releaseLines']>();
const requestCancel = vi.fn<CancelDeps['requestCancel']>();
const deps: CancelDeps = {
  getOrderAggregate,
  getReturnAuthorization,
  getChannel: async () => undefined,
  commitServiceChange,
  locationExists: async () => true,
  recordMovement: async () => undefined,
  createOrder: async () => ({ orderId: 'EXCHANGE-1' }),
  routingSources: async () => {
    throw new Error('not used here');
  },
  releaseLines,
  requestCancel,
  newId: () => `ID-${++ids}`,
  now: () => new Date('2026-12-01T10:00:00.000Z'),
};

const post = (path: string, routeKey: string, body: unknown, pathParameters: Record<string, string> = {}) =>
  serviceApi(
    anApiEvent({
      method: 'POST',
      path,
      routeKey,
      pathParameters,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      principal: AGENT,
    }),
    deps,
  );
const createReturn = (body: unknown) => post('/v1/returns', 'POST /v1/returns', body);
const cancel = (body: unknown) =>
  post(`/v1/orders/${ORDER_ID}/cancel`, 'POST /v1/orders/{orderId}/cancel', body, { orderId: ORDER_ID });
const aReturn = { orderId: ORDER_ID, lines: [{ lineId: '1', quantity: 1, reason: 'too small' }] };

beforeAll(() => {
  process.env.ORDERS_TABLE = 'Orders';
  process.env.INVENTORY_TABLE = 'Inventory';
  process.env.CONFIG_TABLE = 'Config';
});
afterAll(() => dynamo.restore());
beforeEach(() => {
  dynamo.reset();
  releaseLines.mockReset();
  requestCancel.mockReset();
  dynamo.on(QueryCommand).resolves(partition());
  dynamo.on(GetCommand).resolves({});
  dynamo.on(TransactWriteCommand).resolves({});
});

describe('bad input', () => {
  it.each([
    ['a cancellation of zero units', () => cancel({ reason: 'x', lines: [{ lineId: '1', quantity: 0 }] })],
    ['a cancellation without a reason', () => cancel({ lines: [{ lineId: '1', quantity: 1 }] })],
    [
      'a cancellation naming a line twice',
      () =>
        cancel({
          reason: 'x',
          lines: [
            { lineId: '1', quantity: 1 },
            { lineId: '1', quantity: 1 },
          ],
        }),
    ],
    ['a return with an unknown field', () => createReturn({ ...aReturn, refund: 'all' })],
    [
      'a return of a line the order does not have',
      () => createReturn({ ...aReturn, lines: [{ lineId: '9', quantity: 1, reason: 'x' }] }),
    ],
    ['a body that is not JSON', () => createReturn('{not json')],
    [
      'a receipt in an unknown condition',
      () =>
        post(
          '/v1/returns/R-1/receive',
          'POST /v1/returns/{returnId}/receive',
          {
            locationId: 'STORE-1',
            lines: [{ lineId: '1', quantity: 1, condition: 'broken' }],
          },
          { returnId: 'R-1' },
        ),
    ],
    [
      'an address in no country',
      () =>
        serviceApi(
          anApiEvent({
            method: 'PUT',
            path: `/v1/orders/${ORDER_ID}/shipping-address`,
            routeKey: 'PUT /v1/orders/{orderId}/shipping-address',
            pathParameters: { orderId: ORDER_ID },
            body: JSON.stringify({ address: { line1: 'Rua 1', city: 'Lisboa', country: 'XX' } }),
            principal: AGENT,
          }),
          deps,
        ),
    ],
  ])('answers %s with a 400 problem naming the field, and writes nothing', async (_case, send) => {
    const response = await send();

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(String(response.body)).errors.length).toBeGreaterThan(0);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(releaseLines).not.toHaveBeenCalled();
  });

  it('answers an unknown order with a 404 and an override by ops with a 403', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect((await createReturn(aReturn)).statusCode).toBe(404);

    dynamo.on(QueryCommand).resolves(partition());
    const byOps = await serviceApi(
      anApiEvent({
        method: 'POST',
        path: '/v1/returns',
        routeKey: 'POST /v1/returns',
        body: JSON.stringify({ ...aReturn, override: { reason: 'nice customer' } }),
        principal: { role: 'ops', sub: 'olga' },
      }),
      deps,
    );
    expect(byOps.statusCode).toBe(403);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('two agents at once', () => {
  it('authorizes a return again when another change took the order first (ConditionalCheckFailed)', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('ConditionalCheckFailed', 'None', 'None'))
      .resolves({});

    const response = await createReturn(aReturn);

    expect(response.statusCode).toBe(201);
    const writes = dynamo.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(2);
    // One read for the access check, then one per decision.
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(3);
    // Each attempt is conditional on the version it read.
    const condition = writes[1]!.args[0].input.TransactItems![0]!.Update!;
    expect(condition.ConditionExpression).toBe('#version = :expected');
  });

  it('retries a transaction that collided with another (TransactionConflict) without deciding again', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('TransactionConflict', 'None', 'None'))
      .resolves({});

    expect((await createReturn(aReturn)).statusCode).toBe(201);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('gives up with a 409 when the order keeps changing, having written nothing', async () => {
    dynamo.on(TransactWriteCommand).rejects(aCanceledTransaction('ConditionalCheckFailed', 'None', 'None'));

    const response = await createReturn(aReturn);

    expect(response.statusCode).toBe(409);
    expect(JSON.parse(String(response.body)).detail).toMatch(/kept changing/);
  });

  it('records a cancellation again when the order moved on after its units were released', async () => {
    dynamo.on(QueryCommand).resolves(partition(unstarted));
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('ConditionalCheckFailed', 'None', 'None'))
      .resolves({});

    const response = await cancel({ reason: 'changed mind', lines: [{ lineId: '2', quantity: 1 }] });

    expect(response.statusCode).toBe(200);
    expect(releaseLines).toHaveBeenCalledTimes(1);
    expect(releaseLines).toHaveBeenCalledWith(
      'FO-1',
      { reason: 'changed mind', lines: [{ lineId: '2', quantity: 1 }] },
      expect.objectContaining({ sub: 'carla', role: 'customer_service' }),
    );
    expect(JSON.parse(String(response.body)).refund).toMatchObject({ total: 1476 });
  });

  it('plans again when the location moved on between the plan and the release, and refuses what is gone', async () => {
    const canceled = {
      ...unstarted,
      status: 'CANCELED' as const,
      lines: unstarted.lines.map((line) => ({ ...line, released: line.quantity })),
    };
    const theirs = {
      pk: `ORDER#${ORDER_ID}`,
      sk: 'CANCEL#THEIRS',
      entityType: 'Cancellation',
      cancellationId: 'THEIRS',
      canceled: [{ lineId: '2', sku: 'MUG-WHITE', quantity: 1 }],
    };
    const afterTheirs = { Items: [...partition(canceled).Items, theirs] };
    dynamo
      .on(QueryCommand)
      .resolvesOnce(partition(unstarted))
      .resolvesOnce(partition(unstarted))
      .resolves(afterTheirs);
    releaseLines.mockRejectedValueOnce(new ConflictError('Fulfillment order FO-1 kept changing'));

    const response = await cancel({ reason: 'changed mind', lines: [{ lineId: '2', quantity: 1 }] });

    // The other agent's cancellation released the mug: it is no one's to cancel twice.
    expect(response.statusCode).toBe(409);
    expect(releaseLines).toHaveBeenCalledTimes(1);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
