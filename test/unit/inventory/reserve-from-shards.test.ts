import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { reserveFromShards } from '../../../functions/data/inventory-repository.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const INVENTORY_TABLE = 'inventory-unit';
const SHARDS = 4;

/** The level item and four shards of a hot SKU, with plenty in every one. */
const shardItems = [
  { pk: 'SKU#HOT', sk: 'LOC#dc', entityType: 'StockLevel', available: 0, onHand: 0 },
  ...Array.from({ length: SHARDS }, (_, shard) => ({
    pk: `SKU#HOT#S${shard}`,
    sk: 'LOC#dc',
    entityType: 'StockShard',
    shard,
    available: 50,
    onHand: 50,
  })),
];

beforeEach(() => {
  process.env.INVENTORY_TABLE = INVENTORY_TABLE;
  dynamo.reset();
  dynamo.on(BatchGetCommand).resolves({ Responses: { [INVENTORY_TABLE]: shardItems } });
});
afterAll(() => dynamo.restore());

const reserve = () =>
  reserveFromShards({
    sku: 'HOT',
    locationId: 'dc',
    orderId: 'o-1',
    quantity: 2,
    shards: SHARDS,
    now: '2026-11-23T10:00:00.000Z',
    random: () => 0,
  });

describe('reserveFromShards under contention', () => {
  it('answers contended, having taken nothing, when every attempt collides with other transactions', async () => {
    // The marker would be written; the shard's update loses to a concurrent transaction.
    dynamo.on(TransactWriteCommand).rejects(aCanceledTransaction('None', 'TransactionConflict'));

    expect(await reserve()).toEqual({ kind: 'contended' });
    // Three single shards (0, 1, 2 from random 0), then ten gathers, each after a fresh read.
    const attempts = dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);
    expect(attempts).toHaveLength(3 + 10);
    expect(attempts.slice(0, 3).map((input) => input.TransactItems?.[1]?.Update?.Key)).toEqual([
      { pk: 'SKU#HOT#S0', sk: 'LOC#dc' },
      { pk: 'SKU#HOT#S1', sk: 'LOC#dc' },
      { pk: 'SKU#HOT#S2', sk: 'LOC#dc' },
    ]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(10);
  });

  it('reserves on the attempt after the collisions stop', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('None', 'TransactionConflict'))
      .resolves({});

    expect(await reserve()).toEqual({ kind: 'reserved', portions: [{ shard: 1, quantity: 2 }] });
  });
});
