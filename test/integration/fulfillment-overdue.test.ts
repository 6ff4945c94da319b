import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../functions/data/dynamo.js';
import { encodeCursor } from '../../functions/data/cursors.js';
import {
  countOverdueFulfillmentOrders,
  listOverdueFulfillmentOrders,
  openWorkAttribute,
} from '../../functions/data/fulfillment-sla-repository.js';
import { fulfillmentOrderKey } from '../../functions/data/routing-repository.js';
import { ValidationError } from '../../functions/domain/errors.js';
import { listOverdue } from '../../functions/fulfillment/list-overdue.js';
import { anApiEvent } from '../helpers/factories.js';
import { useLocalTables } from '../helpers/tables.js';

/**
 * The SLA's open-work index on DynamoDB Local: open fulfillment orders spread over the index's
 * partitions by id, read back oldest due first across them, page after page, and the items
 * written before the index was sharded (all in partition `OPEN`) listed with the rest.
 */
const NOW = '2026-12-01T12:00:00.000Z';

interface StoredWork {
  fulfillmentOrderId: string;
  dueBy: string;
  status?: string;
  /** Written as before the sharding, in the one partition `OPEN`. */
  legacy?: boolean;
}

async function storeWork(work: StoredWork) {
  const orderId = ulid();
  const fo = {
    fulfillmentOrderId: work.fulfillmentOrderId,
    orderId,
    locationId: 'sla-store',
    kind: 'ship',
    status: work.status ?? 'CREATED',
    dueBy: work.dueBy,
    createdAt: '2026-12-01T08:00:00.000Z',
  };
  await dynamo().send(
    new PutCommand({
      TableName: process.env.ORDERS_TABLE,
      Item: {
        ...fulfillmentOrderKey(orderId, fo.fulfillmentOrderId),
        entityType: 'FulfillmentOrder',
        ...fo,
        ...(work.legacy ? { openWork: 'OPEN' } : openWorkAttribute(fo)),
      },
    }),
  );
  return openWorkAttribute(fo).openWork;
}

// Due-bys repeat, so that equal ones fall in different partitions and the merge must order them.
const overdue = Array.from({ length: 13 }, (_, index) => ({
  fulfillmentOrderId: ulid(),
  dueBy: `2026-12-01T0${index % 5}:00:00.000Z`,
}));
const legacy = { fulfillmentOrderId: ulid(), dueBy: '2026-12-01T02:30:00.000Z', legacy: true };

beforeAll(async () => {
  await useLocalTables();
  const partitions = await Promise.all(overdue.map(storeWork));
  expect(new Set(partitions).size).toBeGreaterThan(3);
  await storeWork(legacy);
  // Not overdue yet, and not announced yet: neither is listed.
  await storeWork({ fulfillmentOrderId: ulid(), dueBy: '2026-12-01T13:00:00.000Z' });
  await storeWork({ fulfillmentOrderId: ulid(), dueBy: '2026-12-01T01:00:00.000Z', status: 'PENDING' });
});

const expected = [...overdue, legacy].sort((a, b) => (a.dueBy < b.dueBy ? -1 : a.dueBy > b.dueBy ? 1 : 0));

describe('overdue work across the open-work partitions (DynamoDB Local)', () => {
  it('lists every partition oldest due first, the legacy OPEN partition included, and counts them', async () => {
    const page = await listOverdueFulfillmentOrders({ now: NOW, limit: 100 });

    expect(page.nextCursor).toBeUndefined();
    expect(page.items.map((item) => item.dueBy)).toEqual(expected.map((work) => work.dueBy));
    expect(new Set(page.items.map((item) => item.fulfillmentOrderId))).toEqual(
      new Set(expected.map((work) => work.fulfillmentOrderId)),
    );
    expect(await countOverdueFulfillmentOrders(NOW)).toBe(expected.length);
  });

  it('pages through the partitions with the cursor, every item exactly once and in order', async () => {
    const all = await listOverdueFulfillmentOrders({ now: NOW, limit: 100 });
    const paged: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listOverdueFulfillmentOrders({ now: NOW, limit: 3, ...(cursor && { cursor }) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.items.map((item) => item.fulfillmentOrderId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);

    expect(paged).toEqual(all.items.map((item) => item.fulfillmentOrderId));
  });

  it('refuses a cursor it did not issue for this query with a 400', async () => {
    const first = await listOverdueFulfillmentOrders({ now: NOW, limit: 1 });
    const fields = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString('utf8')) as Record<
      string,
      string
    >;
    const forged = [
      // A position past `now`: outside the query's range.
      encodeCursor(
        Object.fromEntries(
          Object.entries(fields).map(([name, value]) => [name, name.startsWith('d') ? '2027' : value]),
        ),
      ),
      // Half a position, and a key of another item kind.
      encodeCursor({ ...fields, d0: '2026-12-01T00:00:00.000Z', p0: '-', s0: '-' }),
      encodeCursor({ ...fields, d0: '2026-12-01T00:00:00.000Z', p0: 'SKU#X', s0: 'FO#X' }),
      // The cursor of the index before it was sharded.
      encodeCursor({ pk: 'ORDER#1', sk: 'FO#1', openWork: 'OPEN', dueBy: '2026-12-01T00:00:00.000Z' }),
      'not-a-cursor',
    ];
    for (const cursor of forged) {
      await expect(listOverdueFulfillmentOrders({ now: NOW, limit: 5, cursor })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    const response = await listOverdue(
      anApiEvent({
        path: '/v1/fulfillment-orders',
        query: { overdue: 'true', cursor: forged[0]! },
      }),
    );
    expect(response.statusCode).toBe(400);
  });
});
