import { ConflictError, NotFoundError } from '../domain/errors.js';
import { canceledUnits, planCancellation, type CancelPlan } from '../domain/service/cancel.js';
import { lifecycleOf } from '../domain/service/fulfillment-view.js';
import { refundFor } from '../domain/service/refunds.js';
import type { CancelOrderBody, Cancellation, ChangedBy, StoredRefund } from '../domain/service/records.js';
import type { UnplacedLine } from '../domain/routing/index.js';
import type { Order } from '../domain/order.js';
import { MAX_ATTEMPTS, type CancelDeps } from './deps.js';

/**
 * Cancels an order or some of its units, on behalf of customer service or the channel:
 * 1. loads the order, its fulfillment orders and earlier cancellations (404);
 * 2. plans where the units come from (cancel.ts): not routed yet, at a location that has not
 *    started (released now), at one that has (a cancel request it accepts or refuses); packed or
 *    shipped units are a 409 with the hint to return them;
 * 3. in ONE transaction with the order's version: the reservations released (hot-SKU shards
 *    included) and the location's capacity given back for a fulfillment order left empty, the
 *    cancel requests, the units dropped from what the router still has to place, the order
 *    CANCELED when nothing is left, the cancellation and the refund of the units canceled now
 *    (and of the shipping, when the whole order goes before anything left);
 * 4. another agent changing the order first makes it decide again; the outbox announces
 *    OrderCanceled or OrderLinesCanceled, RefundRecorded, and the fulfillment changes.
 */
export async function cancelOrder(
  deps: CancelDeps,
  orderId: string,
  body: CancelOrderBody,
  by: ChangedBy,
): Promise<{ cancellation: Cancellation; refund?: StoredRefund }> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const aggregate = await deps.getOrderAggregate(orderId);
    if (!aggregate) throw new NotFoundError(`There is no order "${orderId}".`);
    const { order } = aggregate;
    const fulfillmentOrders = aggregate.fulfillmentOrders.map(lifecycleOf);
    const plan = planCancellation(order, fulfillmentOrders, aggregate.cancellations, body);
    const now = deps.now().toISOString();
    const cancellationId = deps.newId();
    const canceled = canceledUnits(plan);
    const refund = refundFor({
      order,
      cause: 'cancellation',
      sourceId: cancellationId,
      lines: canceled,
      previous: aggregate.refunds,
      shipping: plan.wholeOrder,
      refundId: deps.newId(),
      now,
      by,
    });
    const cancellation: Cancellation = {
      cancellationId,
      orderId,
      channelId: order.channelId,
      externalId: order.externalId,
      reason: body.reason,
      canceled,
      requested: plan.request.flatMap((fo) =>
        fo.lines.map((line) => ({ ...line, fulfillmentOrderId: fo.fulfillmentOrderId })),
      ),
      wholeOrder: plan.wholeOrder,
      ...(refund && { refundId: refund.refundId }),
      previousStatus: order.status,
      orderVersion: order.version + 1,
      canceledAt: now,
      by,
    };
    const byId = new Map(fulfillmentOrders.map((fo) => [fo.fulfillmentOrderId, fo]));
    const writes = await Promise.all([
      ...plan.release.map((entry) =>
        deps.releaseLines(byId.get(entry.fulfillmentOrderId)!, entry.lines, now),
      ),
      ...plan.request.map((entry) =>
        deps.requestCancel(
          byId.get(entry.fulfillmentOrderId)!,
          { reason: body.reason, lines: entry.lines },
          now,
        ),
      ),
    ]);
    const unplaced = remainingUnplaced(order, plan);
    const result = await deps.commitServiceChange({
      order,
      now,
      orderUpdate: {
        ...(plan.wholeOrder && { status: 'CANCELED' as const, canceledBy: cancellationId }),
        ...(unplaced && { unplaced }),
      },
      cancellation,
      ...(refund && { refund }),
      more: writes.flat(),
    });
    if (result === 'ok') return { cancellation, ...(refund && { refund }) };
  }
  throw new ConflictError(`Order ${orderId} kept changing; try again.`);
}

/** What the router still has to place once the canceled unrouted units are taken off. */
function remainingUnplaced(order: Order, plan: CancelPlan): UnplacedLine[] | undefined {
  const unplaced = (order as Order & { routing?: { unplaced?: UnplacedLine[] } }).routing?.unplaced;
  if (!unplaced || plan.unrouted.length === 0) return undefined;
  const left = new Map(plan.unrouted.map((line) => [line.lineId, line.quantity]));
  return unplaced.flatMap((entry) => {
    const taken = Math.min(entry.quantity, left.get(entry.lineId) ?? 0);
    left.set(entry.lineId, (left.get(entry.lineId) ?? 0) - taken);
    return entry.quantity - taken > 0 ? [{ ...entry, quantity: entry.quantity - taken }] : [];
  });
}
