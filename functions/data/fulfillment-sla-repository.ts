import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isOpenWork } from '../domain/fulfillment/promise.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { queryPages } from './paging.js';

/**
 * The SLA's view of fulfillment orders: the sparse index `openWorkByDueBy` (lib/tables.ts) holds
 * exactly those a location still owes (`openWork` set), sorted by `dueBy`. Every writer of a
 * fulfillment order's status keeps the attribute in step (`openWorkAttribute` on a put, REMOVE
 * when the work leaves the open states), so reading overdue work never scans finished work.
 */
export const OPEN_WORK_ATTRIBUTE = 'openWork';
export const OPEN_WORK_INDEX = 'openWorkByDueBy';
const OPEN = 'OPEN';

/** The attribute that puts a fulfillment order in the index: only open work with a due-by. */
export function openWorkAttribute(fo: { status: string; dueBy?: string }): { openWork?: typeof OPEN } {
  return fo.dueBy !== undefined && (isOpenWork(fo.status) || fo.status === 'PENDING')
    ? { openWork: OPEN }
    : {};
}

export interface OverdueFulfillmentOrder {
  fulfillmentOrderId: string;
  orderId: string;
  locationId: string;
  kind: string;
  status: string;
  dueBy: string;
  promisedBy?: string;
  createdAt: string;
}

export interface OverduePage {
  items: OverdueFulfillmentOrder[];
  nextCursor?: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', OPEN_WORK_ATTRIBUTE, 'dueBy'] as const;

/**
 * The open work due before `now`. Fulfillment orders a large commit has not announced yet
 * (PENDING) share the index for a moment and are left out.
 */
const overdueQuery = (now: string) => ({
  TableName: tableName(ORDERS_TABLE.envVar),
  IndexName: OPEN_WORK_INDEX,
  KeyConditionExpression: '#open = :open AND dueBy < :now',
  FilterExpression: '#status <> :pending',
  ExpressionAttributeNames: { '#open': OPEN_WORK_ATTRIBUTE, '#status': 'status' },
  ExpressionAttributeValues: { ':open': OPEN, ':now': now, ':pending': 'PENDING' },
});

/** Open work whose due-by is before `now`, the most overdue first, one page. */
export async function listOverdueFulfillmentOrders(options: {
  now: string;
  limit: number;
  cursor?: string;
}): Promise<OverduePage> {
  const page = await dynamo().send(
    new QueryCommand({
      ...overdueQuery(options.now),
      Limit: options.limit,
      ExclusiveStartKey: decodeCursor(
        options.cursor,
        KEY_ATTRIBUTES,
        (key) => key[OPEN_WORK_ATTRIBUTE] === OPEN && key.dueBy! < options.now,
      ),
    }),
  );
  const items = (page.Items ?? []).map((item) => ({
    fulfillmentOrderId: String(item.fulfillmentOrderId),
    orderId: String(item.orderId),
    locationId: String(item.locationId),
    kind: String(item.kind),
    status: String(item.status),
    dueBy: String(item.dueBy),
    ...(item.promisedBy !== undefined && { promisedBy: String(item.promisedBy) }),
    createdAt: String(item.createdAt),
  }));
  return { items, ...(page.LastEvaluatedKey && { nextCursor: encodeCursor(page.LastEvaluatedKey) }) };
}

/** How many open fulfillment orders are overdue at `now`: counted from the index's keys only. */
export async function countOverdueFulfillmentOrders(now: string): Promise<number> {
  let count = 0;
  for await (const page of queryPages({ ...overdueQuery(now), Select: 'COUNT' })) count += page.Count ?? 0;
  return count;
}
