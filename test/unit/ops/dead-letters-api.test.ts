import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../../functions/domain/errors.js';
import { RedriveRunningError } from '../../../functions/ops/dead-letter-queues.js';
import {
  DeadLettersUnavailableError,
  deadLettersApi,
  listDeadLetterQueues,
  redriveQueue,
  type DeadLettersDeps,
} from '../../../functions/ops/dead-letters-api.js';
import { logger } from '../../../functions/shared/observability.js';
import { anApiEvent } from '../../helpers/factories.js';

const sqs = new SQSClient({ region: 'eu-west-1' });
const sqsMock = mockClient(sqs);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/oms-RoutingQueue';
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:oms-RoutingQueue';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/oms-RoutingQueueDlq';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:oms-RoutingQueueDlq';
const OSCAR = { sub: 'oscar', role: 'ops' as const };

const deps: DeadLettersDeps = {
  sqs,
  queueUrls: { RoutingQueue: QUEUE_URL },
  now: () => new Date('2026-12-01T10:00:00.000Z'),
};

/** An OrderReceived as the bus puts it on the routing queue, the customer's details with it. */
const orderReceived = JSON.stringify({
  version: '0',
  'detail-type': 'OrderReceived',
  source: 'oms',
  detail: {
    orderId: '01JORDER',
    channelId: 'web',
    externalId: 'W-1001',
    customer: { name: 'Ana Silva', email: 'ana@example.com' },
    shippingAddress: { line1: 'Rua Garrett 1', city: 'Lisboa' },
  },
});

beforeEach(() => {
  sqsMock.reset();
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
    .resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
  sqsMock.on(ListMessageMoveTasksCommand).resolves({ Results: [] });
  sqsMock.on(ReceiveMessageCommand).resolves({
    Messages: [
      {
        MessageId: 'm-1',
        Body: orderReceived,
        Attributes: {
          ApproximateReceiveCount: '6',
          SentTimestamp: String(Date.parse('2026-12-01T09:00:00.000Z')),
          ApproximateFirstReceiveTimestamp: String(Date.parse('2026-12-01T09:00:01.000Z')),
        },
      },
    ],
  });
});

describe('the dead letters of the work queues', () => {
  it('counts and shows each message by its ids, never its body', async () => {
    const { queues } = await listDeadLetterQueues(deps);

    expect(queues).toEqual([
      {
        queue: 'RoutingQueue',
        deadLetterQueue: DLQ_ARN,
        messages: 1,
        peek: [
          {
            messageId: 'm-1',
            receiveCount: 6,
            sentAt: '2026-12-01T09:00:00.000Z',
            firstReceivedAt: '2026-12-01T09:00:01.000Z',
            type: 'OrderReceived',
            ids: { orderId: '01JORDER', channelId: 'web', externalId: 'W-1001' },
          },
        ],
      },
    ]);
    expect(JSON.stringify(queues)).not.toMatch(/Ana|ana@example|Rua Garrett/);
    // A look leaves the messages where a redrive finds them.
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: DLQ_URL,
      VisibilityTimeout: 0,
    });
  });

  it('shows the latest redrive out of a dead-letter queue', async () => {
    sqsMock
      .on(ListMessageMoveTasksCommand, { SourceArn: DLQ_ARN })
      .resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 4 }] });

    const [queue] = (await listDeadLetterQueues(deps)).queues;

    expect(queue!.lastRedrive).toEqual({ status: 'COMPLETED', moved: 4 });
  });
});

describe('a redrive', () => {
  it('starts a move task back to the queue and says, and logs, who asked for it', async () => {
    sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const logged = vi.spyOn(logger, 'info');

    expect(await redriveQueue(deps, 'RoutingQueue', OSCAR)).toEqual({
      queue: 'RoutingQueue',
      deadLetterQueue: DLQ_ARN,
      taskHandle: 'task-1',
      requestedBy: OSCAR,
      requestedAt: '2026-12-01T10:00:00.000Z',
    });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand).map((call) => call.args[0].input)).toEqual([
      { SourceArn: DLQ_ARN, DestinationArn: QUEUE_ARN },
    ]);
    expect(logged).toHaveBeenCalledWith('Dead letters redriven', {
      redrive: expect.objectContaining({ queue: 'RoutingQueue', taskHandle: 'task-1', requestedBy: OSCAR }),
    });
  });

  it('is refused, 409, while a move task runs, and starts none', async () => {
    sqsMock
      .on(ListMessageMoveTasksCommand, { SourceArn: DLQ_ARN })
      .resolves({ Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 2 }] });

    const refusal = redriveQueue(deps, 'RoutingQueue', OSCAR);

    await expect(refusal).rejects.toBeInstanceOf(RedriveRunningError);
    await expect(refusal).rejects.toMatchObject({ kind: 'conflict', message: /already running \(2 moved/ });
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('is refused, 404, for a name that is not a work queue, asking SQS nothing', async () => {
    for (const queue of ['RoutingQueueDlq', 'hasOwnProperty', '__proto__']) {
      await expect(redriveQueue(deps, queue, OSCAR)).rejects.toMatchObject({ kind: 'not_found' });
    }
    expect(sqsMock.calls()).toHaveLength(0);
  });

  it('is 503 when SQS fails, with nothing started', async () => {
    sqsMock
      .on(StartMessageMoveTaskCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'RequestThrottled' }));

    const failure = redriveQueue(deps, 'RoutingQueue', OSCAR);

    await expect(failure).rejects.toBeInstanceOf(DeadLettersUnavailableError);
    await expect(failure).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('is 503 when SQS can not be read to find the queue', async () => {
    sqsMock.on(GetQueueAttributesCommand, { QueueUrl: QUEUE_URL }).rejects(new Error('socket hang up'));

    await expect(listDeadLetterQueues(deps)).rejects.toBeInstanceOf(DomainError);
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });
});

describe('POST /v1/ops/dead-letters/{queue}/redrive', () => {
  it('answers a queue it does not know with a 404 problem', async () => {
    const response = await deadLettersApi(
      anApiEvent({
        method: 'POST',
        path: '/v1/ops/dead-letters/NoSuchQueue/redrive',
        pathParameters: { queue: 'NoSuchQueue' },
        routeKey: 'POST /v1/ops/dead-letters/{queue}/redrive',
      }),
    );

    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    expect(JSON.parse(String(response.body))).toMatchObject({ detail: /no work queue "NoSuchQueue"/ });
  });
});
