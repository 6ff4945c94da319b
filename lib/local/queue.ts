import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './dynamodb-local.js';
import type { LocalFaults } from './faults.js';
import { LOCAL_ACCOUNT } from './lambda.js';

/**
 * An in-memory stand-in for an SQS standard queue, written by hand because the tools that emulate
 * SQS offline (ElasticMQ, LocalStack) need a JVM server or Docker of their own. It keeps the
 * semantics the handlers are written against: at-least-once delivery, a visibility timeout after
 * which an undeleted message is delivered again, a receive count, and a move to the dead-letter
 * queue once a message has been received maxReceiveCount times without being deleted.
 */
export interface LocalQueueOptions {
  name: string;
  visibilityTimeoutMs: number;
  /** Where a message goes once it has been received this many times; a DLQ itself has none. */
  redrive?: { deadLetterQueue: LocalQueue; maxReceiveCount: number };
  /** Base of the queue URL handed to functions. */
  baseUrl?: string;
  onActivity?: (activity: QueueActivity) => void;
  /** Injected faults: a sent message may arrive late, or twice. */
  faults?: Pick<LocalFaults, 'onSend'>;
  now?: () => number;
}

export interface QueueActivity {
  queue: string;
  action: 'sent' | 'deleted' | 'dead-lettered' | 'redriven';
  messageId: string;
  body: string;
  receiveCount: number;
}

export interface QueueMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
  /** False while a consumer holds the message (between receive and visibility timeout). */
  visible: boolean;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  receiveCount: number;
  sentAt: number;
  firstReceivedAt: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  receiptHandle?: string;
}

export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  /** Insertion-ordered; a Map tolerates deletes while it is iterated. */
  private readonly stored = new Map<string, StoredMessage>();
  private readonly now: () => number;

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name;
    this.arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${options.name}`;
    this.url = `${options.baseUrl ?? `https://sqs.${LOCAL_REGION}.amazonaws.com`}/${LOCAL_ACCOUNT}/${options.name}`;
    this.now = options.now ?? Date.now;
  }

  /** The queue this one's messages move to after maxReceiveCount receives, if any. */
  get deadLetterQueue(): LocalQueue | undefined {
    return this.options.redrive?.deadLetterQueue;
  }

  get maxReceiveCount(): number | undefined {
    return this.options.redrive?.maxReceiveCount;
  }

  send(body: string): string {
    const { copies, delayMs } = this.options.faults?.onSend(this.name) ?? { copies: 1, delayMs: 0 };
    const messageIds = Array.from({ length: copies }, () => this.store(body, delayMs));
    return messageIds[0]!;
  }

  /**
   * Moves every dead-lettered message back to this queue as a new message, as SQS's message
   * move task does: same body, receive count from zero. Returns how many were moved.
   */
  redriveDeadLetters(): number {
    const deadLetterQueue = this.options.redrive?.deadLetterQueue;
    if (!deadLetterQueue) return 0;
    const moved = [...deadLetterQueue.stored.values()];
    for (const message of moved) {
      deadLetterQueue.stored.delete(message.messageId);
      this.store(message.body, 0);
      deadLetterQueue.report('redriven', message);
    }
    return moved.length;
  }

  private store(body: string, delayMs: number): string {
    const messageId = randomUUID();
    const md5OfBody = createHash('md5').update(body).digest('hex');
    const sentAt = this.now();
    this.stored.set(messageId, {
      messageId,
      body,
      md5OfBody,
      sentAt,
      receiveCount: 0,
      visibleAt: sentAt + delayMs,
    });
    this.report('sent', { messageId, body, receiveCount: 0 });
    return messageId;
  }

  /** Up to `maxMessages` visible messages, each hidden for the visibility timeout from now on. */
  receive(maxMessages = 1): ReceivedMessage[] {
    const now = this.now();
    const received: ReceivedMessage[] = [];
    for (const message of this.stored.values()) {
      if (received.length >= maxMessages) break;
      if (message.visibleAt > now) continue;
      if (this.options.redrive && message.receiveCount >= this.options.redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(message, this.options.redrive.deadLetterQueue);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + this.options.visibilityTimeoutMs;
      message.receiptHandle = randomUUID();
      received.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        md5OfBody: message.md5OfBody,
        receiveCount: message.receiveCount,
        sentAt: message.sentAt,
        firstReceivedAt: message.firstReceivedAt,
      });
    }
    return received;
  }

  /** Like SQS, only the latest receipt handle of a message deletes it; an older one is a no-op. */
  delete(receiptHandle: string): boolean {
    const message = this.byReceiptHandle(receiptHandle);
    if (!message) return false;
    this.stored.delete(message.messageId);
    this.report('deleted', message);
    return true;
  }

  changeVisibility(receiptHandle: string, visibilityTimeoutMs: number): boolean {
    const message = this.byReceiptHandle(receiptHandle);
    if (!message) return false;
    message.visibleAt = this.now() + visibilityTimeoutMs;
    return true;
  }

  messages(): QueueMessage[] {
    const now = this.now();
    return [...this.stored.values()].map(({ messageId, body, receiveCount, sentAt, visibleAt }) => ({
      messageId,
      body,
      receiveCount,
      sentAt,
      visible: visibleAt <= now,
    }));
  }

  deadLetters(): QueueMessage[] {
    return this.options.redrive?.deadLetterQueue.messages() ?? [];
  }

  depth(): { visible: number; inFlight: number } {
    const visible = this.messages().filter((message) => message.visible).length;
    return { visible, inFlight: this.stored.size - visible };
  }

  private moveToDeadLetterQueue(message: StoredMessage, deadLetterQueue: LocalQueue): void {
    this.stored.delete(message.messageId);
    // SQS keeps the message id, body and original send time when it moves a message.
    deadLetterQueue.stored.set(message.messageId, { ...message, visibleAt: 0, receiptHandle: undefined });
    this.report('dead-lettered', message);
  }

  private byReceiptHandle(receiptHandle: string): StoredMessage | undefined {
    for (const message of this.stored.values()) if (message.receiptHandle === receiptHandle) return message;
    return undefined;
  }

  private report(
    action: QueueActivity['action'],
    message: Pick<StoredMessage, 'messageId' | 'body' | 'receiveCount'>,
  ): void {
    const { messageId, body, receiveCount } = message;
    this.options.onActivity?.({ queue: this.name, action, messageId, body, receiveCount });
  }
}

export interface QueueConsumerOptions {
  queue: LocalQueue;
  batchSize: number;
  maxConcurrency: number;
  pollIntervalMs: number;
  /** Invokes the consumer function; a rejection fails the whole batch. */
  invoke(event: SQSEvent): Promise<unknown>;
}

/**
 * Lambda's SQS event source mapping: polls, invokes the consumer with up to batchSize messages,
 * deletes what succeeded and leaves the rest to come back after the visibility timeout, which is
 * how a failed message is retried and, after maxReceiveCount receives, dead-lettered. The
 * batching window only adds latency, so it is not emulated: whatever is visible at a poll goes.
 */
export function startQueueConsumer(options: QueueConsumerOptions): { stop(): Promise<void> } {
  const { queue, batchSize, maxConcurrency } = options;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const deliver = async (batch: ReceivedMessage[]) => {
    let failed: Set<string>;
    try {
      failed = failedMessageIds(await options.invoke(sqsEvent(queue, batch)), batch);
    } catch {
      failed = new Set(batch.map((message) => message.messageId));
    }
    for (const message of batch) if (!failed.has(message.messageId)) queue.delete(message.receiptHandle);
  };

  const poll = () => {
    while (!stopped && inFlight.size < maxConcurrency) {
      const batch = queue.receive(batchSize);
      if (batch.length === 0) return;
      const delivery = deliver(batch).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    }
  };

  const timer = setInterval(poll, options.pollIntervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

export function sqsEvent(queue: LocalQueue, batch: ReceivedMessage[]): SQSEvent {
  return {
    Records: batch.map((message): SQSRecord => ({
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: LOCAL_ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
      },
      messageAttributes: {},
      md5OfBody: message.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: LOCAL_REGION,
    })),
  };
}

/**
 * The messages a consumer reported as failed. As in Lambda, a response naming a message that is
 * not in the batch (or naming none by an empty id) fails the whole batch.
 */
function failedMessageIds(result: unknown, batch: ReceivedMessage[]): Set<string> {
  const failures = (result as Partial<SQSBatchResponse> | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  const ids = new Set(batch.map((message) => message.messageId));
  const failed = failures.map((failure) => failure?.itemIdentifier);
  if (failed.some((id) => typeof id !== 'string' || !ids.has(id))) return ids;
  return new Set(failed as string[]);
}
