import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Rejection, UpdateKey } from '../../../functions/data/channel-updates-store.js';
import { createChannelUpdatesConsumer } from '../../../functions/channels/updates/consume.js';
import {
  deliverChannelUpdate,
  type DeliverUpdateDeps,
} from '../../../functions/channels/updates/deliver-update.js';
import {
  aShopifyOrder,
  startFakeShopifyAdmin,
  type FakeShopifyAdmin,
} from '../../helpers/fake-shopify-admin.js';
import {
  aBatch,
  aLambdaContext,
  aQueueRecord,
  aRefundRecorded,
  aShipmentCreated,
  anEnvelope,
  anOrderCanceled,
  anUpdatesChannel,
  inMemoryIdempotency,
  instantSleep,
} from './updates-factories.js';

/**
 * The channel-updates queue consumer: each message alone (a failure fails only its own message),
 * each update once, retryable failures back to the queue, refusals on to the dead-letter queue.
 */
let fake: FakeShopifyAdmin;
let deliverDeps: DeliverUpdateDeps;
let rejections: Map<string, Rejection>;

beforeEach(async () => {
  fake = await startFakeShopifyAdmin();
  fake.addOrder(aShopifyOrder('450789469', [{ id: '466157049', price: '11.99', quantity: 2 }]));
  deliverDeps = {
    getChannel: async () => anUpdatesChannel('shopify', fake.baseUrl),
    resolveSecret: async () => fake.token,
    isFullyShipped: async () => false,
    locationName: async () => undefined,
    now: Date.now,
    budgetMs: 2_000,
    http: { sleep: instantSleep().sleep, timeoutMs: 300 },
  };
  rejections = new Map();
});
afterEach(() => fake.close());

const keyOf = ({ eventId, channelId }: UpdateKey) => `${channelId}/${eventId}`;

function consumer(
  deliver = (update: Parameters<typeof deliverChannelUpdate>[1]) => deliverChannelUpdate(deliverDeps, update),
) {
  const idempotency = inMemoryIdempotency();
  const handler = createChannelUpdatesConsumer({
    deliver,
    persistenceStore: idempotency.store,
    findRejection: async (key) => rejections.get(keyOf(key)),
    recordRejection: async (key, reason, now) => {
      rejections.set(keyOf(key), { reason, rejectedAt: now.toISOString() });
    },
    now: () => new Date('2026-12-01T10:00:00Z'),
  });
  return { handler, idempotency };
}

const shipment = () => anEnvelope('ShipmentCreated', aShipmentCreated());
const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);
const fulfillmentsCreated = () => fake.writes().filter((write) => write.path.endsWith('/fulfillments.json'));

describe('the channel-updates consumer', () => {
  it('tells the channel and reports no failure', async () => {
    const { handler } = consumer();

    const response = await handler(aBatch(aQueueRecord(shipment())), aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect(fulfillmentsCreated()).toHaveLength(1);
  });

  it('delivers an event delivered twice once, in one batch or in two', async () => {
    const { handler } = consumer();

    const first = await handler(aBatch(aQueueRecord(shipment()), aQueueRecord(shipment())), aLambdaContext());
    const second = await handler(aBatch(aQueueRecord(shipment(), 2)), aLambdaContext());

    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(fulfillmentsCreated()).toHaveLength(1);
    // The duplicates were answered from the idempotency record, without asking Shopify again.
    expect(fake.requests.filter((request) => request.path.endsWith('/fulfillments.json'))).toHaveLength(2);
  });

  it('fails a duplicate that arrives while the first is being delivered, and answers it from the record later', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const deliver = vi.fn(async (update: Parameters<typeof deliverChannelUpdate>[1]) => {
      await gate;
      return deliverChannelUpdate(deliverDeps, update);
    });
    const { handler } = consumer(deliver);
    const first = handler(aBatch(aQueueRecord(shipment())), aLambdaContext());
    await vi.waitFor(() => expect(deliver).toHaveBeenCalledTimes(1));

    const duplicate = aQueueRecord(shipment());
    const concurrent = await handler(aBatch(duplicate), aLambdaContext());
    release();

    expect((await first).batchItemFailures).toEqual([]);
    expect(failedIds(concurrent)).toEqual([duplicate.messageId]);
    const later = await handler(aBatch(aQueueRecord(shipment(), 2)), aLambdaContext());
    expect(later.batchItemFailures).toEqual([]);
    expect(deliver).toHaveBeenCalledTimes(1);
    expect(fulfillmentsCreated()).toHaveLength(1);
  });

  it('fails only the message whose channel call failed, which is then delivered on a later receive', async () => {
    const { handler } = consumer();
    fake.inject({
      times: 1,
      match: (request) => request.path.endsWith('/cancel.json'),
      reply: { status: 503 },
    });
    const cancel = aQueueRecord(anEnvelope('OrderCanceled', anOrderCanceled()));
    const ship = aQueueRecord(shipment());

    const response = await handler(aBatch(cancel, ship), aLambdaContext());
    expect(failedIds(response)).toEqual([cancel.messageId]);
    expect(fulfillmentsCreated()).toHaveLength(1);

    const retried = await handler(
      aBatch({ ...cancel, attributes: { ...cancel.attributes, ApproximateReceiveCount: '2' } }),
      aLambdaContext(),
    );
    expect(retried.batchItemFailures).toEqual([]);
    expect(fake.order('450789469')!.cancelledAt).toBeDefined();
  });

  it('fails, for a later retry, an update whose channel does not answer in time', async () => {
    const { handler } = consumer();
    fake.inject({ times: 1, match: (request) => request.method === 'POST', reply: 'hang' });
    const record = aQueueRecord(shipment());

    const response = await handler(aBatch(record), aLambdaContext());
    const retried = await handler(aBatch(aQueueRecord(shipment(), 2)), aLambdaContext());

    expect(failedIds(response)).toEqual([record.messageId]);
    expect(retried.batchItemFailures).toEqual([]);
    // The hung request was not answered; the retry looked for the tracking number first, then created it.
    expect(fulfillmentsCreated()).toHaveLength(2);
    expect(fake.order('450789469')!.fulfillments).toHaveLength(1);
  });

  it('fails a message whose delivery throws, and delivers it when asked again', async () => {
    const deliver = vi
      .fn<Parameters<typeof consumer>[0] & object>()
      .mockRejectedValueOnce(new Error('socket hang up'))
      .mockImplementation((update) => deliverChannelUpdate(deliverDeps, update));
    const { handler } = consumer(deliver);
    const record = aQueueRecord(shipment());

    expect(failedIds(await handler(aBatch(record), aLambdaContext()))).toEqual([record.messageId]);
    expect((await handler(aBatch(aQueueRecord(shipment(), 2)), aLambdaContext())).batchItemFailures).toEqual(
      [],
    );
    expect(deliver).toHaveBeenCalledTimes(2);
  });

  it('dead-letters a refusal: fails it, stores why, and does not ask the channel again on its redeliveries', async () => {
    const { handler } = consumer();
    fake.inject({
      times: 1,
      match: (request) => request.path.endsWith('/refunds/calculate.json'),
      reply: {
        status: 422,
        body: { errors: { refund_line_items: ['quantity exceeds refundable quantity'] } },
      },
    });
    const refund = anEnvelope('RefundRecorded', aRefundRecorded());
    const record = aQueueRecord(refund);

    const response = await handler(aBatch(record), aLambdaContext());
    const requestsBefore = fake.requests.length;
    const redelivered = await handler(aBatch(aQueueRecord(refund, 2)), aLambdaContext());

    expect(failedIds(response)).toEqual([record.messageId]);
    expect(redelivered.batchItemFailures).toHaveLength(1);
    expect(fake.requests).toHaveLength(requestsBefore);
    expect(rejections.get('shopify/RF1:recorded')?.reason).toMatch(
      /HTTP 422: .*quantity exceeds refundable quantity/,
    );
  });

  it('asks the channel again when a refused message was redriven (its first receive again)', async () => {
    const { handler } = consumer();
    rejections.set('shopify/RF1:recorded', { reason: 'HTTP 401', rejectedAt: '2026-12-01T09:00:00Z' });

    const response = await handler(
      aBatch(aQueueRecord(anEnvelope('RefundRecorded', aRefundRecorded()), 1)),
      aLambdaContext(),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.order('450789469')!.refunds).toHaveLength(1);
  });

  it('dead-letters a message that is not an event it knows, without calling anyone', async () => {
    const { handler } = consumer();
    const broken = aQueueRecord('{not json');
    const incomplete = aQueueRecord(
      anEnvelope('ShipmentCreated', { ...aShipmentCreated(), shipment: { carrier: 'UPS' } }),
    );

    const response = await handler(aBatch(broken, incomplete), aLambdaContext());

    expect(failedIds(response)).toEqual([broken.messageId, incomplete.messageId]);
    expect(fake.requests).toEqual([]);
  });

  it('skips, without failing, a channel that has no API credentials', async () => {
    deliverDeps.getChannel = async () => anUpdatesChannel('shopify', fake.baseUrl, { api: undefined });
    const { handler } = consumer();

    const response = await handler(aBatch(aQueueRecord(shipment())), aLambdaContext());

    expect(response.batchItemFailures).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('keys delivered updates by event and channel in the idempotency store', async () => {
    const { handler, idempotency } = consumer();

    await handler(aBatch(aQueueRecord(shipment())), aLambdaContext());

    const [record] = [...idempotency.values.values()].map(
      (value) => JSON.parse(value) as Record<string, unknown>,
    );
    expect(record).toMatchObject({ status: 'COMPLETED', data: { outcome: 'sent' } });
  });
});
