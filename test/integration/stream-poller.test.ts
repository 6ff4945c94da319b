import { PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createTables, localClient } from '../../lib/local/dynamodb-local.js';
import { LocalQueue } from '../../lib/local/queue.js';
import { StreamPoller, type FailedBatchRecord } from '../../lib/local/stream-poller.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import type { StreamSubscriptionSpec } from '../../lib/topology.js';

const endpoint = inject('dynamodbEndpoint');
let client: DynamoDBClient;
let poller: StreamPoller | undefined;

beforeAll(() => {
  client = localClient(endpoint);
});
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});
afterAll(() => client.destroy());

const aSubscription = (overrides: Partial<StreamSubscriptionSpec> = {}): StreamSubscriptionSpec => ({
  table: 'Orders',
  function: 'publishOrderEvents',
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  retryAttempts: 2,
  maxRecordAgeSeconds: -1,
  bisectBatchOnError: false,
  ...overrides,
});

/** A fresh Orders table per test: the poller reads its stream from the oldest record. */
async function anOrdersTable(): Promise<string> {
  const prefix = `sp${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-`;
  const names = await createTables(client, [ORDERS_TABLE], prefix);
  return names[ORDERS_TABLE.envVar]!;
}

async function putItems(tableName: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: id }, sk: { S: 'ORDER' }, status: { S: 'RECEIVED' } },
      }),
    );
  }
}

function startPoller(
  tableName: string,
  subscription: StreamSubscriptionSpec,
  invoke: (event: DynamoDBStreamEvent) => Promise<unknown>,
) {
  const failedBatches = new LocalQueue({ name: 'FailedBatches', visibilityTimeoutMs: 1000 });
  poller = new StreamPoller({
    subscription,
    tableName,
    endpoint,
    invoke,
    onFailureDestination: failedBatches,
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    pollIntervalMs: 20,
    retryDelayMs: 10,
  }).start();
  return failedBatches;
}

const idsOf = (records: DynamoDBRecord[]) => records.map((record) => record.dynamodb?.Keys?.pk?.S);
const failedBatchesOf = (queue: LocalQueue) =>
  queue.messages().map((message) => JSON.parse(message.body) as FailedBatchRecord);

describe('StreamPoller on DynamoDB Local', () => {
  it('delivers inserts and modifications as Lambda DynamoDB stream events, in order', async () => {
    const tableName = await anOrdersTable();
    const received: DynamoDBRecord[] = [];
    startPoller(tableName, aSubscription(), async (event) => {
      received.push(...event.Records);
      return { batchItemFailures: [] };
    });

    await putItems(tableName, ['o-1', 'o-2']);
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'o-1' }, sk: { S: 'ORDER' } },
        UpdateExpression: 'SET #status = :routed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':routed': { S: 'ROUTED' } },
      }),
    );

    await vi.waitFor(() => expect(received).toHaveLength(3), { timeout: 10_000 });
    expect(received.map((record) => record.eventName)).toEqual(['INSERT', 'INSERT', 'MODIFY']);
    expect(idsOf(received)).toEqual(['o-1', 'o-2', 'o-1']);
    const [first, , modified] = received;
    expect(first).toMatchObject({
      eventID: expect.any(String),
      eventSource: 'aws:dynamodb',
      eventSourceARN: expect.stringContaining(`table/${tableName}/stream/`),
      awsRegion: expect.any(String),
      dynamodb: {
        Keys: { pk: { S: 'o-1' }, sk: { S: 'ORDER' } },
        NewImage: { status: { S: 'RECEIVED' } },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: expect.any(Number),
      },
    });
    expect(modified?.dynamodb).toMatchObject({
      OldImage: { status: { S: 'RECEIVED' } },
      NewImage: { status: { S: 'ROUTED' } },
    });
  });

  it('retries a partially failed batch from the first failed record', async () => {
    const tableName = await anOrdersTable();
    await putItems(tableName, ['o-1', 'o-2', 'o-3']);
    const batches: (string | undefined)[][] = [];
    startPoller(tableName, aSubscription(), async (event) => {
      batches.push(idsOf(event.Records));
      const failing = batches.length === 1 ? event.Records[1]?.dynamodb?.SequenceNumber : undefined;
      return { batchItemFailures: failing ? [{ itemIdentifier: failing }] : [] };
    });

    await vi.waitFor(() => expect(batches).toHaveLength(2), { timeout: 10_000 });
    expect(batches).toEqual([
      ['o-1', 'o-2', 'o-3'],
      ['o-2', 'o-3'],
    ]);
  });

  it('sends a batch whose retries run out to the on-failure destination, then moves on', async () => {
    const tableName = await anOrdersTable();
    await putItems(tableName, ['bad-1', 'bad-2']);
    const batches: (string | undefined)[][] = [];
    const failedBatches = startPoller(tableName, aSubscription({ retryAttempts: 2 }), async (event) => {
      batches.push(idsOf(event.Records));
      if (event.Records.some((record) => record.dynamodb?.Keys?.pk?.S?.startsWith('bad')))
        throw new Error('bus down');
      return { batchItemFailures: [] };
    });

    await vi.waitFor(() => expect(failedBatches.messages()).toHaveLength(1), { timeout: 10_000 });
    expect(batches).toEqual([
      ['bad-1', 'bad-2'],
      ['bad-1', 'bad-2'],
      ['bad-1', 'bad-2'],
    ]);
    const [failure] = failedBatchesOf(failedBatches);
    expect(failure).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      DDBStreamBatchInfo: {
        batchSize: 2,
        startSequenceNumber: expect.any(String),
        streamArn: expect.any(String),
      },
    });

    await putItems(tableName, ['good']);
    await vi.waitFor(() => expect(batches.at(-1)).toEqual(['good']), { timeout: 10_000 });
  });

  it('bisects a failing batch until the failing record is alone, and parks only that one', async () => {
    const tableName = await anOrdersTable();
    await putItems(tableName, ['o-1', 'o-2', 'poison', 'o-4']);
    const processed: (string | undefined)[] = [];
    const subscription = aSubscription({ retryAttempts: 1, bisectBatchOnError: true });
    const failedBatches = startPoller(tableName, subscription, async (event) => {
      const ids = idsOf(event.Records);
      if (ids.includes('poison')) throw new Error('cannot handle poison');
      processed.push(...ids);
      return { batchItemFailures: [] };
    });

    await vi.waitFor(() => expect(failedBatches.messages()).toHaveLength(1), { timeout: 10_000 });
    await vi.waitFor(() => expect(processed).toEqual(['o-1', 'o-2', 'o-4']), { timeout: 10_000 });
    expect(failedBatchesOf(failedBatches)[0]?.DDBStreamBatchInfo.batchSize).toBe(1);
  });

  it('sends records older than maxRecordAgeSeconds to the destination without invoking the function', async () => {
    const tableName = await anOrdersTable();
    await putItems(tableName, ['late']);
    const invoke = vi.fn(async () => ({ batchItemFailures: [] }));
    // DynamoDB stamps records to the minute, rounded down: a 1 ms limit makes any record too old.
    const failedBatches = startPoller(tableName, aSubscription({ maxRecordAgeSeconds: 0.001 }), invoke);

    await vi.waitFor(() => expect(failedBatches.messages()).toHaveLength(1), { timeout: 10_000 });
    expect(failedBatchesOf(failedBatches)[0]?.requestContext.condition).toBe('RecordAgeExceeded');
    expect(invoke).not.toHaveBeenCalled();
  });
});
