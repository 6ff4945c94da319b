import { BACKORDER_SHARDS, backorderPartition } from '../domain/order-index.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { tableName } from './dynamo.js';
import { BACKORDER_INDEX } from './order-items.js';
import { queryAll } from './paging.js';

/**
 * Every order on the Orders table's sparse `backordersWaiting` index (the BACKORDERED and
 * PARTIALLY_ROUTED orders, functions/data/order-items.ts): all shards read in parallel, only the
 * attributes asked for (paths such as `routing.unplaced` allowed). Its readers (the backorder
 * retry, the pre-order release) filter in code, because a filter can not look inside a list.
 */
export async function readWaitingOrders(attributes: readonly string[]): Promise<Record<string, unknown>[]> {
  const names: Record<string, string> = {};
  const projection = attributes
    .map((path) =>
      path
        .split('.')
        .map((part) => {
          names[`#${part}`] = part;
          return `#${part}`;
        })
        .join('.'),
    )
    .join(', ');
  const shards = Array.from({ length: BACKORDER_SHARDS }, (_, shard) => backorderPartition(shard));
  const pages = await Promise.all(shards.map((shard) => queryShard(shard, projection, names)));
  return pages.flat();
}

function queryShard(
  shard: string,
  projection: string,
  names: Record<string, string>,
): Promise<Record<string, unknown>[]> {
  return queryAll({
    TableName: tableName(ORDERS_TABLE.envVar),
    IndexName: BACKORDER_INDEX,
    KeyConditionExpression: 'backorderShard = :shard',
    ProjectionExpression: projection,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':shard': shard },
  });
}
