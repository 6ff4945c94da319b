import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamSubscriptionSpec } from '../topology.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localClient } from './dynamodb-local.js';
import type { LocalQueue } from './queue.js';

/**
 * Lambda's DynamoDB event source mapping, for DynamoDB Local's streams: it reads each shard in
 * order (a child shard only after its parent), invokes the function with a DynamoDBStreamEvent,
 * and on failure does what Lambda does: retries from the first record the function reported
 * failed (batchItemFailures), retries the whole batch when it throws, splitting it in two first
 * when bisectBatchOnError is set, and once retryAttempts or maxRecordAgeSeconds run out, sends a
 * description of the batch to the on-failure destination and moves on. Written by hand because
 * the offline emulators of this (serverless-offline's stream plugins) are tied to their framework.
 */
export interface StreamPollerOptions {
  subscription: StreamSubscriptionSpec;
  tableName: string;
  /** DynamoDB Local's endpoint; it serves the streams API as well. */
  endpoint: string;
  invoke(event: DynamoDBStreamEvent): Promise<unknown>;
  onFailureDestination: LocalQueue;
  functionArn: string;
  pollIntervalMs?: number;
  retryDelayMs?: number;
  /** Errors of the poller itself (not of the function), e.g. a table that does not exist yet. */
  onPollError?: (error: unknown) => void;
}

/** The batch description Lambda sends to an on-failure destination (not the records themselves). */
export interface FailedBatchRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

const LOST_ITERATOR_ERRORS = new Set(['TrimmedDataAccessException', 'ExpiredIteratorException']);

type Outcome = { kind: 'succeeded' } | { kind: 'threw' } | { kind: 'failedFrom'; index: number };

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly finishedShards = new Set<string>();
  private readonly iterators = new Map<string, string>();
  /** Last sequence number handled per shard, to resume after an iterator is lost. */
  private readonly checkpoints = new Map<string, string>();
  private streamArn?: string;
  private stopped = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(private readonly options: StreamPollerOptions) {
    this.streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
  }

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
    this.streams.destroy();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.options.onPollError?.(error);
      }
      await this.sleep(this.options.pollIntervalMs ?? 200);
    }
  }

  private async pollOnce(): Promise<void> {
    this.streamArn ??= await this.latestStreamArn();
    const shards = await this.listShards(this.streamArn);
    for (const shard of shardsReadyToRead(shards, this.finishedShards)) {
      await this.drainShard(this.streamArn, shard.ShardId as string);
      if (this.stopped) return;
    }
  }

  private async latestStreamArn(): Promise<string> {
    const client = localClient(this.options.endpoint);
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: this.options.tableName }));
      if (!Table?.LatestStreamArn) throw new Error(`Table ${this.options.tableName} has no stream`);
      return Table.LatestStreamArn;
    } finally {
      client.destroy();
    }
  }

  private async listShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return shards;
  }

  /** Delivers batches from a shard until it has nothing new; a closed, drained shard is finished. */
  private async drainShard(streamArn: string, shardId: string): Promise<void> {
    while (!this.stopped) {
      const iterator = this.iterators.get(shardId) ?? (await this.shardIterator(streamArn, shardId));
      let page;
      try {
        page = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.subscription.batchSize }),
        );
      } catch (error) {
        // A lost iterator is replaced from the checkpoint on the next poll. DynamoDB Local calls
        // the iterator it gave out for an empty shard "trimmed" once records arrive: not an error.
        this.iterators.delete(shardId);
        if (LOST_ITERATOR_ERRORS.has((error as Error).name)) return;
        throw error;
      }
      const records = page.Records ?? [];
      if (records.length > 0) await this.deliver(streamArn, shardId, records, 0);
      if (this.stopped) return;
      const lastSequenceNumber = records.at(-1)?.dynamodb?.SequenceNumber;
      if (lastSequenceNumber) this.checkpoints.set(shardId, lastSequenceNumber);
      if (!page.NextShardIterator) {
        this.iterators.delete(shardId);
        this.finishedShards.add(shardId);
        return;
      }
      this.iterators.set(shardId, page.NextShardIterator);
      if (records.length === 0) return;
    }
  }

  private async shardIterator(streamArn: string, shardId: string): Promise<string> {
    const checkpoint = this.checkpoints.get(shardId);
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (!ShardIterator) throw new Error(`No iterator for shard ${shardId}`);
    return ShardIterator;
  }

  /** Returns once every record of the batch was handled or sent to the on-failure destination. */
  private async deliver(streamArn: string, shardId: string, batch: StreamRecord[], retriesSoFar: number) {
    const { retryAttempts, bisectBatchOnError } = this.options.subscription;
    let pending = batch;
    let retries = retriesSoFar;
    while (pending.length > 0 && !this.stopped) {
      const tooOld = pending.filter((record) => this.isTooOld(record));
      if (tooOld.length > 0) {
        this.sendToDestination(streamArn, shardId, tooOld, 'RecordAgeExceeded', retries);
        pending = pending.filter((record) => !tooOld.includes(record));
        continue;
      }
      const outcome = await this.invoke(streamArn, pending);
      if (outcome.kind === 'succeeded') return;
      if (outcome.kind === 'threw' && bisectBatchOnError && pending.length > 1) {
        // Splitting does not use up a retry, so a record that always fails ends up alone.
        const middle = Math.ceil(pending.length / 2);
        await this.deliver(streamArn, shardId, pending.slice(0, middle), retries);
        await this.deliver(streamArn, shardId, pending.slice(middle), retries);
        return;
      }
      if (outcome.kind === 'failedFrom') pending = pending.slice(outcome.index);
      retries += 1;
      // -1 means "until the record expires", as in Lambda.
      if (retryAttempts >= 0 && retries > retryAttempts) {
        this.sendToDestination(streamArn, shardId, pending, 'RetryAttemptsExhausted', retries);
        return;
      }
      await this.sleep(this.options.retryDelayMs ?? 500);
    }
  }

  private async invoke(streamArn: string, records: StreamRecord[]): Promise<Outcome> {
    let result: unknown;
    try {
      result = await this.options.invoke({
        Records: records.map((record) => toLambdaRecord(record, streamArn)),
      });
    } catch {
      return { kind: 'threw' };
    }
    const failures = (result as Partial<DynamoDBBatchResponse> | undefined)?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return { kind: 'succeeded' };
    const indexes = failures.map((failure) =>
      records.findIndex((record) => record.dynamodb?.SequenceNumber === failure?.itemIdentifier),
    );
    // As in Lambda, an identifier that names no record of the batch fails the whole batch.
    return { kind: 'failedFrom', index: indexes.includes(-1) ? 0 : Math.min(...indexes) };
  }

  private isTooOld(record: StreamRecord): boolean {
    const { maxRecordAgeSeconds } = this.options.subscription;
    const createdAt = record.dynamodb?.ApproximateCreationDateTime;
    if (maxRecordAgeSeconds < 0 || !createdAt) return false;
    return Date.now() - createdAt.getTime() > maxRecordAgeSeconds * 1000;
  }

  private sendToDestination(
    streamArn: string,
    shardId: string,
    records: StreamRecord[],
    condition: FailedBatchRecord['requestContext']['condition'],
    failedInvocations: number,
  ): void {
    const first = records[0]?.dynamodb;
    const last = records.at(-1)?.dynamodb;
    const failure: FailedBatchRecord = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: this.options.functionArn,
        condition,
        approximateInvokeCount: failedInvocations,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first?.SequenceNumber ?? '',
        endSequenceNumber: last?.SequenceNumber ?? '',
        approximateArrivalOfFirstRecord: first?.ApproximateCreationDateTime?.toISOString() ?? '',
        approximateArrivalOfLastRecord: last?.ApproximateCreationDateTime?.toISOString() ?? '',
        batchSize: records.length,
        streamArn,
      },
    };
    this.options.onFailureDestination.send(JSON.stringify(failure));
  }

  /** A pause that `stop()` cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Open or unfinished shards whose parent is finished (or gone), oldest first. */
function shardsReadyToRead(shards: Shard[], finished: ReadonlySet<string>): Shard[] {
  const known = new Set(shards.map((shard) => shard.ShardId));
  return shards
    .filter((shard) => shard.ShardId && !finished.has(shard.ShardId))
    .filter(
      (shard) => !shard.ParentShardId || !known.has(shard.ParentShardId) || finished.has(shard.ParentShardId),
    )
    .sort((a, b) => compareSequenceNumbers(startOf(a), startOf(b)));
}

const startOf = (shard: Shard) => shard.SequenceNumberRange?.StartingSequenceNumber ?? '0';

/** Sequence numbers are decimal strings longer than a double holds. */
function compareSequenceNumbers(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/**
 * The record as Lambda delivers it: plain JSON, creation time in epoch seconds, binary
 * attributes base64-encoded, the stream's ARN attached.
 */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
  return toJson({
    ...record,
    dynamodb: {
      ...(ApproximateCreationDateTime && {
        ApproximateCreationDateTime: ApproximateCreationDateTime.getTime() / 1000,
      }),
      ...dynamodb,
    },
    eventSourceARN: streamArn,
  }) as DynamoDBRecord;
}

/**
 * A loop rather than entries, filter and fromEntries: every record's two images pass through
 * here on the runtime's main thread, which also serves HTTP, and the arrays those built for each
 * attribute made it three times slower (docs/performance.md). Fields are defined, not assigned,
 * so an attribute named `__proto__` stays an attribute, as it did with fromEntries.
 */
function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value !== 'object' || value === null) return value;
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    if (key === '__proto__')
      Object.defineProperty(json, key, {
        value: toJson(field),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else json[key] = toJson(field);
  }
  return json;
}
