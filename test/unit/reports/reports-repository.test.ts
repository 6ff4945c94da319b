import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countFacts } from '../../../functions/data/reports-repository.js';
import type { Fact } from '../../../functions/domain/reports/model.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-11-01T12:00:00Z');

const aFact = (factId: string, skus: string[] = ['MUG'], ordersPlaced = 1): Fact => ({
  factId,
  day: '2026-11-01',
  sales: [
    { dimension: 'channel', value: 'web', currency: 'EUR', measures: { orders: 1, revenue: 1000 } },
    ...skus.map((sku) => ({
      dimension: 'sku' as const,
      value: sku,
      currency: 'EUR',
      measures: { units: 1 },
    })),
  ],
  fulfillment: { ordersPlaced },
  histograms: { timeToRoute: { 3: 1 } },
});

type Items = NonNullable<TransactWriteCommand['input']['TransactItems']>;
const itemsOf = (call: number): Items =>
  dynamo.commandCalls(TransactWriteCommand)[call]!.args[0].input.TransactItems!;

beforeEach(() => {
  dynamo.reset();
  process.env.REPORTS_TABLE = 'Reports';
});
afterEach(() => dynamo.reset());

describe('counting facts', () => {
  it('puts each marker and adds the batch up once per aggregate item, in one transaction', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await countFacts([aFact('order-placed:O-1'), aFact('order-placed:O-2')], 2, NOW);
    const items = itemsOf(0);
    expect(items.slice(0, 2).map((item) => item.Put?.Item?.pk)).toEqual([
      'FACT#order-placed:O-1',
      'FACT#order-placed:O-2',
    ]);
    expect(items[0]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items[0]!.Put!.Item!.expiresAt).toBe(NOW.getTime() / 1000 + 35 * 86_400);
    // channel web, sku MUG and the fulfillment item: each once, with both facts' sums.
    expect(items).toHaveLength(5);
    const channel = items.find((item) => item.Update?.Key?.sk === JSON.stringify(['channel', 'web', 'EUR']))!;
    expect(channel.Update!.Key!.pk).toBe('SALES#2026-11-01#2');
    expect(Object.values(channel.Update!.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining([2, 2000]),
    );
    const kpi = items.find((item) => item.Update?.Key?.pk === 'FULFILLMENT#2026-11-01#2')!;
    expect(kpi.Update!.ExpressionAttributeNames).toMatchObject({
      '#a0': 'ordersPlaced',
      '#a1': 'timeToRoute_3',
    });
  });

  it('drops the facts whose marker exists (a replay) and counts the others', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('None', 'ConditionalCheckFailed', 'None', 'None', 'None'))
      .resolves({});
    await countFacts([aFact('order-placed:O-1'), aFact('order-placed:O-2')], 0, NOW);
    const retried = itemsOf(1);
    expect(retried.filter((item) => item.Put).map((item) => item.Put!.Item!.pk)).toEqual([
      'FACT#order-placed:O-1',
    ]);
    const channel = retried.find(
      (item) => item.Update?.Key?.sk === JSON.stringify(['channel', 'web', 'EUR']),
    )!;
    expect(Object.values(channel.Update!.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining([1, 1000]),
    );
  });

  it('writes nothing when every fact was counted before', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('ConditionalCheckFailed', 'None', 'None', 'None'))
      .resolves({});
    await countFacts([aFact('order-placed:O-1')], 0, NOW);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('tries again when another batch held an item (TransactionConflict)', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('None', 'TransactionConflict', 'None', 'None'))
      .resolves({});
    await countFacts([aFact('order-placed:O-1')], 0, NOW);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(itemsOf(1)).toEqual(itemsOf(0));
  });

  it('gives up after repeated conflicts, so that the batch is delivered again', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(aCanceledTransaction('None', 'TransactionConflict', 'None', 'None'));
    await expect(countFacts([aFact('order-placed:O-1')], 0, NOW)).rejects.toThrow(/cancelled/);
  });

  it('lets any other failure through', async () => {
    dynamo.on(TransactWriteCommand).rejects(new Error('throttled'));
    await expect(countFacts([aFact('order-placed:O-1')], 0, NOW)).rejects.toThrow('throttled');
  });

  it('splits an order of many SKUs into parts, and batches into transactions of at most 100 items', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const skus = Array.from({ length: 150 }, (_, index) => `SKU-${index}`);
    await countFacts([aFact('order-placed:BIG', skus), aFact('order-placed:SMALL')], 1, NOW);
    const calls = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    for (const items of calls) expect(items.length).toBeLessThanOrEqual(100);
    const markers = calls.flat().flatMap((item) => (item.Put ? [item.Put.Item!.pk] : []));
    expect(markers).toEqual([
      'FACT#order-placed:BIG#0',
      'FACT#order-placed:BIG#1',
      'FACT#order-placed:BIG#2',
      'FACT#order-placed:SMALL',
    ]);
    const skuUpdates = calls.flat().filter((item) => String(item.Update?.Key?.sk).startsWith('["sku"'));
    expect(skuUpdates).toHaveLength(151);
  });
});
