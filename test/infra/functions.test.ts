import { describe, expect, it } from 'vitest';
import { TABLES } from '../../lib/tables.js';
import { EVENT_BUS_ENV, FUNCTIONS, STREAM_SUBSCRIPTIONS, type FunctionKey } from '../../lib/topology.js';
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

describe('the functions', () => {
  const { stack, template } = synthesizeOms();
  const resources = template.toJSON().Resources;
  const cases = (Object.keys(FUNCTIONS) as FunctionKey[]).map((key) => ({ key, ...FUNCTIONS[key] }));
  const functionResource = (key: FunctionKey) => resources[logicalIdOf(stack.functions[key])];
  const statementsOfFunction = (key: FunctionKey) =>
    statementsOf(template, logicalIdOf(stack.functions[key].role!));
  const tablesIn = (statement: Statement) =>
    TABLES.filter((table) =>
      JSON.stringify(statement.Resource).includes(logicalIdOf(stack.tables[table.id])),
    ).map((table) => table.id);

  it.each(cases)('$id runs on Node.js 22 on arm64 with active tracing and its size from topology', (spec) => {
    const { Properties } = functionResource(spec.key);
    expect(Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
    });
  });

  it.each(cases)('$id gets Powertools settings, source maps and exactly the names it needs', (spec) => {
    const variables = functionResource(spec.key).Properties.Environment.Variables;
    const expectedNames = [
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'NODE_OPTIONS',
      ...spec.tables.map(({ table }) => TABLES.find((definition) => definition.id === table)!.envVar),
      ...('publishesEvents' in spec && spec.publishesEvents ? [EVENT_BUS_ENV] : []),
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

  it.each(cases)('$id writes only the tables topology grants it readWrite on', (spec) => {
    const writable = new Set<string>(
      spec.tables.filter(({ access }) => access === 'readWrite').map(({ table }) => table),
    );
    for (const statement of statementsOfFunction(spec.key)) {
      if (!actionsOf([statement]).some((action) => WRITE_ACTIONS.includes(action))) continue;
      expect(tablesIn(statement).every((table) => writable.has(table))).toBe(true);
    }
  });

  it.each(cases)('$id reaches no table beyond its grants and its stream subscriptions', (spec) => {
    const granted = new Set<string>(spec.tables.map(({ table }) => table));
    const subscribed = new Set<string>(
      STREAM_SUBSCRIPTIONS.filter((subscription) => subscription.function === spec.key).map(
        ({ table }) => table,
      ),
    );
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

  it.each(cases)('$id reads channel secrets only if topology says so, and only those', (spec) => {
    const secretStatements = statementsOfFunction(spec.key).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('secretsmanager:')),
    );
    if (!('readsChannelSecrets' in spec && spec.readsChannelSecrets)) {
      expect(secretStatements).toEqual([]);
      return;
    }
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0]!.Action).toBe('secretsmanager:GetSecretValue');
    expect(JSON.stringify(secretStatements[0]!.Resource)).toMatch(/:secret:oms\/channels\/\*"\]\]\}$/);
  });

  it.each(cases)('$id publishes to the bus only if topology says so', (spec) => {
    const canPublish = actionsOf(statementsOfFunction(spec.key)).includes('events:PutEvents');
    expect(canPublish).toBe('publishesEvents' in spec && spec.publishesEvents === true);
  });

  it('gives no function the AWS-managed basic execution role, only its own log group', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});
