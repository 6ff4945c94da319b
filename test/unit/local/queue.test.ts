import type { SQSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalQueue, startQueueConsumer, type QueueActivity } from '../../../lib/local/queue.js';

function aQueue(options: { visibilityTimeoutMs?: number; maxReceiveCount?: number } = {}) {
  let now = 1_000_000;
  const deadLetterQueue = new LocalQueue({ name: 'WorkDlq', visibilityTimeoutMs: 1000, now: () => now });
  const queue = new LocalQueue({
    name: 'Work',
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 1000,
    redrive: { deadLetterQueue, maxReceiveCount: options.maxReceiveCount ?? 3 },
    now: () => now,
  });
  return { queue, deadLetterQueue, advance: (ms: number) => (now += ms) };
}

describe('LocalQueue', () => {
  it('hides a received message for the visibility timeout, then delivers it again', () => {
    const { queue, advance } = aQueue({ visibilityTimeoutMs: 1000 });
    const messageId = queue.send('{"n":1}');

    const [first] = queue.receive(10);
    expect(first).toMatchObject({ messageId, body: '{"n":1}', receiveCount: 1 });
    expect(queue.receive(10)).toEqual([]);
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 1 });

    advance(999);
    expect(queue.receive(10)).toEqual([]);
    advance(1);
    const [second] = queue.receive(10);
    expect(second).toMatchObject({ messageId, receiveCount: 2 });
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('reports what it does with each message', () => {
    const activities: QueueActivity[] = [];
    const queue = new LocalQueue({
      name: 'Work',
      visibilityTimeoutMs: 1000,
      onActivity: (activity) => activities.push(activity),
    });
    const messageId = queue.send('{"n":1}');
    queue.delete(queue.receive()[0]!.receiptHandle);

    expect(activities).toEqual([
      { queue: 'Work', action: 'sent', messageId, body: '{"n":1}', receiveCount: 0 },
      { queue: 'Work', action: 'deleted', messageId, body: '{"n":1}', receiveCount: 1 },
    ]);
  });

  it('deletes a message only with its latest receipt handle', () => {
    const { queue, advance } = aQueue({ visibilityTimeoutMs: 10 });
    queue.send('a');
    const [first] = queue.receive();
    advance(10);
    const [second] = queue.receive();

    expect(queue.delete(first!.receiptHandle)).toBe(false);
    expect(queue.messages()).toHaveLength(1);
    expect(queue.delete(second!.receiptHandle)).toBe(true);
    expect(queue.messages()).toEqual([]);
  });

  it('returns at most the requested number of messages, oldest first', () => {
    const { queue } = aQueue();
    for (const body of ['1', '2', '3']) queue.send(body);

    expect(queue.receive(2).map((message) => message.body)).toEqual(['1', '2']);
    expect(queue.receive(2).map((message) => message.body)).toEqual(['3']);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives without a delete', () => {
    const { queue, deadLetterQueue, advance } = aQueue({ visibilityTimeoutMs: 10, maxReceiveCount: 3 });
    const messageId = queue.send('poison');

    for (let receive = 1; receive <= 3; receive++) {
      expect(queue.receive()).toMatchObject([{ messageId, receiveCount: receive }]);
      advance(10);
    }

    expect(queue.receive()).toEqual([]);
    expect(queue.messages()).toEqual([]);
    expect(queue.deadLetters()).toMatchObject([{ messageId, body: 'poison', receiveCount: 3 }]);
    expect(deadLetterQueue.receive()).toMatchObject([{ messageId, body: 'poison' }]);
  });
});

/**
 * The consumer polls on setInterval and the queue hides messages by its clock: with fake timers
 * both run on one virtual clock, so a test states when each delivery happens.
 */
describe('startQueueConsumer', () => {
  const POLL_MS = 5;
  const bodiesOf = (event: SQSEvent) => event.Records.map((record) => record.body);

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });

  const consume = (queue: LocalQueue, invoke: (event: SQSEvent) => Promise<unknown>) =>
    startQueueConsumer({ queue, batchSize: 10, maxConcurrency: 1, pollIntervalMs: POLL_MS, invoke });
  const aVirtualTimeQueue = (options: Omit<ConstructorParameters<typeof LocalQueue>[0], 'now'>) =>
    new LocalQueue({ ...options, now: () => Date.now() });

  it('hands the consumer an SQS event at its first poll and deletes the messages it processed', async () => {
    const queue = aVirtualTimeQueue({ name: 'Work', visibilityTimeoutMs: 50 });
    queue.send('a');
    queue.send('b');
    const invoke = vi.fn(async (_event: SQSEvent) => ({ batchItemFailures: [] }));

    const consumer = consume(queue, invoke);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    await consumer.stop();

    expect(queue.messages()).toEqual([]);
    expect(invoke).toHaveBeenCalledOnce();
    const [event] = invoke.mock.calls[0]!;
    expect(bodiesOf(event)).toEqual(['a', 'b']);
    expect(event.Records[0]).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      attributes: { ApproximateReceiveCount: '1' },
    });
  });

  it('redelivers only the messages reported in batchItemFailures, once the visibility timeout is over', async () => {
    const queue = aVirtualTimeQueue({ name: 'Work', visibilityTimeoutMs: 40 });
    queue.send('ok');
    const failing = queue.send('fails once');
    const calls: { bodies: string[]; at: number }[] = [];
    const invoke = vi.fn(async (event: SQSEvent) => {
      calls.push({ bodies: bodiesOf(event), at: Date.now() });
      const firstTime = event.Records[0]?.attributes.ApproximateReceiveCount === '1';
      return { batchItemFailures: firstTime ? [{ itemIdentifier: failing }] : [] };
    });

    const consumer = consume(queue, invoke);
    await vi.advanceTimersByTimeAsync(POLL_MS + 39);
    expect(calls.map((call) => call.bodies)).toEqual([['ok', 'fails once']]);
    await vi.advanceTimersByTimeAsync(1);
    await consumer.stop();

    expect(calls.map((call) => call.bodies)).toEqual([['ok', 'fails once'], ['fails once']]);
    expect(calls[1]!.at - calls[0]!.at).toBe(40);
    expect(queue.messages()).toEqual([]);
  });

  it('redelivers the whole batch when the consumer throws, and dead-letters what never succeeds', async () => {
    const deadLetterQueue = aVirtualTimeQueue({ name: 'WorkDlq', visibilityTimeoutMs: 40 });
    const queue = aVirtualTimeQueue({
      name: 'Work',
      visibilityTimeoutMs: 10,
      redrive: { deadLetterQueue, maxReceiveCount: 2 },
    });
    queue.send('x');
    queue.send('y');
    const invoke = vi.fn(async (_event: SQSEvent) => {
      throw new Error('downstream is down');
    });

    const consumer = consume(queue, invoke);
    // Received at 5 and 15; at 25 the third receive would pass maxReceiveCount.
    await vi.advanceTimersByTimeAsync(25);
    await consumer.stop();

    expect(invoke.mock.calls.map(([event]) => bodiesOf(event))).toEqual([
      ['x', 'y'],
      ['x', 'y'],
    ]);
    expect(queue.deadLetters().map((message) => message.body)).toEqual(['x', 'y']);
    expect(queue.messages()).toEqual([]);
  });
});
