import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryAll, queryPages, scanPages } from '../../../functions/data/paging.js';
import { dynamo as documentClient } from '../../../functions/data/dynamo.js';

const dynamo = mockClient(DynamoDBDocumentClient);

const QUERY = {
  TableName: 'Orders',
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': 'ORDER#O-1' },
  ConsistentRead: true,
} as const;

/** Answers each request with the next of `pages`, and records where each request started. */
function servePages(command: typeof QueryCommand | typeof ScanCommand, pages: object[]) {
  const starts: unknown[] = [];
  let next = 0;
  dynamo.on(command).callsFake((input: { ExclusiveStartKey?: unknown }) => {
    // The paginator reuses one input object, so its start key is read at the time of the call.
    starts.push(input.ExclusiveStartKey);
    const page = pages[next++];
    if (page instanceof Error) throw page;
    return page;
  });
  return starts;
}

beforeEach(() => dynamo.reset());
afterEach(() => dynamo.reset());

describe('reading a Query to its end', () => {
  it('returns the items of every page in order, each page starting at the last one’s key', async () => {
    const starts = servePages(QueryCommand, [
      { Items: [{ sk: 'A' }, { sk: 'B' }], LastEvaluatedKey: { pk: 'ORDER#O-1', sk: 'B' } },
      { Items: [], LastEvaluatedKey: { pk: 'ORDER#O-1', sk: 'C' } },
      { Items: [{ sk: 'D' }] },
    ]);

    const items = await queryAll(QUERY);

    expect(items).toEqual([{ sk: 'A' }, { sk: 'B' }, { sk: 'D' }]);
    expect(starts).toEqual([undefined, { pk: 'ORDER#O-1', sk: 'B' }, { pk: 'ORDER#O-1', sk: 'C' }]);
  });

  it('sends the caller’s input on every page and leaves the caller’s object as it was', async () => {
    servePages(QueryCommand, [{ Items: [{ sk: 'A' }], LastEvaluatedKey: { pk: 'ORDER#O-1', sk: 'A' } }, {}]);
    const input = { ...QUERY, ProjectionExpression: 'sk' };

    await queryAll(input);

    expect(input).toStrictEqual({ ...QUERY, ProjectionExpression: 'sk' });
    for (const call of dynamo.commandCalls(QueryCommand))
      expect(call.args[0].input).toMatchObject({ ...QUERY, ProjectionExpression: 'sk' });
  });

  it('answers an empty partition with no items after one request', async () => {
    servePages(QueryCommand, [{ Count: 0 }]);

    expect(await queryAll(QUERY)).toEqual([]);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('lets a failure on the second page through, and reads no further', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
    });
    servePages(QueryCommand, [
      { Items: [{ sk: 'A' }], LastEvaluatedKey: { pk: 'ORDER#O-1', sk: 'A' } },
      throttled,
      { Items: [{ sk: 'B' }] },
    ]);

    await expect(queryAll(QUERY)).rejects.toBe(throttled);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('hands out whole pages, so that a count adds up each page’s Count', async () => {
    servePages(QueryCommand, [{ Count: 3, LastEvaluatedKey: { pk: 'ORDER#O-1', sk: 'C' } }, { Count: 2 }]);

    let count = 0;
    for await (const page of queryPages({ ...QUERY, Select: 'COUNT' })) count += page.Count ?? 0;

    expect(count).toBe(5);
  });
});

describe('reading a Scan page by page', () => {
  it('reads the next page only once the caller is done with the last', async () => {
    const starts = servePages(ScanCommand, [
      { Items: [{ id: 'a' }], LastEvaluatedKey: { id: 'a' } },
      { Items: [{ id: 'b' }] },
    ]);
    dynamo.on(DeleteCommand).resolves({});

    for await (const page of scanPages({ TableName: 'Idempotency', ProjectionExpression: 'id' }))
      for (const item of page.Items ?? [])
        await documentClient().send(new DeleteCommand({ TableName: 'Idempotency', Key: { id: item.id } }));

    expect(starts).toEqual([undefined, { id: 'a' }]);
    expect(dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'ScanCommand',
      'DeleteCommand',
      'ScanCommand',
      'DeleteCommand',
    ]);
  });
});
