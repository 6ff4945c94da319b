import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  FUNCTIONS,
  STREAM_SUBSCRIPTIONS,
  type FunctionKey,
  type StreamSubscriptionSpec,
  type TableId,
} from './topology.js';

export interface OutboxProps {
  tables: Record<TableId, ITable>;
  functions: Record<FunctionKey, IFunction>;
}

export interface StreamSubscription {
  /** `<table>-stream-to-<function id>`, unique per subscription. */
  name: string;
  spec: StreamSubscriptionSpec;
  consumer: IFunction;
  /** Where a batch's stream coordinates go once its retries or its age run out. */
  failedBatches: Queue;
}

/**
 * The table streams wired to their functions (STREAM_SUBSCRIPTIONS). A failing batch is retried
 * a bounded number of times and bisected to isolate the bad record; what still fails, or is too
 * old, is parked on a queue so the rest of the shard keeps flowing.
 */
export class Outbox extends Construct {
  readonly subscriptions: StreamSubscription[];

  constructor(scope: Construct, id: string, props: OutboxProps) {
    super(scope, id);
    this.subscriptions = STREAM_SUBSCRIPTIONS.map((spec) => {
      const name = `${spec.table}-stream-to-${FUNCTIONS[spec.function].id}`;
      const scopeOfSubscription = new Construct(this, name);
      const failedBatches = new Queue(scopeOfSubscription, 'FailedBatches', {
        // Holds the shard and sequence numbers of failed batches, not the records. The records
        // can be replayed from the stream for 24 hours only; after that, the message still says
        // which changes were never handled.
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(failedBatches).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is the on-failure destination of a stream subscription: it is the dead-letter queue.',
      });
      const consumer = props.functions[spec.function];
      consumer.addEventSource(
        new DynamoEventSource(props.tables[spec.table], {
          // From the oldest record, so nothing written before the subscription existed is lost.
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: spec.batchSize,
          maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds),
          retryAttempts: spec.retryAttempts,
          maxRecordAge: Duration.seconds(spec.maxRecordAgeSeconds),
          bisectBatchOnError: spec.bisectBatchOnError,
          reportBatchItemFailures: true,
          // One batch per shard at a time: the changes of one item are handled in the order made.
          parallelizationFactor: 1,
          onFailure: new SqsDlq(failedBatches),
        }),
      );
      return { name, spec, consumer, failedBatches };
    });
  }
}
