import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { createOmsFunction } from '../../lib/functions.js';
import { stageNames } from '../../lib/stage-config.js';
import { Stateful } from '../../lib/stateful.js';
import { TABLES } from '../../lib/tables.js';
import { FUNCTIONS, type FunctionKey, type FunctionSpec } from '../../lib/topology.js';
import { actionsOf, logicalIdOf, statementsOf, synthesizeOms, type Statement } from './oms-app.js';

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
const TABLE_ENV = {
  Orders: 'ORDERS_TABLE',
  Inventory: 'INVENTORY_TABLE',
  Config: 'CONFIG_TABLE',
  Idempotency: 'IDEMPOTENCY_TABLE',
  Reports: 'REPORTS_TABLE',
} as const;
type Table = keyof typeof TABLE_ENV;

interface ExpectedFunction {
  key: FunctionKey;
  id: string;
  memoryMb: number;
  timeoutSeconds: number;
  reads?: Table[];
  writes?: Table[];
  /** The table whose stream invokes it. */
  streamOf?: Table;
  publishes?: true;
  readsSecrets?: true;
  writesSecrets?: true;
  /** Reads label providers' secrets (the stage's carrier prefix). */
  readsCarrierSecrets?: true;
  /** The global secondary indexes it queries, as `Table/index`. */
  queries?: string[];
  reservedConcurrency?: number;
  /** Stores channels' raw payloads and delivery keys, so it gets the retention period. */
  keepsChannelPayloads?: true;
  /** The tables it may Scan (an erasure finds items by content). */
  scans?: Table[];
  /** Variables beyond the tables, bus and secrets prefix (the reports' settings, lib/analytics.ts). */
  environment?: string[];
  /** Reads the analytics export's pseudonym key, its own secret. */
  readsPseudonymKey?: true;
}

// Stated here rather than read from lib/topology.ts, so that a change there that alters what the
// stack deploys (a function, its size, a grant) has to be made here too.
const EXPECTED: ExpectedFunction[] = [
  {
    key: 'postOrder',
    id: 'post-order',
    keepsChannelPayloads: true,
    memoryMb: 1024,
    timeoutSeconds: 10,
    reads: ['Config'],
    writes: ['Orders'],
    readsSecrets: true,
    reservedConcurrency: 300,
  },
  {
    key: 'pollAmazon',
    id: 'poll-amazon',
    keepsChannelPayloads: true,
    memoryMb: 512,
    timeoutSeconds: 300,
    writes: ['Orders', 'Config'],
    readsSecrets: true,
    reservedConcurrency: 1,
  },
  { key: 'getOrder', id: 'get-order', memoryMb: 512, timeoutSeconds: 10, reads: ['Orders'] },
  { key: 'openApi', id: 'openapi', memoryMb: 256, timeoutSeconds: 5 },
  {
    key: 'publishOrderEvents',
    id: 'publish-order-events',
    memoryMb: 512,
    timeoutSeconds: 60,
    streamOf: 'Orders',
    publishes: true,
  },
  {
    key: 'routingApi',
    id: 'routing-api',
    memoryMb: 1024,
    timeoutSeconds: 29,
    reads: ['Orders', 'Inventory'],
    writes: ['Config'],
  },
  {
    key: 'routeOrders',
    id: 'route-orders',
    memoryMb: 1024,
    timeoutSeconds: 30,
    reads: ['Config'],
    writes: ['Orders', 'Inventory'],
    queries: ['Orders/byCustomer'],
  },
  {
    key: 'postInventoryMovement',
    id: 'post-inventory-movement',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Config'],
    writes: ['Inventory'],
  },
  {
    key: 'postPosSales',
    id: 'post-pos-sales',
    memoryMb: 512,
    timeoutSeconds: 30,
    reads: ['Config'],
    writes: ['Inventory', 'Orders'],
    keepsChannelPayloads: true,
  },
  {
    key: 'getSkuInventory',
    id: 'get-sku-inventory',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Inventory', 'Config'],
  },
  {
    key: 'getLocationInventory',
    id: 'get-location-inventory',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Inventory', 'Config'],
    queries: ['Inventory/byLocation'],
  },
  {
    key: 'getChannelAvailability',
    id: 'get-channel-availability',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Inventory', 'Config'],
  },
  {
    key: 'getReplenishmentSuggestions',
    id: 'get-replenishment-suggestions',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Inventory'],
  },
  {
    key: 'inventorySync',
    id: 'inventory-sync',
    memoryMb: 512,
    timeoutSeconds: 60,
    reads: ['Config', 'Orders'],
    writes: ['Inventory'],
    streamOf: 'Inventory',
    publishes: true,
    queries: ['Orders/backordersWaiting'],
  },
  {
    key: 'preTokenGeneration',
    id: 'pre-token-generation',
    memoryMb: 256,
    timeoutSeconds: 5,
    reads: ['Config'],
  },
  {
    key: 'machineClientsApi',
    id: 'machine-clients-api',
    memoryMb: 256,
    timeoutSeconds: 10,
    writes: ['Config'],
  },
  {
    key: 'adminApi',
    id: 'admin-api',
    memoryMb: 512,
    timeoutSeconds: 10,
    writes: ['Config'],
    writesSecrets: true,
  },
  {
    key: 'getWorkQueue',
    id: 'get-work-queue',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Orders', 'Config'],
    queries: ['Orders/byWorkQueue'],
  },
  {
    key: 'getFulfillmentOrder',
    id: 'get-fulfillment-order',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Orders'],
    queries: ['Orders/byFulfillmentOrder'],
  },
  {
    key: 'postFulfillmentAction',
    id: 'post-fulfillment-action',
    memoryMb: 1024,
    timeoutSeconds: 15,
    reads: ['Config'],
    writes: ['Orders', 'Inventory', 'Idempotency'],
    queries: ['Orders/byFulfillmentOrder'],
  },
  {
    key: 'channelUpdates',
    id: 'channel-updates',
    memoryMb: 512,
    timeoutSeconds: 60,
    reads: ['Config', 'Orders'],
    writes: ['Idempotency'],
    readsSecrets: true,
  },
  {
    key: 'serviceApi',
    id: 'service-api',
    memoryMb: 1024,
    timeoutSeconds: 29,
    reads: ['Config'],
    writes: ['Orders', 'Inventory'],
  },
  {
    key: 'applyChannelChanges',
    id: 'apply-channel-changes',
    memoryMb: 1024,
    timeoutSeconds: 30,
    reads: ['Config'],
    writes: ['Orders', 'Inventory'],
  },
  {
    key: 'getOrderTracking',
    id: 'get-order-tracking',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Orders', 'Config'],
  },
  {
    key: 'buyLabel',
    id: 'buy-label',
    memoryMb: 512,
    timeoutSeconds: 29,
    reads: ['Config'],
    writes: ['Orders'],
    readsCarrierSecrets: true,
    queries: ['Orders/byFulfillmentOrder'],
  },
  {
    key: 'shippoTracking',
    id: 'shippo-tracking',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Config'],
    writes: ['Orders', 'Inventory'],
    readsCarrierSecrets: true,
    queries: ['Orders/byFulfillmentOrder'],
  },
  {
    key: 'listOverdueFulfillmentOrders',
    id: 'list-overdue-fulfillment-orders',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Orders'],
    queries: ['Orders/openWorkByDueBy'],
  },
  {
    key: 'countOverdueFulfillmentOrders',
    id: 'count-overdue-fulfillment-orders',
    memoryMb: 256,
    timeoutSeconds: 60,
    reads: ['Orders'],
    queries: ['Orders/openWorkByDueBy'],
  },
  {
    key: 'listOrders',
    id: 'list-orders',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Orders'],
    queries: ['Orders/byPlacedDay', 'Orders/byCustomer'],
  },
  // Customers across channels and personal data on request (#14).
  {
    key: 'linkCustomers',
    id: 'link-customers',
    memoryMb: 512,
    timeoutSeconds: 30,
    reads: ['Config'],
    writes: ['Orders'],
  },
  {
    key: 'customersApi',
    id: 'customers-api',
    memoryMb: 1024,
    timeoutSeconds: 29,
    writes: ['Orders', 'Idempotency'],
    scans: ['Idempotency'],
  },
  {
    key: 'reportsStream',
    id: 'reports-stream',
    memoryMb: 512,
    timeoutSeconds: 60,
    reads: ['Orders', 'Config'],
    writes: ['Reports'],
    streamOf: 'Orders',
    environment: ['OMS_REPORTS_TIME_ZONE', 'ANALYTICS_DELIVERY_STREAM_PREFIX', 'ANALYTICS_PSEUDONYM_SECRET'],
    readsPseudonymKey: true,
  },
  {
    key: 'reportsApi',
    id: 'reports-api',
    memoryMb: 512,
    timeoutSeconds: 29,
    reads: ['Reports'],
    environment: ['OMS_REPORTS_TIME_ZONE'],
  },
  {
    key: 'rerouteOrder',
    id: 'reroute-order',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Orders'],
    publishes: true,
  },
  {
    key: 'releasePreorders',
    id: 'release-preorders',
    memoryMb: 512,
    timeoutSeconds: 60,
    reads: ['Orders', 'Config'],
    publishes: true,
    queries: ['Orders/backordersWaiting'],
  },
  {
    key: 'deadLettersApi',
    id: 'dead-letters-api',
    memoryMb: 256,
    timeoutSeconds: 10,
    environment: [
      'ROUTING_QUEUE_URL',
      'CHANNEL_UPDATES_QUEUE_URL',
      'CHANNEL_CHANGE_QUEUE_URL',
      'CUSTOMERS_QUEUE_URL',
    ],
  },
];

describe('the functions', () => {
  const { stack, template } = synthesizeOms();
  const resources = template.toJSON().Resources;
  const cases = EXPECTED;
  const functionResource = (key: FunctionKey) => resources[logicalIdOf(stack.functions[key])];
  const statementsOfFunction = (key: FunctionKey) =>
    statementsOf(template, logicalIdOf(stack.functions[key].role!));
  const tablesIn = (statement: Statement) =>
    (Object.keys(TABLE_ENV) as Table[]).filter((table) =>
      JSON.stringify(statement.Resource).includes(logicalIdOf(stack.tables[table])),
    );

  it('deploys exactly these functions, and no others', () => {
    const serviceNames = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (resource) => resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(serviceNames.filter(Boolean).sort()).toEqual(EXPECTED.map(({ id }) => id).sort());
  });

  it.each(cases)(
    '$id runs on Node.js 22 on arm64 with active tracing, $memoryMb MB and a $timeoutSeconds s timeout',
    (spec) => {
      const { Properties } = functionResource(spec.key);
      expect(Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
      });
    },
  );

  it.each(cases)('$id gets Powertools settings, source maps and exactly the names it needs', (spec) => {
    const variables = functionResource(spec.key).Properties.Environment.Variables;
    const expectedNames = [
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'NODE_OPTIONS',
      ...[...(spec.reads ?? []), ...(spec.writes ?? [])].map((table) => TABLE_ENV[table]),
      ...(spec.publishes ? ['EVENT_BUS_NAME'] : []),
      ...(spec.writesSecrets ? ['CHANNEL_SECRETS_PREFIX'] : []),
      ...(spec.keepsChannelPayloads ? ['PAYLOAD_RETENTION_DAYS'] : []),
      ...(spec.environment ?? []),
    ];
    expect(Object.keys(variables).sort()).toEqual(expectedNames.sort());
    // The admin API names the secrets it creates after the stage, as the readers' grants expect.
    if (spec.writesSecrets) expect(variables.CHANNEL_SECRETS_PREFIX).toBe('oms/test/channels/');
    if (spec.keepsChannelPayloads) expect(variables.PAYLOAD_RETENTION_DAYS).toBe('90');
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: spec.id,
      POWERTOOLS_METRICS_NAMESPACE: 'OMS/test',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it.each(cases)('$id has no wildcard action in its policies', (spec) => {
    const actions = actionsOf(statementsOfFunction(spec.key));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it.each(cases)('$id can write the tables it writes, and no other', (spec) => {
    const written = statementsOfFunction(spec.key)
      .filter((statement) => actionsOf([statement]).some((action) => WRITE_ACTIONS.includes(action)))
      .flatMap(tablesIn);
    expect([...new Set(written)].sort()).toEqual([...(spec.writes ?? [])].sort());
  });

  it.each(cases)('$id reaches no table beyond those it reads, writes or is fed the stream of', (spec) => {
    const granted = new Set<string>([...(spec.reads ?? []), ...(spec.writes ?? [])]);
    const subscribed = new Set<string>(spec.streamOf ? [spec.streamOf] : []);
    for (const statement of statementsOfFunction(spec.key)) {
      const onlyStreamActions = actionsOf([statement]).every((action) => STREAM_ACTIONS.includes(action));
      for (const table of tablesIn(statement)) {
        expect(
          granted.has(table) || (onlyStreamActions && subscribed.has(table)),
          `${spec.id} on ${table}`,
        ).toBe(true);
      }
    }
  });

  it('lets get-order read orders but never change them', () => {
    const statements = statementsOfFunction('getOrder');
    const onOrders = statements.filter((statement) => tablesIn(statement).includes('Orders'));
    expect(actionsOf(onOrders)).toContain('dynamodb:GetItem');
    expect(actionsOf(onOrders).filter((action) => WRITE_ACTIONS.includes(action))).toEqual([]);
  });

  it.each(cases)(
    '$id reads secrets only if it authenticates channels or buys labels, and only those',
    (spec) => {
      const secretStatements = statementsOfFunction(spec.key).filter((statement) =>
        actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
      );
      const expected = [
        ...(spec.readsSecrets || spec.readsCarrierSecrets ? [['secretsmanager:GetSecretValue']] : []),
        ...(spec.writesSecrets ? [['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue']] : []),
        ...(spec.readsPseudonymKey
          ? [['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']]
          : []),
      ];
      expect(secretStatements.map((statement) => [statement.Action].flat().sort())).toEqual(expected);
      if (spec.readsPseudonymKey) {
        for (const statement of secretStatements)
          expect(JSON.stringify(statement.Resource)).toContain('AnalyticsPseudonymKey');
        return;
      }
      const prefix = spec.readsCarrierSecrets
        ? /:secret:oms\/test\/carriers\/\*"\]\]\}$/
        : /:secret:oms\/test\/channels\/\*"\]\]\}$/;
      for (const statement of secretStatements) {
        expect(JSON.stringify(statement.Resource)).toMatch(prefix);
      }
    },
  );

  it.each(cases)('$id may query exactly the indexes it queries, each by name', (spec) => {
    const indexResources = statementsOfFunction(spec.key)
      .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
      .map((resource) => JSON.stringify(resource))
      .filter((resource) => resource.includes('/index/'));
    const queried = indexResources.map((resource) => {
      const [table] = tablesIn({ Action: [], Effect: 'Allow', Resource: JSON.parse(resource) });
      return `${table}/${/\/index\/([^"]+)"/.exec(resource)![1]}`;
    });
    expect(queried.sort()).toEqual([...(spec.queries ?? [])].sort());
  });

  it.each(cases)(
    '$id may scan only the tables it lists, and batch-write to none, since none does',
    (spec) => {
      const statements = statementsOfFunction(spec.key);
      const scanned = statements
        .filter((statement) => actionsOf([statement]).includes('dynamodb:Scan'))
        .flatMap(tablesIn);
      expect(scanned).toEqual(spec.scans ?? []);
      expect(actionsOf(statements)).not.toContain('dynamodb:BatchWriteItem');
    },
  );

  it.each(cases)('$id has reserved concurrency only where it must not take the pool', (spec) => {
    expect(functionResource(spec.key).Properties.ReservedConcurrentExecutions).toBe(spec.reservedConcurrency);
  });

  it('reserves no concurrency on a stage that turns reservations off', () => {
    const { stack: unreserved, template: unreservedTemplate } = synthesizeOms({ reserveConcurrency: false });
    const postOrder = unreservedTemplate.toJSON().Resources[logicalIdOf(unreserved.functions.postOrder)];
    expect(postOrder.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it.each(cases)('$id may publish to the bus only if it is an event publisher', (spec) => {
    const canPublish = actionsOf(statementsOfFunction(spec.key)).includes('events:PutEvents');
    expect(canPublish).toBe(spec.publishes === true);
  });

  it('gives no function the AWS-managed basic execution role, only its own log group', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('the indexes', () => {
  // A tripwire for new indexes: the local runtime does not enforce IAM, so a function that queries
  // an index it does not name in lib/topology.ts works on a laptop and is refused in AWS.
  it('are each queried by a function that names it in its table access', () => {
    const declared = new Set(
      Object.values(FUNCTIONS as Record<string, FunctionSpec>).flatMap((spec) =>
        spec.tables.flatMap(({ table, indexes }) => (indexes ?? []).map((index) => `${table}/${index}`)),
      ),
    );
    const defined = TABLES.flatMap((table) =>
      (table.globalSecondaryIndexes ?? []).map((index) => `${table.id}/${index.indexName}`),
    );
    expect(defined.filter((index) => !declared.has(index))).toEqual([]);
  });
});

describe('a function whose table access names more', () => {
  function policyOf(tables: FunctionSpec['tables']) {
    const app = new App({ context: { [BUNDLING_STACKS]: [] } });
    const stack = new Stack(app, 'Grants');
    const { tables: created } = new Stateful(stack, 'Stateful', { retainData: false });
    const fn = createOmsFunction(
      stack,
      { ...FUNCTIONS.getOrder, id: 'import-products', tables },
      {
        names: stageNames('test'),
        reserveConcurrency: true,
        tables: created,
        eventBus: new EventBus(stack, 'Bus'),
        logRetention: RetentionDays.ONE_DAY,
        logRemovalPolicy: RemovalPolicy.DESTROY,
      },
    );
    return statementsOf(Template.fromStack(stack), logicalIdOf(fn.role!));
  }

  it('gets Scan and BatchWriteItem when it lists them, on that table only', () => {
    const statements = policyOf([
      { table: 'Config', access: 'readWrite', actions: ['Scan', 'BatchWriteItem'] },
      { table: 'Orders', access: 'read' },
    ]);
    const onConfig = statements.find((statement) => JSON.stringify(statement.Resource).includes('Config'));
    const onOrders = statements.find((statement) => JSON.stringify(statement.Resource).includes('Orders'));
    expect(actionsOf([onConfig!])).toEqual(
      expect.arrayContaining(['dynamodb:Scan', 'dynamodb:BatchWriteItem']),
    );
    expect(actionsOf([onOrders!])).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']);
  });

  it('is refused at synth time when it names an index its table does not have', () => {
    expect(() => policyOf([{ table: 'Config', access: 'read', indexes: ['byNothing'] }])).toThrow(
      'import-products: Config has no index byNothing (lib/tables.ts).',
    );
  });
});

describe('the dead-letters API', () => {
  const { stack, template } = synthesizeOms();
  const statements = statementsOf(template, logicalIdOf(stack.functions.deadLettersApi.role!));
  const queueKeys = Object.keys(stack.queues) as (keyof typeof stack.queues)[];
  /** The logical ids of the queues a statement names, from its `Fn::GetAtt`s. */
  const queuesNamed = (statement: Statement) =>
    [...JSON.stringify(statement.Resource).matchAll(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g)].map(
      (match) => match[1],
    );
  const actionsOn = (queue: Parameters<typeof logicalIdOf>[0]) =>
    actionsOf(statements.filter((statement) => queuesNamed(statement).includes(logicalIdOf(queue)))).sort();

  it.each(queueKeys)('may send to and read the attributes of the %s queue, and nothing else there', (key) => {
    expect(actionsOn(stack.queues[key].queue)).toEqual(['sqs:GetQueueAttributes', 'sqs:SendMessage']);
  });

  it.each(queueKeys)(
    'may look at and move the messages of the %s dead-letter queue, never purge it',
    (key) => {
      expect(actionsOn(stack.queues[key].deadLetterQueue)).toEqual([
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ListMessageMoveTasks',
        'sqs:ReceiveMessage',
        'sqs:StartMessageMoveTask',
      ]);
    },
  );

  it('reaches no queue beyond the work queues and their dead-letter queues', () => {
    const allowed = Object.values(stack.queues).flatMap(({ queue, deadLetterQueue }) => [
      logicalIdOf(queue),
      logicalIdOf(deadLetterQueue),
    ]);
    const sqsStatements = statements.filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('sqs:')),
    );
    expect(sqsStatements.flatMap(queuesNamed).filter((id) => !allowed.includes(id!))).toEqual([]);
    expect(sqsStatements.every((statement) => queuesNamed(statement).length > 0)).toBe(true);
  });
});
