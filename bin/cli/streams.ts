import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { toLambdaRecord } from '../../lib/local/stream-poller.js';
import {
  batchPointerOf,
  failedBatchesOutputKey,
  readBatch,
  replaySucceeded,
} from '../../lib/stream-replay.js';
import { callLocal, stackOutput, targetOf, type Target, type TargetOptions } from './target.js';

/**
 * `oms streams replay <subscription>`: for every failed-batch pointer parked on the subscription's
 * failure queue, re-reads the records it names from the stream (24 hours in AWS) and runs the
 * subscription's function on them again; a pointer whose batch then succeeds is deleted, one
 * that fails again stays for the next replay. Subscribers dedupe by eventId, so a replay that
 * republishes an event already out is harmless.
 */
export interface ReplayReport {
  subscription: string;
  batches: number;
  records: number;
  failed: number;
}

export interface AwsClients {
  sqs: SQSClient;
  streams: DynamoDBStreamsClient;
  lambda: LambdaClient;
}

/** Longer than a replayed invocation, so that a pointer being replayed is not handed out twice. */
const REPLAY_VISIBILITY_SECONDS = 300;

export async function replayStreamBatches(
  target: Target,
  subscription: string,
  options: { queueUrl?: string } = {},
  clients?: AwsClients,
): Promise<ReplayReport> {
  if (target.kind === 'local')
    return callLocal<ReplayReport>(target, '/_local/streams/replay', { subscription });
  if (!options.queueUrl)
    throw new Error('In AWS, give the failure queue of the subscription: --queue-url <url>.');
  const { sqs, streams, lambda } = clients ?? {
    sqs: new SQSClient({}),
    streams: new DynamoDBStreamsClient({}),
    lambda: new LambdaClient({}),
  };
  const report: ReplayReport = { subscription, batches: 0, records: 0, failed: 0 };
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: REPLAY_VISIBILITY_SECONDS,
      }),
    );
    if (Messages.length === 0) return report;
    for (const message of Messages) {
      report.batches += 1;
      const replayed = await replayOne(streams, lambda, message.Body ?? '');
      if (replayed === undefined) {
        report.failed += 1;
        continue;
      }
      report.records += replayed;
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
}

/** The number of records replayed, or undefined when the batch failed again (or names none). */
async function replayOne(
  streams: DynamoDBStreamsClient,
  lambda: LambdaClient,
  body: string,
): Promise<number | undefined> {
  const pointer = batchPointerOf(body);
  const functionArn = (JSON.parse(body) as { requestContext?: { functionArn?: string } }).requestContext
    ?.functionArn;
  if (!pointer || !functionArn) return undefined;
  const records = await readBatch(streams, pointer);
  const event = { Records: records.map((record) => toLambdaRecord(record, pointer.streamArn)) };
  const { FunctionError, Payload } = await lambda.send(
    new InvokeCommand({
      FunctionName: functionArn,
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  if (FunctionError) return undefined;
  const result: unknown = Payload?.length ? JSON.parse(new TextDecoder().decode(Payload)) : undefined;
  return replaySucceeded(result) ? records.length : undefined;
}

export function addStreamsCommands(program: Command, print: (result: unknown) => void): void {
  const streams = program.command('streams').description('stream subscriptions and their failed batches');
  streams
    .command('replay <subscription>')
    .description(
      're-run the function of <subscription> (e.g. Orders-stream-to-publish-order-events) on its failed batches',
    )
    .option(
      '--queue-url <url>',
      "AWS: the subscription's failure queue (default: the stack output <Subscription>FailedBatchesUrl)",
    )
    .action(async (subscription: string, options: { queueUrl?: string }) => {
      const target = targetOf(program.opts<TargetOptions>());
      const queueUrl =
        options.queueUrl ??
        (target.kind === 'aws' ? await stackOutput(target, failedBatchesOutputKey(subscription)) : undefined);
      print(await replayStreamBatches(target, subscription, queueUrl ? { queueUrl } : {}));
    });
}
