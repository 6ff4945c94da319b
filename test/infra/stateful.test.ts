import { describe, expect, it } from 'vitest';
import { TABLES } from '../../lib/tables.js';
import { logicalIdOf, synthesizeOms } from './oms-app.js';

describe('the tables', () => {
  const { stack, template } = synthesizeOms({ retainData: true });
  const resources = template.toJSON().Resources;
  const tableResource = (id: (typeof TABLES)[number]['id']) => resources[logicalIdOf(stack.tables[id])];

  it.each(TABLES)('$id has the keys and indexes of lib/tables.ts', (definition) => {
    const { Properties } = tableResource(definition.id);
    expect(Properties.KeySchema).toEqual([
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
    ]);
    const indexNames = (Properties.GlobalSecondaryIndexes ?? []).map(
      (index: { IndexName: string }) => index.IndexName,
    );
    expect(indexNames).toEqual((definition.globalSecondaryIndexes ?? []).map((index) => index.indexName));
  });

  it.each(TABLES)(
    '$id streams new and old images exactly when lib/tables.ts asks for a stream',
    (definition) => {
      const { Properties } = tableResource(definition.id);
      expect(Properties.StreamSpecification?.StreamViewType).toBe(definition.stream);
    },
  );

  it.each(TABLES)(
    '$id is on-demand, encrypted with the AWS-managed key and backed up continuously',
    (definition) => {
      const { Properties } = tableResource(definition.id);
      expect(Properties.BillingMode).toBe('PAY_PER_REQUEST');
      // Enabled without a key of our own: the AWS-managed key, aws/dynamodb.
      expect(Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    },
  );

  it('expires idempotency records through their TTL attribute', () => {
    expect(tableResource('Idempotency').Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
  });

  it('expires raw channel payloads and delivery keys through the Orders TTL attribute', () => {
    expect(tableResource('Orders').Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
  });

  it.each(TABLES)(
    '$id survives a stack deletion and refuses to be deleted when data is retained',
    (definition) => {
      const table = tableResource(definition.id);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    },
  );

  it('lets a trial stack delete its tables', () => {
    const trial = synthesizeOms({ retainData: false });
    const tables = Object.values(trial.template.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(TABLES.length);
    for (const table of tables) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });
});
