import type { Actor } from '../domain/access.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { UnplacedLine } from '../domain/routing/index.js';
import {
  canceledTotals,
  canceledUnits,
  planCancellation,
  type CancelPlan,
} from '../domain/service/cancel.js';
import { lifecycleOf } from '../domain/service/fulfillment-view.js';
import { refundFor } from '../domain/service/refunds.js';
import type { CancelOrderBody, Cancellation, ChangedBy, StoredRefund } from '../domain/service/records.js';
import { MAX_ATTEMPTS, type CancelDeps } from './deps.js';

/** The actor the fulfillment side records for a cancellation a channel sent. */
const channelActor = (by: ChangedBy): Actor =>
  by.type === 'user'
    ? { sub: by.sub, role: by.role, ...(by.clientId !== undefined && { clientId: by.clientId }) }
    : { sub: by.type === 'channel' ? `channel:${by.channelId}` : by.component, role: 'integration' };

/**
 * Cancels an order or some of its units, on behalf of customer service or the channel:
 * 1. loads the order, its fulfillment orders and earlier cancellations (404), and plans where
 *    the units come from (cancel.ts): not routed yet, at a location that has not started, at
 *    one that has; packed or shipped units are a 409 with the hint to return them;
 * 2. for a whole order, notes the cancellation on the order first, so that the status the
 *    fulfillment side derives (CANCELED) is announced by this cancellation, with its reason;
 * 3. gives the units at unstarted locations back (reservation, hot-SKU shards, capacity once a
 *    fulfillment order is empty) and asks started ones to cancel, each the fulfillment side's
 *    own transaction; a fulfillment order that moved on meanwhile makes it plan again;
 * 4. records the cancellation and the refund of the units canceled now (and of the shipping,
 *    when the whole order goes before anything left), with the units dropped from what the
 *    router still has to place (`routing.unplaced`, and `canceledUnits`, which the router takes
 *    off the lines of an order it has not routed yet) and the order CANCELED when nothing is
 *    left, conditional on the order's version (another change first: read again, record again).
 * A crash between 3 and 4 leaves released units that no cancellation holds; the same request
 * sent again finds them, unheld, and records them (cancel.ts counts them as not placed).
 */
export async function cancelOrder(
  deps: CancelDeps,
  orderId: string,
  body: CancelOrderBody,
  by: ChangedBy,
): Promise<{ cancellation: Cancellation; refund?: StoredRefund }> {
  const actor = channelActor(by);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const aggregate = await deps.getOrderAggregate(orderId);
    if (!aggregate) throw new NotFoundError(`There is no order "${orderId}".`);
    const plan = planCancellation(
      aggregate.order,
      aggregate.fulfillmentOrders.map(lifecycleOf),
      aggregate.cancellations,
      body,
    );
    const cancellationId = deps.newId();
    // The refund is recorded last, but must hold before anything changes: a refund that could not
    // be recorded would leave units released without their record.
    refundFor({
      order: aggregate.order,
      cause: 'cancellation',
      sourceId: cancellationId,
      lines: canceledUnits(plan),
      previous: aggregate.refunds,
      shipping: plan.wholeOrder,
      refundId: cancellationId,
      now: deps.now().toISOString(),
      by,
    });
    if (plan.wholeOrder) {
      const noted = await deps.commitServiceChange({
        order: aggregate.order,
        now: deps.now().toISOString(),
        orderUpdate: { canceledBy: cancellationId },
      });
      if (noted !== 'ok') continue;
    }
    try {
      const units = (lines: readonly { lineId: string; quantity: number }[]) =>
        lines.map(({ lineId, quantity }) => ({ lineId, quantity }));
      for (const entry of plan.release)
        await deps.releaseLines(
          entry.fulfillmentOrderId,
          { reason: body.reason, lines: units(entry.lines) },
          actor,
        );
      for (const entry of plan.request)
        await deps.requestCancel(
          entry.fulfillmentOrderId,
          { reason: body.reason, lines: units(entry.lines) },
          actor,
        );
    } catch (error) {
      // A location moved on between the plan and the change: plan again from what is there now.
      if (error instanceof ConflictError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
    return record(deps, orderId, body, by, plan, cancellationId);
  }
  throw new ConflictError(`Order ${orderId} kept changing; try again.`);
}

async function record(
  deps: CancelDeps,
  orderId: string,
  body: CancelOrderBody,
  by: ChangedBy,
  plan: CancelPlan,
  cancellationId: string,
): Promise<{ cancellation: Cancellation; refund?: StoredRefund }> {
  const canceled = canceledUnits(plan);
  const refundId = deps.newId();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const aggregate = await deps.getOrderAggregate(orderId);
    if (!aggregate) throw new NotFoundError(`There is no order "${orderId}".`);
    const { order } = aggregate;
    const now = deps.now().toISOString();
    const refund = refundFor({
      order,
      cause: 'cancellation',
      sourceId: cancellationId,
      lines: canceled,
      previous: aggregate.refunds,
      shipping: plan.wholeOrder,
      refundId,
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
    const unplaced = remainingUnplaced(order, plan);
    const result = await deps.commitServiceChange({
      order,
      now,
      orderUpdate: {
        ...(plan.wholeOrder && { status: 'CANCELED' as const, canceledBy: cancellationId }),
        ...(unplaced && { unplaced }),
        canceledUnits: canceledTotals(aggregate.cancellations, canceled),
      },
      cancellation,
      ...(refund && { refund }),
    });
    if (result === 'ok') return { cancellation, ...(refund && { refund }) };
  }
  throw new ConflictError(
    `Order ${orderId} kept changing while its cancellation was recorded; send it again.`,
  );
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
