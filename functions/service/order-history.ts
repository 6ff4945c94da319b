import { NotFoundError } from '../domain/errors.js';
import { orderHistory, type HistoryEntry } from '../domain/service/history.js';
import { lifecycleOf } from '../domain/service/fulfillment-view.js';
import type { ServiceDeps } from './deps.js';

/** The order's history (history.ts), after the caller was checked against the order's channel. */
export async function getOrderHistory(
  deps: Pick<ServiceDeps, 'getOrderAggregate'>,
  orderId: string,
  authorize: (channelId: string) => void,
): Promise<{ orderId: string; history: HistoryEntry[] }> {
  const aggregate = await deps.getOrderAggregate(orderId);
  if (!aggregate) throw new NotFoundError(`There is no order "${orderId}".`);
  authorize(aggregate.order.channelId);
  const history = orderHistory({
    ...aggregate,
    fulfillmentOrders: aggregate.fulfillmentOrders.map((fo) => ({ ...fo, ...lifecycleOf(fo) })),
  });
  return { orderId, history };
}
