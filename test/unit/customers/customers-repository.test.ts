import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { commitLink } from '../../../functions/data/customers-repository.js';
import type { CustomerProfile } from '../../../functions/domain/customers/records.js';
import { aCanceledTransaction } from '../../helpers/dynamodb-errors.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const order = { orderId: 'O1', channelId: 'web', placedAt: '2026-11-22T10:00:00.000Z' };
const profile = (customerId: string, version: number): CustomerProfile => ({
  customerId,
  createdAt: 'c',
  updatedAt: 'u',
  version,
  mergedFrom: [],
});
const email = { type: 'email', value: 'ana@example.com' } as const;

beforeEach(() => {
  process.env.ORDERS_TABLE = 'Orders';
  dynamo.reset();
});
afterAll(() => dynamo.restore());

describe('committing a link', () => {
  it('merges in one transaction: both profiles at the versions read, the merge recorded, the order linked once', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const result = await commitLink({
      plan: { kind: 'merge', customerId: 'A', merged: ['B'], newIdentifiers: [] },
      order,
      profiles: new Map([
        ['A', profile('A', 4)],
        ['B', profile('B', 2)],
      ]),
      now: 'n',
    });

    expect(result).toBe('ok');
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((item) => item.Update?.Key ?? item.Put?.Item?.sk)).toEqual([
      { pk: 'CUSTOMER#A', sk: 'PROFILE' },
      { pk: 'CUSTOMER#B', sk: 'PROFILE' },
      'MERGE#B',
      'ORDER#O1',
      'CUSTOMER',
    ]);
    expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':expected': 4, ':merged': ['B'] });
    expect(items[1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':expected': 2, ':into': 'A' });
    expect(items[4]!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('claims a new identifier under its digest, never under the email itself', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await commitLink({
      plan: { kind: 'create', customerId: 'A', newIdentifiers: [email] },
      order,
      profiles: new Map(),
      now: 'n',
    });

    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    const keys = items.map((item) => `${item.Put!.Item!.pk} ${item.Put!.Item!.sk}`);
    expect(keys.join(' ')).not.toContain('ana@example.com');
    expect(keys).toContainEqual(expect.stringMatching(/^IDENTITY#[0-9a-f]{64} KEY$/));
  });

  it('answers a conflict when a condition failed or a concurrent transaction won, so the caller reads again', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(aCanceledTransaction('ConditionalCheckFailed', 'None'))
      .rejectsOnce(aCanceledTransaction('TransactionConflict', 'None'));
    const commit = () =>
      commitLink({
        plan: { kind: 'link', customerId: 'A', newIdentifiers: [] },
        order,
        profiles: new Map([['A', profile('A', 1)]]),
        now: 'n',
      });

    expect(await commit()).toBe('conflict');
    expect(await commit()).toBe('conflict');
  });

  it('lets any other failure through, for the queue to retry the message', async () => {
    dynamo.on(TransactWriteCommand).rejects(new Error('service unavailable'));

    await expect(
      commitLink({
        plan: { kind: 'create', customerId: 'A', newIdentifiers: [email] },
        order,
        profiles: new Map(),
        now: 'n',
      }),
    ).rejects.toThrow('service unavailable');
  });
});
