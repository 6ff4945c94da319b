import { EventBridgeClient, PutEventsCommand, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { AttributeValue, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { publishOrderEvents } from '../../../functions/events/publish-order-events.js';
import { eventBridgeOnFirstUse, publishEvents } from '../../../functions/shared/event-publisher.js';
import {
  aChannelOrderKeyItem,
  anOrder,
  anOrderItem,
  aStreamEvent,
  aStreamRecord,
} from '../../helpers/records.js';

const EVENT_BUS_NAME = 'oms-unit-bus';
const eventBridge = mockClient(EventBridgeClient);

beforeAll(() => {
  process.env.EVENT_BUS_NAME = EVENT_BUS_NAME;
});
afterAll(() => {
  delete process.env.EVENT_BUS_NAME;
  eventBridge.restore();
});

beforeEach(() => {
  eventBridge.reset();
  // The publisher backs off between attempts with setTimeout; fake timers keep the tests instant.
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the handler to completion, letting the backoff timers fire. */
async function publish(event: DynamoDBStreamEvent) {
  const result = publishOrderEvents(event);
  await vi.runAllTimersAsync();
  return result;
}

/** An INSERT of a new order whose id (and so eventId) is derived from `n`. */
function anOrderInsert(n: number) {
  const orderId = `01JD${String(n).padStart(22, '0')}`;
  return aStreamRecord({ newItem: anOrderItem(anOrder({ orderId })), sequenceNumber: String(1000 + n) });
}

/** PutEvents answers: one result entry per request entry, `failing` of them with an error code. */
function putEventsResult(entryCount: number, failing: (index: number) => boolean = () => false) {
  const Entries: PutEventsResultEntry[] = Array.from({ length: entryCount }, (_, index) =>
    failing(index)
      ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
      : { EventId: `evt-${index}` },
  );
  return { FailedEntryCount: Entries.filter((entry) => entry.ErrorCode).length, Entries };
}

/** Answers every PutEvents call according to its entries, failing those whose detail matches. */
function eventBridgeFailing(isFailing: (detail: { eventId: string }) => boolean) {
  eventBridge.on(PutEventsCommand).callsFake(({ Entries = [] }) => {
    const details = Entries.map((entry: { Detail?: string }) => JSON.parse(entry.Detail ?? '{}'));
    return putEventsResult(details.length, (index) => isFailing(details[index]));
  });
}

const putEventsCalls = () => eventBridge.commandCalls(PutEventsCommand);
const sentEventIds = () =>
  putEventsCalls().flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => JSON.parse(entry.Detail ?? '{}').eventId as string),
  );

describe('publishOrderEvents', () => {
  it('publishes OrderReceived to the OMS bus when an order is inserted', async () => {
    eventBridgeFailing(() => false);
    const order = anOrder();

    const result = await publish(aStreamEvent([aStreamRecord({ newItem: anOrderItem(order) })]));

    expect(result).toEqual({ batchItemFailures: [] });
    const entries = putEventsCalls().flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      Source: 'oms',
      DetailType: 'OrderReceived',
      EventBusName: EVENT_BUS_NAME,
    });
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({
      version: '1',
      eventId: `${order.orderId}:v1`,
      orderId: order.orderId,
      channelId: 'web',
      externalId: 'W-1001',
      status: 'RECEIVED',
    });
  });

  it('publishes OrderReceived for an order holding empty maps that DynamoDB Local streams as bare {}', async () => {
    eventBridgeFailing(() => false);
    const record = aStreamRecord({ newItem: anOrderItem(anOrder()) });
    const image = record.dynamodb!.NewImage!;
    const bareEmptyMap = {} as AttributeValue;
    image.customer = bareEmptyMap;
    image.lines = { L: [{ M: { ...image.lines!.L![0]!.M, attributes: bareEmptyMap } }] };

    const response = await publish(aStreamEvent([record]));

    expect(response.batchItemFailures).toEqual([]);
    const [entry] = putEventsCalls()[0]?.args[0].input.Entries ?? [];
    expect(entry).toMatchObject({ Source: 'oms', DetailType: 'OrderReceived' });
  });

  it('publishes OrderRouted when a MODIFY changes the status', async () => {
    eventBridgeFailing(() => false);
    const received = anOrder();
    const routed = anOrder({ status: 'ROUTED', version: 2 });

    await publish(
      aStreamEvent([aStreamRecord({ oldItem: anOrderItem(received), newItem: anOrderItem(routed) })]),
    );

    const [entry] = putEventsCalls()[0]?.args[0].input.Entries ?? [];
    expect(entry).toMatchObject({ Source: 'oms', DetailType: 'OrderRouted' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      eventId: `${routed.orderId}:v2`,
      previousStatus: 'RECEIVED',
    });
  });

  it('publishes nothing for channel-key items, unchanged statuses and deletions', async () => {
    const received = anOrder();
    const touched = anOrder({ version: 2, note: 'gift wrap' });

    const result = await publish(
      aStreamEvent([
        aStreamRecord({ newItem: aChannelOrderKeyItem(received) }),
        aStreamRecord({ oldItem: anOrderItem(received), newItem: anOrderItem(touched) }),
        aStreamRecord({ oldItem: anOrderItem(touched) }),
      ]),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(putEventsCalls()).toHaveLength(0);
  });

  it('announces a new fulfillment order to its location once, and not its later changes', async () => {
    eventBridge.on(PutEventsCommand).resolves(putEventsResult(1));
    const fulfillmentOrder = {
      pk: 'ORDER#01JDORDER',
      sk: 'FO#01JDFO',
      entityType: 'FulfillmentOrder',
      fulfillmentOrderId: '01JDFO',
      orderId: '01JDORDER',
      locationId: 'STORE-LIS',
      kind: 'ship',
      status: 'CREATED',
      lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 }],
      createdAt: '2026-11-22T10:00:02.000Z',
    };

    await publish(
      aStreamEvent([
        aStreamRecord({ newItem: fulfillmentOrder }),
        aStreamRecord({ oldItem: fulfillmentOrder, newItem: { ...fulfillmentOrder, status: 'REJECTED' } }),
      ]),
    );

    const entries = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ Source: 'oms', DetailType: 'FulfillmentOrderCreated' });
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toEqual({
      version: '1',
      eventId: '01JDFO:created',
      fulfillmentOrderId: '01JDFO',
      orderId: '01JDORDER',
      locationId: 'STORE-LIS',
      kind: 'ship',
      lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 }],
      createdAt: '2026-11-22T10:00:02.000Z',
    });
  });

  it('sends 25 events as three PutEvents calls of at most ten entries', async () => {
    eventBridgeFailing(() => false);
    const records = Array.from({ length: 25 }, (_, n) => anOrderInsert(n));

    const result = await publish(aStreamEvent(records));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(putEventsCalls().map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(new Set(sentEventIds()).size).toBe(25);
  });

  it('re-sends only the entries EventBridge reported as failed, and succeeds when they go through', async () => {
    const records = Array.from({ length: 3 }, (_, n) => anOrderInsert(n));
    const flaky = `01JD${'1'.padStart(22, '0')}:v1`;
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce(putEventsResult(3, (index) => index === 1))
      .resolves(putEventsResult(1));

    const result = await publish(aStreamEvent(records));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(putEventsCalls()).toHaveLength(2);
    expect(sentEventIds().slice(3)).toEqual([flaky]);
  });

  it('reports the first record whose event failed on every attempt, so Lambda retries from there', async () => {
    const records = Array.from({ length: 5 }, (_, n) => anOrderInsert(n));
    const alwaysFailing = new Set([`01JD${'3'.padStart(22, '0')}:v1`, `01JD${'1'.padStart(22, '0')}:v1`]);
    eventBridgeFailing((detail) => alwaysFailing.has(detail.eventId));

    const result = await publish(aStreamEvent(records));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1001' }] });
    expect(putEventsCalls()).toHaveLength(4);
  });

  it('retries a PutEvents call that throws', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(new Error('socket hang up'))
      .callsFake(({ Entries = [] }) => putEventsResult(Entries.length));

    const result = await publish(aStreamEvent([anOrderInsert(1), anOrderInsert(2)]));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(putEventsCalls()).toHaveLength(2);
    expect(sentEventIds().slice(2)).toEqual(sentEventIds().slice(0, 2));
  });

  it('reports the records of a chunk whose PutEvents throws, and its retry publishes nothing twice', async () => {
    const records = Array.from({ length: 15 }, (_, n) => anOrderInsert(n));
    const accepted: string[] = [];
    let secondChunkDown = true;
    eventBridge.on(PutEventsCommand).callsFake(({ Entries = [] }) => {
      const ids = Entries.map((entry: { Detail?: string }) => JSON.parse(entry.Detail ?? '{}').eventId);
      if (secondChunkDown && ids.includes(`01JD${'10'.padStart(22, '0')}:v1`)) {
        throw new Error('socket hang up');
      }
      accepted.push(...ids);
      return putEventsResult(ids.length);
    });

    const first = await publish(aStreamEvent(records));
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: '1010' }] });
    expect(accepted).toHaveLength(10);

    // Lambda retries from the reported record on; EventBridge has recovered.
    secondChunkDown = false;
    const retryFrom = records.findIndex(
      (record) => record.dynamodb?.SequenceNumber === first.batchItemFailures[0]?.itemIdentifier,
    );
    const retry = await publish(aStreamEvent(records.slice(retryFrom)));

    expect(retry).toEqual({ batchItemFailures: [] });
    expect(accepted.toSorted()).toEqual(records.map((_, n) => `01JD${String(n).padStart(22, '0')}:v1`));
  });

  it('reports the first record when PutEvents throws on every attempt', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('Service unavailable'));

    const result = await publish(aStreamEvent([anOrderInsert(7), anOrderInsert(8)]));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '1007' }] });
    expect(putEventsCalls()).toHaveLength(4);
  });
});

describe('publishEvents', () => {
  it('backs off between attempts through the sleep it is given', async () => {
    vi.useRealTimers();
    eventBridge.on(PutEventsCommand).resolves(putEventsResult(1, () => true));
    const sleeps: number[] = [];
    const order = anOrder();

    const failed = await publishEvents(
      new EventBridgeClient({}),
      [
        {
          recordId: 'r-1',
          domainEvent: { detailType: 'OrderReceived', detail: { eventId: `${order.orderId}:v1` } },
        },
      ],
      async (ms) => {
        sleeps.push(ms);
      },
    );

    expect(failed.map((item) => item.recordId)).toEqual(['r-1']);
    expect(sleeps).toEqual([200, 400, 800]);
  });

  it('sends nothing when there is nothing to publish', async () => {
    expect(await publishEvents(new EventBridgeClient({}), [], async () => undefined)).toEqual([]);
    expect(putEventsCalls()).toHaveLength(0);
  });
});

describe('eventBridgeOnFirstUse', () => {
  it('makes one client, when first asked, however many publishes ask at once', async () => {
    const client = eventBridgeOnFirstUse();

    const [first, second] = await Promise.all([client(), client()]);

    expect(first).toBeInstanceOf(EventBridgeClient);
    expect(second).toBe(first);
    expect(await client()).toBe(first);
  });
});
