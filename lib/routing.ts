import { Duration } from 'aws-cdk-lib';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  EVENT_RULES,
  FUNCTIONS,
  QUEUES,
  type FunctionKey,
  type QueueKey,
  type FunctionSpec,
  type QueueSpec,
} from './topology.js';

export interface RoutingProps {
  eventBus: IEventBus;
  functions: Record<FunctionKey, LambdaFunction>;
}

export interface WorkQueue {
  spec: QueueSpec;
  queue: Queue;
  deadLetterQueue: Queue;
}

/**
 * The work queues of QUEUES, each with its dead-letter queue, filled by the bus rules of
 * EVENT_RULES and drained by their consumer function when the topology names one.
 */
export class Routing extends Construct {
  readonly queues: Record<QueueKey, WorkQueue>;

  constructor(scope: Construct, id: string, props: RoutingProps) {
    super(scope, id);
    const specs = Object.entries(QUEUES) as [QueueKey, QueueSpec][];
    this.queues = Object.fromEntries(
      specs.map(([key, spec]) => [key, this.createWorkQueue(spec, props.functions)]),
    ) as Record<QueueKey, WorkQueue>;

    for (const ruleSpec of EVENT_RULES) {
      const target = this.queues[ruleSpec.target.queue];
      new Rule(this, ruleSpec.id, {
        eventBus: props.eventBus,
        description: ruleSpec.description,
        eventPattern: { source: ruleSpec.pattern.source, detailType: ruleSpec.pattern['detail-type'] },
        // An event the bus can not deliver lands beside the messages the consumer gave up on:
        // both are work that never got done, redriven the same way.
        targets: [new SqsQueue(target.queue, { deadLetterQueue: target.deadLetterQueue })],
      });
    }

    const redrivers = (Object.keys(FUNCTIONS) as FunctionKey[]).filter(
      (key) => (FUNCTIONS[key] as FunctionSpec).redrivesDeadLetters,
    );
    for (const key of redrivers) {
      for (const workQueue of Object.values(this.queues)) grantRedrive(props.functions[key], workQueue);
    }
  }

  private createWorkQueue(spec: QueueSpec, functions: Record<FunctionKey, LambdaFunction>): WorkQueue {
    const deadLetterQueue = new Queue(this, `${spec.id}Dlq`, {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new Queue(this, spec.id, {
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    if (spec.consumer) {
      const consumerSpec = FUNCTIONS[spec.consumer.function];
      // Lambda refuses the subscription at deploy time otherwise; say so at synth time instead.
      if (consumerSpec.timeoutSeconds > spec.visibilityTimeoutSeconds) {
        throw new Error(
          `Queue ${spec.id}: its visibility timeout (${spec.visibilityTimeoutSeconds}s) must be at least the timeout of ${consumerSpec.id} (${consumerSpec.timeoutSeconds}s).`,
        );
      }
      functions[spec.consumer.function].addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.consumer.batchSize,
          maxBatchingWindow: Duration.seconds(spec.consumer.maxBatchingWindowSeconds),
          maxConcurrency: spec.consumer.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }
    return { spec, queue, deadLetterQueue };
  }
}

/**
 * What the dead-letters API needs on one work queue, and nothing more: the queue's URL, reading
 * its redrive policy, and a message move task out of its dead-letter queue, which SQS runs with
 * the caller's rights (receive and delete there, send to the queue). A peek is a receive.
 */
function grantRedrive(fn: LambdaFunction, { spec, queue, deadLetterQueue }: WorkQueue): void {
  fn.addEnvironment(spec.envVar, queue.queueUrl);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
      resources: [queue.queueArn],
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'sqs:GetQueueUrl',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
      ],
      resources: [deadLetterQueue.queueArn],
    }),
  );
}
