import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { deadLetterStatus, resolveQueues, startRedrive } from '../../functions/ops/dead-letter-queues.js';
import { QUEUES } from '../../lib/topology.js';
import { callLocal, stackOutput, targetOf, type Target, type TargetOptions } from './target.js';

/**
 * `oms dlq list|redrive <queue>`: what sits in a queue's dead-letter queue, and moving it back
 * to the queue once the cause is fixed. Locally through the runtime's /_local endpoints; in AWS
 * through functions/ops/dead-letter-queues.ts, as the dead-letters API (GET /v1/ops/dead-letters).
 */
export interface DeadLetterReport {
  queue: string;
  deadLetterQueue: string;
  messages: number;
  /** AWS: the latest move task out of the dead-letter queue, if any. */
  lastRedrive?: { status: string; moved: number };
  /** Local: the dead-lettered messages themselves. */
  deadLetters?: unknown[];
}

export interface RedriveReport {
  queue: string;
  /** Local: moved at once. */
  moved?: number;
  /** AWS: the move task, to follow with `dlq list`. */
  taskHandle?: string;
}

interface LocalQueueView {
  name: string;
  depth: unknown;
  deadLetters: unknown[];
}

export async function listDeadLetters(
  target: Target,
  queue: string,
  sqs: SQSClient = new SQSClient({}),
): Promise<DeadLetterReport> {
  if (target.kind === 'local') {
    const queues = await callLocal<LocalQueueView[]>(target, '/_local/queues');
    const found = queues.find((candidate) => candidate.name === queue);
    if (!found) throw new Error(`No queue ${queue}; the queues are ${queues.map((q) => q.name).join(', ')}.`);
    return {
      queue,
      deadLetterQueue: `${queue}Dlq`,
      messages: found.deadLetters.length,
      deadLetters: found.deadLetters,
    };
  }
  const queues = await resolveQueues(sqs, queue);
  const status = await deadLetterStatus(sqs, queues);
  return { queue: queues.sourceArn, deadLetterQueue: queues.deadLetterArn, ...status };
}

export async function redriveDeadLetters(
  target: Target,
  queue: string,
  sqs: SQSClient = new SQSClient({}),
): Promise<RedriveReport> {
  if (target.kind === 'local') {
    const { moved } = await callLocal<{ moved: number }>(target, '/_local/dlq/redrive', { queue });
    return { queue, moved };
  }
  const queues = await resolveQueues(sqs, queue);
  return { queue: queues.sourceArn, ...(await startRedrive(sqs, queues)) };
}

export function addDlqCommands(program: Command, print: (result: unknown) => void): void {
  const queues = Object.values(QUEUES)
    .map((spec) => spec.id)
    .join(', ');
  const dlq = program
    .command('dlq')
    .description(
      `a queue's dead letters: inspect them, move them back (<queue>: ${queues}; in AWS also its URL)`,
    );
  const target = () => targetOf(program.opts<TargetOptions>());
  dlq
    .command('list <queue>')
    .description('count (locally: show) the messages in the dead-letter queue of <queue>')
    .action(async (queue: string) => print(await listDeadLetters(target(), await queueOf(target(), queue))));
  dlq
    .command('redrive <queue>')
    .description('move every message of the dead-letter queue of <queue> back to <queue>')
    .action(async (queue: string) =>
      print(await redriveDeadLetters(target(), await queueOf(target(), queue))),
    );
}

/** In AWS, a queue named as in lib/topology.ts (RoutingQueue) is the stack's `<id>Url` output. */
async function queueOf(target: Target, queue: string): Promise<string> {
  const known = Object.values(QUEUES).some((spec) => spec.id === queue);
  return target.kind === 'aws' && known ? stackOutput(target, `${queue}Url`) : queue;
}
