import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LayerVersion, Runtime, Tracing, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { StageNames } from './stage-config.js';
import { TABLES, type TableDefinition } from './tables.js';
import { PAYLOAD_RETENTION_ENV } from '../functions/data/retention.js';
import {
  CHANNEL_PAYLOAD_WRITERS,
  EVENT_BUS_ENV,
  FUNCTIONS,
  STREAM_SUBSCRIPTIONS,
  type FunctionKey,
  type FunctionSpec,
  type TableAccess,
  type TableId,
} from './topology.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * How every handler is bundled, in esbuild's own terms, so that bin/bundle-size.ts measures
 * exactly what the stack deploys.
 * - The AWS SDK v3 (`@aws-sdk/*`) is not bundled: the nodejs22.x runtime ships it, and Node 18+
 *   Lambda runtimes resolve ES module imports through NODE_PATH, where it lives. Bundling it made
 *   every function 300-400 KB larger. The price is that the SDK version in AWS is the runtime's
 *   (AWS updates it with the runtime), not the one pinned in package-lock.json and tested, and a
 *   slightly slower import; docs/performance.md ("What the bundles leave out") weighs this and
 *   says how to pin instead.
 * - Powertools (`@aws-lambda-powertools/*`, with the X-Ray SDK its tracer needs, about 160 KB) comes
 *   from the Powertools layer AWS publishes, pinned to the exact version in package.json (see
 *   powertoolsLayer below), so every function runs the Powertools it was tested with.
 * - Source maps without their sources: stack traces only need the mappings, and Node reads the
 *   whole map when the module loads (`--enable-source-maps`), so a smaller map is a faster cold start.
 * - The banner gives ESM output a `require` for the CommonJS dependencies that still call it.
 */
export const ESBUILD_SETTINGS = {
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner:
    "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);",
  external: ['@aws-sdk/*', '@aws-lambda-powertools/*'],
} as const;

const BUNDLING: BundlingOptions = {
  target: ESBUILD_SETTINGS.target,
  format: OutputFormat.ESM,
  minify: ESBUILD_SETTINGS.minify,
  sourceMap: ESBUILD_SETTINGS.sourcemap,
  sourcesContent: ESBUILD_SETTINGS.sourcesContent,
  mainFields: [...ESBUILD_SETTINGS.mainFields],
  banner: ESBUILD_SETTINGS.banner,
  externalModules: [...ESBUILD_SETTINGS.external],
};

/**
 * The Powertools layer of the version package.json pins (every Powertools package has the same
 * one). AWS publishes each release's layer ARN under an SSM parameter named after the version, so
 * the lookup happens at deploy time and a Powertools upgrade in package.json moves the layer with it.
 */
export const POWERTOOLS_VERSION = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  }
).dependencies['@aws-lambda-powertools/logger']!;

function powertoolsLayer(scope: Construct): ILayerVersion {
  const stack = Stack.of(scope);
  const id = 'PowertoolsLayer';
  const existing = stack.node.tryFindChild(id) as ILayerVersion | undefined;
  if (existing) return existing;
  const arn = StringParameter.valueForStringParameter(
    stack,
    `/aws/service/powertools/typescript/generic/all/${POWERTOOLS_VERSION}`,
  );
  return LayerVersion.fromLayerVersionArn(stack, id, arn);
}

export interface OmsFunctionsProps {
  /** The stage's names: metric namespace, secret prefix, log group names. */
  names: StageNames;
  /** Apply FunctionSpec.reservedConcurrency (off where the account's quota can not spare it). */
  reserveConcurrency: boolean;
  tables: Record<TableId, Table>;
  eventBus: IEventBus;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** Days raw channel payloads and delivery keys are kept (StageSettings.payloadRetentionDays). */
  payloadRetentionDays: number;
}

/** One least-privileged function per entry of FUNCTIONS, keyed like FUNCTIONS. */
export class OmsFunctions extends Construct {
  readonly byKey: Record<FunctionKey, NodejsFunction>;

  constructor(scope: Construct, id: string, props: OmsFunctionsProps) {
    super(scope, id);
    const entries = Object.entries(FUNCTIONS) as [FunctionKey, FunctionSpec][];
    this.byKey = Object.fromEntries(
      entries.map(([key, spec]) => [key, createOmsFunction(this, spec, props)]),
    ) as Record<FunctionKey, NodejsFunction>;
    for (const key of CHANNEL_PAYLOAD_WRITERS) {
      this.byKey[key].addEnvironment(PAYLOAD_RETENTION_ENV, String(props.payloadRetentionDays));
    }
  }
}

export function createOmsFunction(
  scope: Construct,
  spec: FunctionSpec,
  props: Omit<OmsFunctionsProps, 'payloadRetentionDays'>,
): NodejsFunction {
  const container = new Construct(scope, spec.id);
  const logGroup = new LogGroup(container, 'Logs', {
    logGroupName: `${props.names.logGroupPrefix}${spec.id}`,
    retention: props.logRetention,
    removalPolicy: props.logRemovalPolicy,
  });
  // An own role instead of the default one: the default attaches the AWS-managed
  // AWSLambdaBasicExecutionRole, which may write to every log group in the account.
  const role = new Role(container, 'Role', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs the ${spec.id} function`,
  });
  logGroup.grantWrite(role);

  const fn = new NodejsFunction(container, 'Function', {
    description: spec.description,
    entry: path.join(REPO_ROOT, spec.entry),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: spec.memoryMb,
    timeout: Duration.seconds(spec.timeoutSeconds),
    tracing: Tracing.ACTIVE,
    role,
    logGroup,
    bundling: BUNDLING,
    layers: [powertoolsLayer(scope)],
    ...(props.reserveConcurrency &&
      spec.reservedConcurrency !== undefined && { reservedConcurrentExecutions: spec.reservedConcurrency }),
    environment: {
      POWERTOOLS_SERVICE_NAME: spec.id,
      POWERTOOLS_METRICS_NAMESPACE: props.names.metricsNamespace,
      NODE_OPTIONS: '--enable-source-maps',
    },
  });

  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the runtime the handlers are built (esbuild target node22) and tested for, and it is supported into 2027; moving to a newer one is a deliberate upgrade, not a drift.',
  });

  for (const tableAccess of spec.tables) {
    const table = props.tables[tableAccess.table];
    fn.addEnvironment(definitionOf(tableAccess.table).envVar, table.tableName);
    grantTableAccess(fn, table, tableAccess, spec.id);
  }
  if (spec.publishesEvents) {
    fn.addEnvironment(EVENT_BUS_ENV, props.eventBus.eventBusName);
    props.eventBus.grantPutEventsTo(fn);
  }
  if (spec.readsChannelSecrets) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [channelSecretsArn(Stack.of(scope), props.names.channelSecretsPrefix)],
      }),
    );
  }
  if (spec.writesChannelSecrets) {
    fn.addEnvironment('CHANNEL_SECRETS_PREFIX', props.names.channelSecretsPrefix);
    fn.addToRolePolicy(
      new PolicyStatement({
        // A channel's first secret is created; later ones are new versions of it.
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
        resources: [channelSecretsArn(Stack.of(scope), props.names.channelSecretsPrefix)],
      }),
    );
  }
  if (spec.readsCarrierSecrets) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [channelSecretsArn(Stack.of(scope), props.names.carrierSecretsPrefix)],
      }),
    );
  }
  acknowledgeUnscopableResources(role, spec, props.names.channelSecretsPrefix);
  if (spec.readsCarrierSecrets) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${props.names.carrierSecretsPrefix}*]`,
      reason: `Carrier accounts are configured at run time: ${spec.id} reads only the secrets under ${props.names.carrierSecretsPrefix}, whose ARNs end in a random suffix.`,
    });
  }
  return fn;
}

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * The actions a TableAccess names, on the table and on each index it queries, instead of
 * grantReadData/grantReadWriteData: those add Scan, BatchWriteItem and `index/*` to every function,
 * whether it uses them or not. Table-level reads and transaction checks need no more; the stream
 * a function is fed by is granted by its event source.
 */
function grantTableAccess(fn: NodejsFunction, table: Table, access: TableAccess, functionId: string): void {
  const actions = [
    ...READ_ACTIONS,
    ...(access.access === 'readWrite' ? WRITE_ACTIONS : []),
    ...(access.actions ?? []).map((action) => `dynamodb:${action}`),
  ];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: [table.tableArn] }));
  const indexes = access.indexes ?? [];
  const defined = definitionOf(access.table).globalSecondaryIndexes?.map((index) => index.indexName) ?? [];
  const unknown = indexes.filter((name) => !defined.includes(name));
  if (unknown.length > 0) {
    throw new Error(`${functionId}: ${access.table} has no index ${unknown.join(', ')} (lib/tables.ts).`);
  }
  if (indexes.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexes.map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
  }
}

function channelSecretsArn(stack: Stack, prefix: string): string {
  return stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${prefix}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function definitionOf(tableId: TableId): TableDefinition {
  const definition = TABLES.find((table) => table.id === tableId);
  if (!definition) throw new Error(`lib/tables.ts has no table "${tableId}".`);
  return definition;
}

/**
 * The wildcards left in a function's policy are the ones AWS offers no narrower form of. cdk-nag
 * reports each wildcard resource as its own finding, so each is acknowledged by name and any
 * other wildcard still fails the checks.
 */
function acknowledgeUnscopableResources(role: Role, spec: FunctionSpec, secretsPrefix: string): void {
  const validations = Validations.of(role);
  const readsStreams = STREAM_SUBSCRIPTIONS.some(
    (subscription) => FUNCTIONS[subscription.function].id === spec.id,
  );
  validations.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: readsStreams
      ? 'xray:PutTraceSegments/PutTelemetryRecords (active tracing) and dynamodb:ListStreams (its stream subscription) support no resource-level permissions.'
      : 'xray:PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions.',
  });
  if (spec.readsChannelSecrets || spec.writesChannelSecrets) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretsPrefix}*]`,
      reason: `Channels are configured at run time: ${spec.id} ${spec.writesChannelSecrets ? 'writes' : 'reads'} only the secrets under ${secretsPrefix}, whose ARNs end in a random suffix.`,
    });
  }
}
