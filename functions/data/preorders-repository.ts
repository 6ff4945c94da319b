import type { OrderStatus } from '../domain/order.js';
import type { UnplacedLine } from '../domain/routing/index.js';
import { preorderSkus, type WaitingPreorder } from '../domain/routing/rerouting.js';
import { readWaitingOrders } from './backorder-index.js';

/**
 * Orders waiting with at least one pre-order line. An order with a pre-order line is BACKORDERED
 * or PARTIALLY_ROUTED (routing-input.ts orderStatusFor), so it is on the Orders table's sparse
 * `backordersWaiting` index, as inventory-repository's findBackorderedOrderIds reads it: every
 * shard in parallel (keys, status, version and unplaced lines only), filtered in code because a
 * filter can not look inside a list. Run hourly, that is one read of the waiting orders an hour.
 */
export async function listWaitingPreorders(): Promise<WaitingPreorder[]> {
  const items = await readWaitingOrders(['orderId', 'status', 'version', 'routing.unplaced']);
  return items
    .map((item) => ({
      orderId: String(item.orderId),
      status: item.status as OrderStatus,
      version: Number(item.version),
      unplaced: (item.routing as { unplaced?: UnplacedLine[] } | undefined)?.unplaced ?? [],
    }))
    .filter((order) => preorderSkus(order.unplaced).length > 0);
}
