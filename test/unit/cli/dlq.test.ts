import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { listDeadLetters, redriveDeadLetters } from '../../../bin/cli/dlq.js';

const sqs = new SQSClient({ region: 'eu-west-1' });
const sqsMock = mockClient(sqs);
const aws = { kind: 'aws' as const };
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/oms-RoutingQueue';
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:oms-RoutingQueue';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/oms-RoutingQueueDlq';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:oms-RoutingQueueDlq';

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(GetQueueUrlCommand, { QueueName: 'oms-RoutingQueue' }).resolves({ QueueUrl: QUEUE_URL });
  sqsMock
    .on(GetQueueUrlCommand, { QueueName: 'oms-RoutingQueueDlq', QueueOwnerAWSAccountId: '123456789012' })
    .resolves({ QueueUrl: DLQ_URL });
  sqsMock.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL }).resolves({
    Attributes: {
      QueueArn: QUEUE_ARN,
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN, maxReceiveCount: 5 }),
    },
  });
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ_URL })
    .resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
  sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
});

describe('oms dlq in AWS', () => {
  it('redrives with a message move task from the dead-letter queue its redrive policy names', async () => {
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });

    const report = await redriveDeadLetters(aws, 'oms-RoutingQueue', sqs);

    expect(report).toEqual({ queue: QUEUE_ARN, taskHandle: 'task-1' });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: DLQ_ARN, DestinationArn: QUEUE_ARN },
    ]);
  });

  it('accepts the queue URL, as the stack outputs it', async () => {
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });

    await redriveDeadLetters(aws, QUEUE_URL, sqs);

    expect(sqsMock.commandCalls(GetQueueUrlCommand, { QueueName: 'oms-RoutingQueue' })).toHaveLength(0);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(1);
  });

  it('lists how many messages wait and how the last redrive went', async () => {
    sqsMock.on(ListMessageMoveTasksCommand, { SourceArn: DLQ_ARN }).resolves({
      Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 2 }],
    });

    expect(await listDeadLetters(aws, 'oms-RoutingQueue', sqs)).toEqual({
      queue: QUEUE_ARN,
      deadLetterQueue: DLQ_ARN,
      messages: 3,
      lastRedrive: { status: 'RUNNING', moved: 2 },
    });
  });

  it('refuses to start a second move task while one runs, as SQS would', async () => {
    sqsMock
      .on(ListMessageMoveTasksCommand, { SourceArn: DLQ_ARN })
      .resolves({ Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1 }] });

    await expect(redriveDeadLetters(aws, 'oms-RoutingQueue', sqs)).rejects.toThrow(/already running/);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('refuses a queue without a dead-letter queue, and starts nothing', async () => {
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL })
      .resolves({ Attributes: { QueueArn: QUEUE_ARN } });

    await expect(redriveDeadLetters(aws, 'oms-RoutingQueue', sqs)).rejects.toThrow(
      /has no dead-letter queue/,
    );
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });
});
