import { describe, expect, it } from 'vitest';
import type { FunctionKey } from '../../lib/topology.js';
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
}

// Stated here rather than read from lib/topology.ts, so that a change there that alters what the
// stack deploys (a function, its size, a grant) has to be made here too.
const EXPECTED: ExpectedFunction[] = [
  {
    key: 'postOrder',
    id: 'post-order',
    memoryMb: 1024,
    timeoutSeconds: 10,
    reads: ['Config'],
    writes: ['Orders'],
    readsSecrets: true,
  },
  {
    key: 'pollAmazon',
    id: 'poll-amazon',
    memoryMb: 512,
    timeoutSeconds: 300,
    writes: ['Orders', 'Config'],
    readsSecrets: true,
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
    writes: ['Inventory'],
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
  },
  {
    key: 'getFulfillmentOrder',
    id: 'get-fulfillment-order',
    memoryMb: 512,
    timeoutSeconds: 10,
    reads: ['Orders'],
  },
  {
    key: 'postFulfillmentAction',
    id: 'post-fulfillment-action',
    memoryMb: 1024,
    timeoutSeconds: 15,
    reads: ['Config'],
    writes: ['Orders', 'Inventory', 'Idempotency'],
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
    ];
    expect(Object.keys(variables).sort()).toEqual(expectedNames.sort());
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: spec.id,
      POWERTOOLS_METRICS_NAMESPACE: 'OMS',
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

  it.each(cases)('$id reads channel secrets only if it authenticates channels, and only those', (spec) => {
    const secretStatements = statementsOfFunction(spec.key).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
    );
    const expected = [
      ...(spec.readsSecrets ? [['secretsmanager:GetSecretValue']] : []),
      ...(spec.writesSecrets ? [['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue']] : []),
    ];
    expect(secretStatements.map((statement) => [statement.Action].flat())).toEqual(expected);
    for (const statement of secretStatements) {
      expect(JSON.stringify(statement.Resource)).toMatch(/:secret:oms\/channels\/\*"\]\]\}$/);
    }
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
