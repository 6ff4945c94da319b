import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { replayStreamBatches } from '../../../bin/cli/streams.js';

const clients = {
  sqs: new SQSClient({ region: 'eu-west-1' }),
  streams: new DynamoDBStreamsClient({ region: 'eu-west-1' }),
  lambda: new LambdaClient({ region: 'eu-west-1' }),
};
const sqsMock = mockClient(clients.sqs);
const streamsMock = mockClient(clients.streams);
const lambdaMock = mockClient(clients.lambda);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/oms-OrdersFailedBatches';
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/oms-Orders/stream/2026-11-01T00:00:00.000';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:publish-order-events';

/** A pointer as Lambda sends it to an on-failure destination. */
function aFailedBatch(start: string, end: string) {
  return JSON.stringify({
    requestContext: { functionArn: FUNCTION_ARN, condition: 'RetryAttemptsExhausted' },
    DDBStreamBatchInfo: {
      shardId: 'shardId-1',
      startSequenceNumber: start,
      endSequenceNumber: end,
      batchSize: 2,
      streamArn: STREAM_ARN,
    },
  });
}

/** The function's answer as the SDK hands it back. */
const payload = (json: string) => new TextEncoder().encode(json) as InvokeCommandOutput['Payload'];

const aRecord = (sequenceNumber: string): StreamRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: sequenceNumber,
    ApproximateCreationDateTime: new Date('2026-11-22T10:00:00Z'),
    NewImage: { pk: { S: `ORDER#${sequenceNumber}` } },
  },
});

beforeEach(() => {
  sqsMock.reset();
  streamsMock.reset();
  lambdaMock.reset();
  sqsMock
    .on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [{ Body: aFailedBatch('200', '300'), ReceiptHandle: 'r-1' }] })
    .resolves({ Messages: [] });
  streamsMock.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
  // The range ends at 300; the shard goes on, and the replay stops there.
  streamsMock
    .on(GetRecordsCommand)
    .resolves({ Records: ['200', '300', '400'].map(aRecord), NextShardIterator: 'it-2' });
});

describe('oms streams replay in AWS', () => {
  it('re-reads the records a pointer names and invokes the function on them, then deletes the pointer', async () => {
    lambdaMock.on(InvokeCommand).resolves({ Payload: payload('{"batchItemFailures":[]}') });

    const report = await replayStreamBatches(
      { kind: 'aws' },
      'Orders-stream-to-publish-order-events',
      { queueUrl: QUEUE_URL },
      clients,
    );

    expect(report).toEqual({
      subscription: 'Orders-stream-to-publish-order-events',
      batches: 1,
      records: 2,
      failed: 0,
    });
    expect(streamsMock.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toEqual({
      StreamArn: STREAM_ARN,
      ShardId: 'shardId-1',
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: '200',
    });
    const invoke = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke?.FunctionName).toBe(FUNCTION_ARN);
    const event = JSON.parse(new TextDecoder().decode(invoke?.Payload as Uint8Array)) as DynamoDBStreamEvent;
    expect(event.Records.map((record) => record.dynamodb?.SequenceNumber)).toEqual(['200', '300']);
    expect(event.Records[0]).toMatchObject({
      eventSourceARN: STREAM_ARN,
      dynamodb: { ApproximateCreationDateTime: 1795341600 },
    });
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-1' },
    ]);
  });

  it('keeps the pointer when the function fails again, for the next replay', async () => {
    lambdaMock.on(InvokeCommand).resolves({ FunctionError: 'Unhandled', Payload: payload('{}') });

    const report = await replayStreamBatches(
      { kind: 'aws' },
      'Orders-stream-to-publish-order-events',
      { queueUrl: QUEUE_URL },
      clients,
    );

    expect(report).toMatchObject({ batches: 1, records: 0, failed: 1 });
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('keeps the pointer when the function reports some records failed', async () => {
    lambdaMock
      .on(InvokeCommand)
      .resolves({ Payload: payload('{"batchItemFailures":[{"itemIdentifier":"300"}]}') });

    const report = await replayStreamBatches(
      { kind: 'aws' },
      'Orders-stream-to-publish-order-events',
      { queueUrl: QUEUE_URL },
      clients,
    );

    expect(report.failed).toBe(1);
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('needs the failure queue of the subscription', async () => {
    await expect(
      replayStreamBatches({ kind: 'aws' }, 'Orders-stream-to-publish-order-events', {}, clients),
    ).rejects.toThrow(/--queue-url/);
  });
});
