import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.js';
import type { LocalQueue } from './queue.js';

/**
 * The local queues (lib/local/queue.ts) behind an SQS endpoint: the calls the dead-letters API
 * makes (functions/ops/dead-letter-queues.ts), in SQS's JSON 1.0 protocol, so its unmodified SDK
 * client reaches them through AWS_ENDPOINT_URL_SQS. A message move task runs to its end at once,
 * so locally none is ever found running.
 */
export interface MoveTaskEntry {
  TaskHandle: string;
  Status: 'COMPLETED';
  SourceArn: string;
  DestinationArn: string;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
}

type Input = Record<string, unknown>;

export class LocalSqsEndpoint {
  private readonly endpoint = new LoopbackServer((request, response) => this.serve(request, response));
  /** Newest first, per dead-letter queue ARN. */
  private readonly moveTasks = new Map<string, MoveTaskEntry[]>();

  /** `queues`: the work queues; their dead-letter queues are served with them. */
  constructor(private readonly queues: readonly LocalQueue[]) {}

  call(operation: string, input: Input): unknown {
    switch (operation) {
      case 'GetQueueUrl':
        return { QueueUrl: this.byName(stringOf(input, 'QueueName')).url };
      case 'GetQueueAttributes':
        return { Attributes: this.attributesOf(this.byUrl(stringOf(input, 'QueueUrl'))) };
      case 'ReceiveMessage':
        return this.receive(input);
      case 'ListMessageMoveTasks': {
        const tasks = this.moveTasks.get(stringOf(input, 'SourceArn')) ?? [];
        return { Results: tasks.slice(0, Number(input.MaxResults ?? 1)) };
      }
      case 'StartMessageMoveTask':
        return this.startMoveTask(input);
      default:
        throw new LocalSqsError('UnsupportedOperation', `${operation} is not served locally.`);
    }
  }

  /** Serves on a loopback port; returns the endpoint URL for AWS_ENDPOINT_URL_SQS. */
  listen(port = 0): Promise<string> {
    return this.endpoint.listen(port);
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }

  private receive(input: Input) {
    const queue = this.byUrl(stringOf(input, 'QueueUrl'));
    const visibilityTimeoutMs = Number(input.VisibilityTimeout ?? 30) * 1000;
    const received = queue.receive(Math.min(Number(input.MaxNumberOfMessages ?? 1), 10));
    for (const message of received) queue.changeVisibility(message.receiptHandle, visibilityTimeoutMs);
    return {
      Messages: received.map((message) => ({
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        MD5OfBody: message.md5OfBody,
        Body: message.body,
        Attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
          SentTimestamp: String(message.sentAt),
        },
      })),
    };
  }

  private startMoveTask(input: Input) {
    const sourceArn = stringOf(input, 'SourceArn');
    const queue = this.queues.find((candidate) => candidate.deadLetterQueue?.arn === sourceArn);
    if (!queue) {
      throw new LocalSqsError('ResourceNotFoundException', `${sourceArn} is not a dead-letter queue.`);
    }
    const destinationArn = typeof input.DestinationArn === 'string' ? input.DestinationArn : queue.arn;
    if (destinationArn !== queue.arn) {
      throw new LocalSqsError(
        'UnsupportedOperation',
        'Locally, dead letters move back to their own queue only.',
      );
    }
    const moved = queue.redriveDeadLetters();
    const task: MoveTaskEntry = {
      TaskHandle: randomUUID(),
      Status: 'COMPLETED',
      SourceArn: sourceArn,
      DestinationArn: destinationArn,
      ApproximateNumberOfMessagesMoved: moved,
      ApproximateNumberOfMessagesToMove: moved,
      StartedTimestamp: Date.now(),
    };
    this.moveTasks.set(sourceArn, [task, ...(this.moveTasks.get(sourceArn) ?? [])]);
    return { TaskHandle: task.TaskHandle };
  }

  private attributesOf(queue: LocalQueue): Record<string, string> {
    const depth = queue.depth();
    const { deadLetterQueue, maxReceiveCount } = queue;
    return {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(depth.visible),
      ApproximateNumberOfMessagesNotVisible: String(depth.inFlight),
      ...(deadLetterQueue && {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount }),
      }),
    };
  }

  private all(): LocalQueue[] {
    return this.queues.flatMap((queue) => (queue.deadLetterQueue ? [queue, queue.deadLetterQueue] : [queue]));
  }

  private byName(name: string): LocalQueue {
    const queue = this.all().find((candidate) => candidate.name === name);
    if (!queue) throw new LocalSqsError('QueueDoesNotExist', `The queue ${name} does not exist.`);
    return queue;
  }

  private byUrl(url: string): LocalQueue {
    const queue = this.all().find((candidate) => candidate.url === url);
    if (!queue) throw new LocalSqsError('QueueDoesNotExist', `The queue ${url} does not exist.`);
    return queue;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    try {
      if (request.method !== 'POST' || !target.startsWith('AmazonSQS.')) {
        throw new LocalSqsError('InvalidAction', 'Only the SQS JSON protocol is served locally.');
      }
      const input = JSON.parse((await readBody(request)) || '{}') as Input;
      reply(response, 200, this.call(target.slice('AmazonSQS.'.length), input));
    } catch (error) {
      const type = error instanceof LocalSqsError ? error.type : 'InvalidParameterValue';
      reply(response, 400, { __type: `com.amazonaws.sqs#${type}`, message: (error as Error).message });
    }
  }
}

export class LocalSqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'LocalSqsError';
  }
}

function stringOf(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string') throw new LocalSqsError('MissingParameter', `${name} is required.`);
  return value;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new LocalSqsError('InvalidParameterValue', 'Request body is too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}
