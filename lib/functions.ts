import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, Stack, Validations, type CfnElement, type RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LayerVersion, Runtime, Tracing, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { TABLES, type TableDefinition } from './tables.js';
import {
  EVENT_BUS_ENV,
  FUNCTIONS,
  STREAM_SUBSCRIPTIONS,
  type FunctionKey,
  type FunctionSpec,
  type TableId,
} from './topology.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The CloudWatch namespace of the metrics the handlers publish through Powertools. */
export const METRICS_NAMESPACE = 'OMS';

/** Channel signing secrets are named `oms/channels/<channelId>`; nothing else is readable. */
export const CHANNEL_SECRETS_PREFIX = 'oms/channels/';

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
  tables: Record<TableId, Table>;
  eventBus: IEventBus;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
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
  }
}

export function createOmsFunction(
  scope: Construct,
  spec: FunctionSpec,
  props: OmsFunctionsProps,
): NodejsFunction {
  const container = new Construct(scope, spec.id);
  const logGroup = new LogGroup(container, 'Logs', {
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
    environment: {
      POWERTOOLS_SERVICE_NAME: spec.id,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    },
  });

  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the runtime the handlers are built (esbuild target node22) and tested for, and it is supported into 2027; moving to a newer one is a deliberate upgrade, not a drift.',
  });

  for (const { table: tableId, access } of spec.tables) {
    const table = props.tables[tableId];
    fn.addEnvironment(definitionOf(tableId).envVar, table.tableName);
    if (access === 'readWrite') table.grantReadWriteData(fn);
    else table.grantReadData(fn);
  }
  if (spec.publishesEvents) {
    fn.addEnvironment(EVENT_BUS_ENV, props.eventBus.eventBusName);
    props.eventBus.grantPutEventsTo(fn);
  }
  if (spec.readsChannelSecrets) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [channelSecretsArn(Stack.of(scope))],
      }),
    );
  }
  if (spec.writesChannelSecrets) {
    fn.addEnvironment('CHANNEL_SECRETS_PREFIX', CHANNEL_SECRETS_PREFIX);
    fn.addToRolePolicy(
      new PolicyStatement({
        // A channel's first secret is created; later ones are new versions of it.
        actions: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
        resources: [channelSecretsArn(Stack.of(scope))],
      }),
    );
  }
  acknowledgeUnscopableResources(role, spec, props.tables);
  return fn;
}

function channelSecretsArn(stack: Stack): string {
  return stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${CHANNEL_SECRETS_PREFIX}*`,
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
function acknowledgeUnscopableResources(
  role: Role,
  spec: FunctionSpec,
  tables: Record<TableId, Table>,
): void {
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
  for (const { table: tableId } of spec.tables) {
    if (!definitionOf(tableId).globalSecondaryIndexes?.length) continue;
    const table = tables[tableId];
    const logicalId = Stack.of(table).getLogicalId(table.node.defaultChild as CfnElement);
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
      reason: `${spec.id} queries the global secondary indexes of ${tableId}; an index ARN is the table ARN plus /index/<name>.`,
    });
  }
  if (spec.readsChannelSecrets || spec.writesChannelSecrets) {
    validations.acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${CHANNEL_SECRETS_PREFIX}*]`,
      reason: `Channels are configured at run time: ${spec.id} ${spec.writesChannelSecrets ? 'writes' : 'reads'} only the secrets under ${CHANNEL_SECRETS_PREFIX}, whose ARNs end in a random suffix.`,
    });
  }
}
