import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ConflictError } from '../domain/errors.js';

/**
 * A work queue's dead-letter queue in SQS: how many messages wait there, a look at a few, and
 * moving them back with SQS's message move task (which keeps every message and moves it at the
 * pace SQS sets). The ops CLI (bin/cli/dlq.ts) and the dead-letters API
 * (functions/ops/dead-letters-api.ts) both speak SQS through this module only.
 */
export interface DeadLetterQueues {
  sourceArn: string;
  deadLetterArn: string;
  deadLetterUrl: string;
}

export interface MoveTask {
  status: string;
  moved: number;
}

/** A message as SQS reports it, body included: callers decide what of the body to show. */
export interface PeekedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt?: string;
  firstReceivedAt?: string;
}

/** SQS refuses a second move task out of a queue while one runs. */
export class RedriveRunningError extends ConflictError {
  constructor(queue: string, moved: number) {
    super(
      `A redrive of ${queue} is already running (${moved} moved so far); wait for it to finish before starting another.`,
    );
    this.name = 'RedriveRunningError';
  }
}

/** The queue (a name or a URL) and the dead-letter queue its redrive policy names. */
export async function resolveQueues(sqs: SQSClient, queue: string): Promise<DeadLetterQueues> {
  const queueUrl =
    queue.startsWith('https://') || queue.startsWith('http://')
      ? queue
      : (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl;
  if (!queueUrl) throw new Error(`No queue ${queue}.`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] }),
  );
  const sourceArn = Attributes?.QueueArn;
  const policy = Attributes?.RedrivePolicy
    ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string })
    : {};
  const deadLetterArn = policy.deadLetterTargetArn;
  if (!sourceArn || !deadLetterArn) throw new Error(`Queue ${queue} has no dead-letter queue.`);
  // arn:aws:sqs:<region>:<account>:<name>
  const [, , , , account, name] = deadLetterArn.split(':');
  const { QueueUrl: deadLetterUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  );
  if (!deadLetterUrl) throw new Error(`No dead-letter queue ${deadLetterArn}.`);
  return { sourceArn, deadLetterArn, deadLetterUrl };
}

/** How many messages wait (SQS's approximate count) and the latest move task out, if any. */
export async function deadLetterStatus(
  sqs: SQSClient,
  queues: DeadLetterQueues,
): Promise<{ messages: number; lastRedrive?: MoveTask }> {
  const [{ Attributes }, last] = await Promise.all([
    sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.deadLetterUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    ),
    latestMoveTask(sqs, queues.deadLetterArn),
  ]);
  return {
    messages: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    ...(last && { lastRedrive: last }),
  };
}

/**
 * Up to `max` (at most 10, SQS's limit) messages of the dead-letter queue, left where they are:
 * received with a visibility timeout of 0, so they stay visible to a redrive. A look counts as
 * a receive in SQS's ApproximateReceiveCount.
 */
export async function peekDeadLetters(
  sqs: SQSClient,
  queues: DeadLetterQueues,
  max: number,
): Promise<PeekedMessage[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queues.deadLetterUrl,
      MaxNumberOfMessages: Math.min(Math.max(max, 1), 10),
      VisibilityTimeout: 0,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: [
        'ApproximateReceiveCount',
        'ApproximateFirstReceiveTimestamp',
        'SentTimestamp',
      ],
    }),
  );
  return (Messages ?? []).map((message) => {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      body: message.Body ?? '',
      receiveCount: Number(attributes.ApproximateReceiveCount ?? 0),
      ...timeOf('sentAt', attributes.SentTimestamp),
      ...timeOf('firstReceivedAt', attributes.ApproximateFirstReceiveTimestamp),
    };
  });
}

/**
 * Starts moving every dead-lettered message back to its queue. Refuses (RedriveRunningError) while
 * a move task out of the dead-letter queue runs: SQS would refuse the second one anyway.
 */
export async function startRedrive(
  sqs: SQSClient,
  queues: DeadLetterQueues,
): Promise<{ taskHandle?: string }> {
  const last = await latestMoveTask(sqs, queues.deadLetterArn);
  if (last?.status === 'RUNNING') throw new RedriveRunningError(queues.sourceArn, last.moved);
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: queues.deadLetterArn, DestinationArn: queues.sourceArn }),
  );
  return TaskHandle ? { taskHandle: TaskHandle } : {};
}

async function latestMoveTask(sqs: SQSClient, deadLetterArn: string): Promise<MoveTask | undefined> {
  const { Results } = await sqs.send(
    new ListMessageMoveTasksCommand({ SourceArn: deadLetterArn, MaxResults: 1 }),
  );
  const last = Results?.[0];
  return last && { status: last.Status ?? 'UNKNOWN', moved: last.ApproximateNumberOfMessagesMoved ?? 0 };
}

function timeOf<Key extends string>(key: Key, epochMs: string | undefined): Partial<Record<Key, string>> {
  const ms = Number(epochMs);
  return epochMs && Number.isFinite(ms) ? ({ [key]: new Date(ms).toISOString() } as Record<Key, string>) : {};
}
