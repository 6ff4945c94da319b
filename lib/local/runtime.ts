import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LOCAL_STAGE, stageNames } from '../stage-config.js';
import { batchPointerOf, readBatch, replaySucceeded } from '../stream-replay.js';
import { TABLES } from '../tables.js';
import {
  EVENT_BUS_ENV,
  EVENT_RULES,
  FUNCTIONS,
  QUEUES,
  ROUTES,
  SCHEDULES,
  STREAM_SUBSCRIPTIONS,
  type QueueKey,
  type QueueSpec,
} from '../topology.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  createTables,
  localClient,
  startDynamoDbLocal,
} from './dynamodb-local.js';
import { LocalEventBus, type PublishedEvent } from './event-bus.js';
import { LocalFaults, faultSettingsFromEnvironment, type FaultSettings } from './faults.js';
import { consoleSite } from './console-server.js';
import { LocalHttpServer, type LocalHttpServerOptions } from './http-server.js';
import { LOCAL_ACCOUNT, LocalFunctions, isolationFromEnvironment, type Isolation } from './lambda.js';
import {
  DEFAULT_PORT,
  LOCAL_ANALYTICS_PSEUDONYM_SECRET,
  LOCAL_EVENT_BUS_NAME,
  LOCAL_SECRETS,
} from './local-config.js';
import { LocalQueue, startQueueConsumer, type QueueActivity } from './queue.js';
import { LocalSqsEndpoint } from './sqs-endpoint.js';
import { LocalScheduler } from './scheduler.js';
import type { FunctionCall } from './sdk-calls.js';
import { StreamPoller, toLambdaRecord } from './stream-poller.js';

/** Milliseconds; replaces every queue's visibility timeout (15 minutes and more in AWS). */
export const VISIBILITY_TIMEOUT_ENV = 'OMS_LOCAL_VISIBILITY_TIMEOUT_MS';
import { DEMO_USERS } from './demo-users.js';
import {
  LOCAL_CONSOLE_CLIENT_ID,
  LOCAL_INTEGRATION_CLIENT_ID,
  LocalTokenIssuer,
  TokenRequest,
  verifyBearer,
} from './tokens.js';

/**
 * The whole system on one machine, wired from the same data as the CDK stack (lib/tables.ts,
 * lib/topology.ts): DynamoDB Local with its streams, the stream pollers, the event bus and its
 * rules, the queues and their consumers, and the HTTP API with a token issuer standing in for
 * the identity provider. The functions are the real handlers, each in a worker thread of its own
 * unless `isolation` says inline (lib/local/lambda.ts), pointed at the local stand-ins through
 * the SDK's standard environment variables.
 */
export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  port?: number;
  /** An already running DynamoDB Local; otherwise one is started (and stopped by stop()). */
  dynamodbEndpoint?: string;
  seed?: boolean;
  /** Keeps runtimes that share one DynamoDB Local apart. */
  tablePrefix?: string;
  /** How often streams and queues are polled. */
  pollIntervalMs?: number;
  /**
   * Replaces every queue's visibility timeout, so that redeliveries and dead-lettering take
   * seconds instead of the 15 minutes and more of AWS; defaults to OMS_LOCAL_VISIBILITY_TIMEOUT_MS.
   * A queue's consumer then times out at half its visibility timeout at the latest, as AWS requires.
   */
  visibilityTimeoutMs?: number;
  /** Faults to inject (lib/local/faults.ts); defaults to OMS_LOCAL_FAULTS; none when absent. */
  faults?: FaultSettings;
  /** Pause before a failed stream batch is retried. */
  streamRetryDelayMs?: number;
  /** Replaces the rate of every schedule (lib/topology.ts SCHEDULES); 0 turns them off. */
  scheduleIntervalMs?: number;
  observer?: RuntimeObserver;
  /**
   * Where the functions run (lib/local/lambda.ts): each in a worker thread of its own, as Lambda
   * runs each in its own sandbox (`thread`, the default), or all in this thread (`inline`);
   * defaults to OMS_LOCAL_ISOLATION.
   */
  isolation?: Isolation;
}

export interface RuntimeObserver {
  onRequest?: LocalHttpServerOptions['onRequest'];
  onEventPublished?: (published: PublishedEvent) => void;
  onQueueActivity?: (activity: QueueActivity) => void;
  onError?: (source: string, error: unknown) => void;
  /** Every AWS SDK call a function sends, wherever it runs (lib/local/sdk-calls.ts). */
  onFunctionCall?: (call: FunctionCall) => void;
}

export interface LocalRuntime {
  url: string;
  dynamodbEndpoint: string;
  bus: LocalEventBus;
  queues: Record<QueueKey, LocalQueue>;
  /** On-failure destinations of the stream subscriptions, by `<table>To<function id>`. */
  failedStreamBatches: Record<string, LocalQueue>;
  faults: LocalFaults;
  /** Moves the dead letters of a queue (its id, its DLQ's or its QUEUES key) back to it. */
  redrive(queue: string): RedriveResult;
  /** Replays the failed batches parked for a stream subscription (see lib/stream-replay.ts). */
  replay(subscription: string): Promise<ReplayResult>;
  /** The local identity provider behind `POST /_local/token`; its keys live as long as the runtime. */
  tokens: LocalTokenIssuer;
  stop(): Promise<void>;
}

export interface RedriveResult {
  queue: string;
  moved: number;
}

export interface ReplayResult {
  subscription: string;
  batches: number;
  records: number;
  /** Batches that failed again, left on the failure queue. */
  failed: number;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const observer = options.observer ?? {};
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const faults = new LocalFaults(options.faults ?? faultSettingsFromEnvironment());
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? visibilityTimeoutFromEnvironment();
  const isolation = options.isolation ?? isolationFromEnvironment() ?? 'thread';
  const functions = new LocalFunctions(faults, isolation, observer.onFunctionCall);
  const queues = createQueues(visibilityTimeoutMs, observer, faults);
  const bus = new LocalEventBus({
    name: LOCAL_EVENT_BUS_NAME,
    routes: EVENT_RULES.map((rule) => ({
      ruleId: rule.id,
      pattern: rule.pattern,
      deliver: (event) => queues[rule.target.queue].send(JSON.stringify(event)),
    })),
    onPublished: observer.onEventPublished,
    faults,
  });
  const failedStreamBatches: Record<string, LocalQueue> = {};
  const replayers: Record<string, (failure: string) => Promise<number>> = {};
  /** Where the tables are, for local tools such as `npm run check:inventory`. */
  const storage: { dynamodbEndpoint?: string; tables?: Record<string, string> } = {};
  // Made once the port is known, since the issuer is a URL on it; no request is served before.
  let tokens: LocalTokenIssuer | undefined;
  const issuer = () => {
    if (!tokens) throw new Error('The local token issuer is not started yet.');
    return tokens;
  };
  const http = new LocalHttpServer({
    routes: ROUTES,
    invoke: (route, event) => functions.invoke(FUNCTIONS[route.function], event),
    localEndpoints: {
      '/_local/events': () => bus.recent(),
      '/_local/storage': () => storage,
      '/_local/queues': () =>
        describeQueues([...Object.values(queues), ...Object.values(failedStreamBatches)]),
      '/_local/faults': () => faults.describe(),
      '/_local/users': () => DEMO_USERS,
      '/_local/.well-known/openid-configuration': () => issuer().openIdConfiguration(),
      '/_local/.well-known/jwks.json': () => issuer().jwks(),
    },
    localPostEndpoints: {
      '/_local/faults': (body) => {
        faults.configure(body);
        return faults.describe();
      },
      '/_local/dlq/redrive': (body) => redrive(queueArgument(body)),
      '/_local/streams/replay': (body) => replay(subscriptionArgument(body)),
      '/_local/token': async (body) => issuer().tokenFor(await withMachineClientGrant(body)),
    },
    staticSite: consoleSite(),
    dropResponse: (method, route) => faults.shouldDropResponse(method, route.path),
    verifyToken: (authorization) =>
      verifyBearer(authorization, {
        issuer: issuer().issuer,
        audience: [LOCAL_CONSOLE_CLIENT_ID, LOCAL_INTEGRATION_CLIENT_ID],
        jwks: issuer().jwks(),
      }),
    onRequest: observer.onRequest,
    onInvocationError: (error, route) => observer.onError?.(FUNCTIONS[route.function].id, error),
  });

  const redrive = (name: string): RedriveResult => {
    const found = queueSpecs().find(
      ([key, spec]) => name === key || name === spec.id || name === `${spec.id}Dlq`,
    );
    if (!found) throw new Error(`No queue ${name}; the queues are ${Object.keys(QUEUES).join(', ')}.`);
    return { queue: found[1].id, moved: queues[found[0]].redriveDeadLetters() };
  };
  const replay = async (subscription: string): Promise<ReplayResult> => {
    const name = Object.keys(failedStreamBatches).find(
      (candidate) => candidate === subscription || awsSubscriptionName(candidate) === subscription,
    );
    const replayOne = name && replayers[name];
    if (!name || !replayOne) throw new Error(`No stream subscription ${subscription}.`);
    const queue = failedStreamBatches[name]!;
    const result: ReplayResult = { subscription: name, batches: 0, records: 0, failed: 0 };
    for (const message of queue.receive(Number.MAX_SAFE_INTEGER)) {
      result.batches += 1;
      try {
        result.records += await replayOne(message.body);
        queue.delete(message.receiptHandle);
      } catch (error) {
        result.failed += 1;
        queue.changeVisibility(message.receiptHandle, 0);
        observer.onError?.(`replay ${name}`, error);
      }
    }
    return result;
  };

  const cleanups: (() => Promise<void>)[] = [];
  // Requests stop first; what they depend on stops after, in the reverse order of starting.
  const stop = async () => {
    await http.close();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };

  // The functions' workers end last: the pollers and queues stopped before them may be waiting on one.
  cleanups.push(() => functions.stop());

  try {
    // The HTTP port is taken first, so a port already in use fails before Java starts.
    const url = await http.listen(options.port ?? DEFAULT_PORT);
    tokens = await LocalTokenIssuer.create(`${url}/_local`);

    let dynamodbEndpoint = options.dynamodbEndpoint;
    if (!dynamodbEndpoint) {
      const dynamodb = await startDynamoDbLocal({ timeoutMs: 60_000 });
      cleanups.push(() => dynamodb.stop());
      dynamodbEndpoint = dynamodb.endpoint;
    }
    const client = localClient(dynamodbEndpoint);
    const tableNames = await createTables(client, TABLES, options.tablePrefix ?? 'oms-local-').finally(() =>
      client.destroy(),
    );
    Object.assign(storage, { dynamodbEndpoint, tables: tableNames });
    const streams = new DynamoDBStreamsClient({
      endpoint: dynamodbEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanups.push(async () => streams.destroy());

    const busEndpoint = await bus.listen();
    cleanups.push(() => bus.close());
    const sqs = new LocalSqsEndpoint(Object.values(queues));
    const sqsEndpoint = await sqs.listen();
    cleanups.push(() => sqs.close());
    const analytics = await startLocalAnalytics();
    cleanups.push(() => analytics.close());

    Object.assign(process.env, {
      ...tableNames,
      [EVENT_BUS_ENV]: bus.name,
      ...Object.fromEntries(queueSpecs().map(([key, spec]) => [spec.envVar, queues[key].url])),
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: busEndpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      OMS_SECRETS_PROVIDER: 'local',
      OMS_LOCAL_SECRETS: JSON.stringify(LOCAL_SECRETS),
      // The functions share this environment (in their workers too), so POWERTOOLS_SERVICE_NAME
      // can not be set per function.
      POWERTOOLS_DEV: 'true',
      // Named like a deployed stage's, though nothing is published locally.
      POWERTOOLS_METRICS_NAMESPACE: stageNames(LOCAL_STAGE).metricsNamespace,
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      // The SDK's warning that Lambda's Node is newer than this one is said once, by this thread,
      // not again by every function's worker.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...analytics.environment,
    });

    if (options.seed ?? true) {
      // Imported only now: the repositories build the Powertools logger, which reads the
      // environment set just above.
      const { seedDemoData } = await import('./demo-data.js');
      await seedDemoData();
    }

    for (const subscription of STREAM_SUBSCRIPTIONS) {
      const spec = FUNCTIONS[subscription.function];
      const table = TABLES.find((definition) => definition.id === subscription.table);
      const tableName = table && tableNames[table.envVar];
      if (!tableName) throw new Error(`Stream subscription on unknown table ${subscription.table}`);
      // Named like the construct in lib/outbox.ts.
      const name = `${subscription.table}To${spec.id}`;
      const failedBatches = new LocalQueue({
        name: `${name}-FailedBatches`,
        visibilityTimeoutMs: visibilityTimeoutMs ?? 30_000,
        onActivity: observer.onQueueActivity,
      });
      failedStreamBatches[name] = failedBatches;
      replayers[name] = async (failure) => {
        const pointer = batchPointerOf(failure);
        if (!pointer) throw new Error('The message names no stream batch.');
        const records = await readBatch(streams, pointer);
        const event = { Records: records.map((record) => toLambdaRecord(record, pointer.streamArn)) };
        if (!replaySucceeded(await functions.invoke(spec, event))) {
          throw new Error(`${spec.id} reported failures again.`);
        }
        return records.length;
      };
      const poller = new StreamPoller({
        subscription,
        tableName,
        endpoint: dynamodbEndpoint,
        invoke: (event) => faults.streamBatch(spec.id, event, (batch) => functions.invoke(spec, batch)),
        onFailureDestination: failedBatches,
        functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${spec.id}`,
        pollIntervalMs,
        ...(options.streamRetryDelayMs !== undefined && { retryDelayMs: options.streamRetryDelayMs }),
        onPollError: (error) => observer.onError?.(`stream ${name}`, error),
      }).start();
      cleanups.push(() => poller.stop());
    }

    for (const [key, spec] of queueSpecs()) {
      if (!spec.consumer) continue;
      const consumerSpec = FUNCTIONS[spec.consumer.function];
      // AWS requires a visibility timeout of at least the consumer's timeout (and advises 6x),
      // so that a message comes back only once its last delivery is over, writes in flight
      // included; a shortened one shortens the timeout to half of it.
      const timeoutMs = Math.min(
        consumerSpec.timeoutSeconds * 1000,
        (visibilityTimeoutMs ?? spec.visibilityTimeoutSeconds * 1000) / 2,
      );
      const consumer = startQueueConsumer({
        queue: queues[key],
        batchSize: spec.consumer.batchSize,
        maxConcurrency: spec.consumer.maxConcurrency,
        pollIntervalMs,
        invoke: (event) => functions.invoke(consumerSpec, event, timeoutMs),
      });
      cleanups.push(() => consumer.stop());
    }

    const scheduler = new LocalScheduler({
      schedules: SCHEDULES,
      invoke: (schedule, event) => functions.invoke(FUNCTIONS[schedule.function], event),
      ...(options.scheduleIntervalMs !== undefined && { intervalMs: options.scheduleIntervalMs }),
      onError: (schedule, error) => observer.onError?.(`schedule ${schedule.id}`, error),
    }).start();
    cleanups.push(() => scheduler.stop());

    http.markReady();
    return { url, dynamodbEndpoint, bus, queues, failedStreamBatches, faults, redrive, replay, tokens, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each queue of QUEUES with its dead-letter queue, as lib/routing.ts builds them in AWS. */
function createQueues(
  visibilityTimeoutOverrideMs: number | undefined,
  observer: RuntimeObserver,
  faults: LocalFaults,
): Record<QueueKey, LocalQueue> {
  const entries = queueSpecs().map(([key, spec]) => {
    const visibilityTimeoutMs = visibilityTimeoutOverrideMs ?? spec.visibilityTimeoutSeconds * 1000;
    const onActivity = observer.onQueueActivity;
    const deadLetterQueue = new LocalQueue({ name: `${spec.id}Dlq`, visibilityTimeoutMs, onActivity });
    const queue = new LocalQueue({
      name: spec.id,
      visibilityTimeoutMs,
      redrive: { deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
      onActivity,
      faults,
    });
    return [key, queue] as const;
  });
  return Object.fromEntries(entries) as Record<QueueKey, LocalQueue>;
}

function visibilityTimeoutFromEnvironment(): number | undefined {
  const text = process.env[VISIBILITY_TIMEOUT_ENV];
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${VISIBILITY_TIMEOUT_ENV} must be a whole number of milliseconds, got ${text}.`);
  }
  return value;
}

/** The name lib/outbox.ts gives the subscription in AWS, which the ops CLI uses everywhere. */
function awsSubscriptionName(localName: string): string {
  const [table, functionId] = localName.split(/To(.*)/s, 2);
  return `${table}-stream-to-${functionId}`;
}

function queueArgument(body: unknown): string {
  const queue = (body as { queue?: unknown } | null)?.queue;
  if (typeof queue !== 'string') throw new Error('Give the queue as {"queue": "<name>"}.');
  return queue;
}

function subscriptionArgument(body: unknown): string {
  const subscription = (body as { subscription?: unknown } | null)?.subscription;
  if (typeof subscription !== 'string') throw new Error('Give it as {"subscription": "<name>"}.');
  return subscription;
}

function queueSpecs(): [QueueKey, QueueSpec][] {
  return Object.entries(QUEUES) as [QueueKey, QueueSpec][];
}

function describeQueues(queues: LocalQueue[]) {
  return queues.map((queue) => ({
    name: queue.name,
    url: queue.url,
    depth: queue.depth(),
    messages: queue.messages().map(withParsedBody),
    deadLetters: queue.deadLetters().map(withParsedBody),
  }));
}

function withParsedBody<Message extends { body: string }>(message: Message) {
  try {
    return { ...message, body: JSON.parse(message.body) as unknown };
  } catch {
    return message;
  }
}

/**
 * A machine client's token asked for without locations or channels gets those of its stored
 * grant (PUT /v1/machine-clients/{clientId}), as Cognito's pre-token-generation trigger adds them
 * in AWS; a token request that names them gets exactly what it names.
 */
async function withMachineClientGrant(body: unknown): Promise<unknown> {
  const request = TokenRequest.safeParse(body);
  if (!request.success) return body;
  const { role, sub, locationIds, channelIds } = request.data;
  if (role !== 'integration' || !sub || locationIds || channelIds) return body;
  // Loaded once the runtime has set the table names the data layer reads.
  const { getMachineClientGrant } = await import('../../functions/data/machine-clients-repository.js');
  const grant = await getMachineClientGrant(sub);
  if (!grant) return body;
  return {
    ...request.data,
    ...(grant.locationIds && { locationIds: grant.locationIds }),
    ...(grant.channelIds && { channelIds: grant.channelIds }),
  };
}

/**
 * The analytics export's stand-ins (#14): a local Firehose that writes the rows as Parquet files
 * (lib/local/firehose.ts), and the reports' settings. Loaded on start only, so that the runtime's
 * importers do not load DuckDB.
 */
async function startLocalAnalytics() {
  const [{ LocalFirehose, LOCAL_ANALYTICS_STREAM_PREFIX }, { ParquetFiles }] = await Promise.all([
    import('./firehose.js'),
    import('./parquet.js'),
  ]);
  const firehose = new LocalFirehose(new ParquetFiles());
  const endpoint = await firehose.listen();
  return {
    close: () => firehose.close(),
    environment: {
      AWS_ENDPOINT_URL_FIREHOSE: endpoint,
      ANALYTICS_DELIVERY_STREAM_PREFIX: LOCAL_ANALYTICS_STREAM_PREFIX,
      ANALYTICS_PSEUDONYM_SECRET: LOCAL_ANALYTICS_PSEUDONYM_SECRET,
      OMS_REPORTS_TIME_ZONE: process.env.OMS_REPORTS_TIME_ZONE || 'UTC',
    },
  };
}
