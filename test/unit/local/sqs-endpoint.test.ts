import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deadLetterStatus,
  peekDeadLetters,
  resolveQueues,
  startRedrive,
} from '../../../functions/ops/dead-letter-queues.js';
import { LocalQueue } from '../../../lib/local/queue.js';
import { LocalSqsEndpoint } from '../../../lib/local/sqs-endpoint.js';

/** The SDK's own client against the stand-in, through the module the API and the CLI use. */
const deadLetterQueue = new LocalQueue({ name: 'WorkDlq', visibilityTimeoutMs: 1000 });
const queue = new LocalQueue({
  name: 'Work',
  visibilityTimeoutMs: 0,
  redrive: { deadLetterQueue, maxReceiveCount: 1 },
});
const endpoint = new LocalSqsEndpoint([queue]);
let sqs: SQSClient;

beforeAll(async () => {
  const url = await endpoint.listen();
  sqs = new SQSClient({
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
});
afterAll(async () => {
  sqs.destroy();
  await endpoint.close();
});

/** Received once (maxReceiveCount 1) and not deleted: the next receive dead-letters it. */
function deadLetter(body: string): void {
  queue.send(body);
  queue.receive(10);
  queue.receive(10);
}

describe('the local SQS endpoint', () => {
  it("finds a queue's dead-letter queue through its redrive policy, by name or by URL", async () => {
    const byName = await resolveQueues(sqs, 'Work');

    expect(byName).toEqual({
      sourceArn: queue.arn,
      deadLetterArn: deadLetterQueue.arn,
      deadLetterUrl: deadLetterQueue.url,
    });
    expect(await resolveQueues(sqs, queue.url)).toEqual(byName);
    await expect(resolveQueues(sqs, 'WorkDlq')).rejects.toThrow(/has no dead-letter queue/);
    await expect(resolveQueues(sqs, 'Nowhere')).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('counts and shows dead letters, leaving them in place, then moves them back', async () => {
    deadLetter('{"detail":{"orderId":"O-1"}}');
    const queues = await resolveQueues(sqs, 'Work');

    expect(await deadLetterStatus(sqs, queues)).toEqual({ messages: 1 });
    const [peeked] = await peekDeadLetters(sqs, queues, 5);
    expect(peeked).toMatchObject({ body: '{"detail":{"orderId":"O-1"}}', receiveCount: 2 });
    expect((await peekDeadLetters(sqs, queues, 5)).map((message) => message.messageId)).toEqual([
      peeked!.messageId,
    ]);

    const { taskHandle } = await startRedrive(sqs, queues);

    expect(await deadLetterStatus(sqs, queues)).toEqual({
      messages: 0,
      lastRedrive: { status: 'COMPLETED', moved: 1 },
    });
    expect(taskHandle).toEqual(expect.any(String));
    expect(queue.messages()).toMatchObject([{ body: '{"detail":{"orderId":"O-1"}}', receiveCount: 0 }]);
  });
});
