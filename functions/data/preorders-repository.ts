import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus } from '../domain/order.js';
import { BACKORDER_SHARDS, backorderPartition } from '../domain/order-index.js';
import type { UnplacedLine } from '../domain/routing/index.js';
import { preorderSkus, type WaitingPreorder } from '../domain/routing/rerouting.js';
import { ORDERS_TABLE } from '../../lib/tables.js';
import { dynamo, tableName } from './dynamo.js';
import { BACKORDER_INDEX } from './order-items.js';

/**
 * Orders waiting with at least one pre-order line. An order with a pre-order line is BACKORDERED
 * or PARTIALLY_ROUTED (routing-input.ts orderStatusFor), so it is on the Orders table's sparse
 * `backordersWaiting` index, as inventory-repository's findBackorderedOrderIds reads it: every
 * shard in parallel (keys, status, version and unplaced lines only), filtered in code because a
 * filter can not look inside a list. Run hourly, that is one read of the waiting orders an hour.
 */
export async function listWaitingPreorders(): Promise<WaitingPreorder[]> {
  const shards = Array.from({ length: BACKORDER_SHARDS }, (_, shard) => backorderPartition(shard));
  const pages = await Promise.all(shards.map((shard) => queryWaiting(shard)));
  return pages.flat().filter((order) => preorderSkus(order.unplaced).length > 0);
}

async function queryWaiting(shard: string): Promise<WaitingPreorder[]> {
  const orders: WaitingPreorder[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(
      new QueryCommand({
        TableName: tableName(ORDERS_TABLE.envVar),
        IndexName: BACKORDER_INDEX,
        KeyConditionExpression: 'backorderShard = :shard',
        ProjectionExpression: 'orderId, #status, #version, #routing.unplaced',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version', '#routing': 'routing' },
        ExpressionAttributeValues: { ':shard': shard },
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) {
      const routing = item.routing as { unplaced?: UnplacedLine[] } | undefined;
      orders.push({
        orderId: String(item.orderId),
        status: item.status as OrderStatus,
        version: Number(item.version),
        unplaced: routing?.unplaced ?? [],
      });
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return orders;
}
