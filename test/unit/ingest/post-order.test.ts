import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearConfigCache } from '../../../functions/data/config-repository.js';
import { postOrder } from '../../../functions/ingest/post-order.js';
import { metrics } from '../../../functions/shared/observability.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';
import { aCanonicalOrder, aSignedOrderPost } from '../../helpers/factories.js';
import { bodyOf } from '../../helpers/http.js';
import { aChannel, aChannelItem, aChannelOrderKeyItem, anOrder } from '../../helpers/records.js';

/**
 * The ingest handler against a mocked DynamoDB: the races and failures DynamoDB Local can not be
 * made to produce on demand (test/integration/ingest.test.ts covers the happy paths for real).
 */
const ORDERS_TABLE = 'orders-unit';
const CONFIG_TABLE = 'config-unit';

const dynamo = mockClient(DynamoDBDocumentClient);

const savedEnv = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    ORDERS_TABLE,
    CONFIG_TABLE,
    OMS_SECRETS_PROVIDER: 'local',
    OMS_LOCAL_SECRETS: JSON.stringify({ 'oms/channels/web': 'test-secret' }),
  });
});
afterAll(() => {
  process.env = savedEnv;
  dynamo.restore();
});

beforeEach(() => {
  dynamo.reset();
  clearConfigCache();
  givenChannels(aChannel());
});
afterEach(() => vi.restoreAllMocks());

function givenChannels(...channels: ReturnType<typeof aChannel>[]) {
  dynamo.on(GetCommand, { TableName: CONFIG_TABLE }).resolves({});
  for (const channel of channels) {
    dynamo
      .on(GetCommand, { TableName: CONFIG_TABLE, Key: { pk: 'CHANNEL', sk: channel.channelId } })
      .resolves({
        Item: aChannelItem(channel),
      });
  }
}

const transactWrites = () => dynamo.commandCalls(TransactWriteCommand);

const INTERNAL_ERROR = {
  type: 'https://oms.dev/problems/internal',
  title: 'Internal error',
  status: 500,
  detail: 'Something went wrong on our side; it has been logged.',
};

describe('postOrder when DynamoDB races or fails', () => {
  it('stores the order and its channel key in one transaction, each only if it does not exist', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const response = await postOrder(aSignedOrderPost({ order: aCanonicalOrder() }));

    expect(response.statusCode).toBe(202);
    const { orderId } = bodyOf(response);
    const [call] = transactWrites();
    expect(call?.args[0].input.TransactItems).toEqual([
      {
        Put: expect.objectContaining({
          TableName: ORDERS_TABLE,
          Item: expect.objectContaining({
            pk: `ORDER#${orderId}`,
            sk: 'ORDER',
            entityType: 'Order',
            orderId,
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      },
      {
        Put: expect.objectContaining({
          TableName: ORDERS_TABLE,
          Item: expect.objectContaining({ pk: 'CHANNEL#web#EXT#W-1001', sk: 'KEY', orderId }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      },
      {
        Put: expect.objectContaining({
          TableName: ORDERS_TABLE,
          Item: expect.objectContaining({
            pk: `ORDER#${orderId}`,
            sk: 'RAW',
            entityType: 'RawPayload',
            format: 'canonical',
            rawBody: expect.stringContaining('"externalId":"W-1001"'),
          }),
        }),
      },
    ]);
  });

  it('retries a transaction that lost a race (TransactionConflict) and answers 202 when it commits', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('TransactionConflict', 'None'))
      .rejectsOnce(aCanceledTransaction('None', 'TransactionConflict'))
      .resolves({});

    const response = await postOrder(aSignedOrderPost({ order: aCanonicalOrder() }));

    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ orderId: expect.any(String), status: 'RECEIVED' });
    expect(transactWrites()).toHaveLength(3);
  });

  it('answers 200 with the existing order id when the channel key already exists', async () => {
    const existing = anOrder({ orderId: '01JD00000000000000000EXIST' });
    dynamo.on(TransactWriteCommand).rejects(aCanceledTransaction('None', 'ConditionalCheckFailed'));
    dynamo
      .on(GetCommand, { TableName: ORDERS_TABLE, Key: { pk: 'CHANNEL#web#EXT#W-1001', sk: 'KEY' } })
      .resolves({ Item: aChannelOrderKeyItem(existing) });

    const response = await postOrder(aSignedOrderPost({ order: aCanonicalOrder() }));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ orderId: existing.orderId, status: 'ALREADY_RECEIVED' });
    expect(response.headers?.location).toBe(`/v1/orders/${existing.orderId}`);
    expect(transactWrites()).toHaveLength(1);
    expect(dynamo.commandCalls(GetCommand, { TableName: ORDERS_TABLE })[0]?.args[0].input).toMatchObject({
      ConsistentRead: true,
    });
  });

  it('answers 409 naming the existing order when the key holds an order with other content', async () => {
    const existing = anOrder({ orderId: '01JD00000000000000000EXIST' }, { shippingPrice: 0 });
    dynamo.on(TransactWriteCommand).rejects(aCanceledTransaction('None', 'ConditionalCheckFailed'));
    dynamo.on(GetCommand, { TableName: ORDERS_TABLE }).resolves({ Item: aChannelOrderKeyItem(existing) });

    const response = await postOrder(aSignedOrderPost({ order: aCanonicalOrder() }));

    expect(response.statusCode).toBe(409);
    expect(bodyOf(response)).toMatchObject({ status: 409, orderId: existing.orderId, externalId: 'W-1001' });
  });

  it('gives up after three retries when every attempt conflicts, with a 500 that reveals nothing', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(aCanceledTransaction('TransactionConflict', 'TransactionConflict'));

    const response = await postOrder(aSignedOrderPost({ order: aCanonicalOrder() }));

    expect(transactWrites()).toHaveLength(4);
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toEqual(INTERNAL_ERROR);
    expect(response.body).not.toMatch(/Transaction|Conflict|orders-unit|ORDER#/);
  });

  it.each([
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({
        message: 'Rate of requests exceeds capacity',
        $metadata: {},
      }),
    ],
    ['ThrottlingException', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
  ])(
    'answers %s, thrown after the SDK gave up retrying, with a 500 and no retry of its own',
    async (_name, error) => {
      dynamo.on(TransactWriteCommand).rejects(error);
      const addMetric = vi.spyOn(metrics, 'addMetric');

      const response = await postOrder(aSignedOrderPost({ order: aCanonicalOrder() }));

      expect(transactWrites()).toHaveLength(1);
      expect(response.statusCode).toBe(500);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf(response)).toEqual(INTERNAL_ERROR);
      // The alarm on HandlerFailures fires although the invocation succeeded.
      expect(addMetric).toHaveBeenCalledWith('HandlerFailures', 'Count', 1);
    },
  );

  it('answers 500 when the channel names a secret that does not exist, without saying which', async () => {
    givenChannels(aChannel({ channelId: 'pos', secretName: 'oms/channels/missing' }));

    const response = await postOrder(aSignedOrderPost({ channelId: 'pos' }));

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual(INTERNAL_ERROR);
    expect(response.body).not.toMatch(/secret|misconfigured|oms\/channels/);
    expect(transactWrites()).toHaveLength(0);
  });

  it('answers 404 for an unknown channel without writing anything', async () => {
    const response = await postOrder(aSignedOrderPost({ channelId: 'nope' }));

    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({ status: 404, instance: '/v1/channels/nope/orders' });
    expect(transactWrites()).toHaveLength(0);
  });

  it('answers 404 for an inactive channel without writing anything', async () => {
    givenChannels(aChannel({ channelId: 'closed', active: false }));

    const response = await postOrder(aSignedOrderPost({ channelId: 'closed' }));

    expect(response.statusCode).toBe(404);
    expect(transactWrites()).toHaveLength(0);
  });

  it('reads a channel once and serves it from the cache for the next order', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await postOrder(aSignedOrderPost({ order: aCanonicalOrder({ externalId: 'W-1' }) }));
    await postOrder(aSignedOrderPost({ order: aCanonicalOrder({ externalId: 'W-2' }) }));

    expect(dynamo.commandCalls(GetCommand, { TableName: CONFIG_TABLE })).toHaveLength(1);
    expect(transactWrites()).toHaveLength(2);
  });
});
