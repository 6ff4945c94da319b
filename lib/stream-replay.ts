import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';

/**
 * Replaying a failed stream batch, locally (lib/local/runtime.ts) and in AWS (bin/cli/streams.ts).
 * Lambda's on-failure destination gets a pointer to the batch (shard, first and last sequence
 * number), not its records; the records stay on the stream for 24 hours, so a replay re-reads
 * them from there and hands them to the function again.
 */
export interface StreamBatchPointer {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  streamArn: string;
}

/** Empty pages tolerated before the range is taken to be gone: an open shard can answer empty. */
const MAX_EMPTY_PAGES = 5;

/** The pointer inside an on-failure destination message, or undefined when it holds none. */
export function batchPointerOf(messageBody: string): StreamBatchPointer | undefined {
  try {
    const parsed = JSON.parse(messageBody) as { DDBStreamBatchInfo?: Partial<StreamBatchPointer> };
    const info = parsed.DDBStreamBatchInfo;
    if (!info?.shardId || !info.startSequenceNumber || !info.endSequenceNumber || !info.streamArn) {
      return undefined;
    }
    return {
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
      batchSize: Number(info.batchSize ?? 0),
      streamArn: info.streamArn,
    };
  } catch {
    return undefined;
  }
}

/**
 * The records from the first to the last sequence number of the pointer, in stream order.
 * Throws when the stream no longer has the first one (past retention: nothing to replay).
 */
export async function readBatch(
  streams: DynamoDBStreamsClient,
  pointer: StreamBatchPointer,
): Promise<StreamRecord[]> {
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: pointer.streamArn,
      ShardId: pointer.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: pointer.startSequenceNumber,
    }),
  );
  const end = BigInt(pointer.endSequenceNumber);
  const records: StreamRecord[] = [];
  let iterator = ShardIterator;
  let emptyPages = 0;
  while (iterator && emptyPages < MAX_EMPTY_PAGES) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const fresh = page.Records ?? [];
    emptyPages = fresh.length === 0 ? emptyPages + 1 : 0;
    for (const record of fresh) {
      if (BigInt(record.dynamodb?.SequenceNumber ?? '0') > end) return records;
      records.push(record);
    }
    if (records.at(-1)?.dynamodb?.SequenceNumber === pointer.endSequenceNumber) return records;
    iterator = page.NextShardIterator;
  }
  if (records[0]?.dynamodb?.SequenceNumber !== pointer.startSequenceNumber) {
    throw new Error(
      `Shard ${pointer.shardId} no longer holds record ${pointer.startSequenceNumber}: past retention.`,
    );
  }
  return records;
}

/** A function's answer to a replayed batch: it succeeded only when it reported no failures. */
export function replaySucceeded(result: unknown): boolean {
  const failures = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
  return !Array.isArray(failures) || failures.length === 0;
}

/**
 * The stack output holding the URL of a subscription's failure queue, e.g.
 * `OrdersStreamToPublishOrderEventsFailedBatchesUrl` for `Orders-stream-to-publish-order-events`
 * (output keys are letters and digits only).
 */
export function failedBatchesOutputKey(subscription: string): string {
  const words = subscription.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `${words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}FailedBatchesUrl`;
}
