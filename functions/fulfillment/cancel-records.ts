import { ulid } from 'ulid';
import type { Actor } from '../domain/access.js';
import type { FulfilledOrder } from '../domain/fulfillment/progress.js';
import { acceptedCancellation } from '../domain/service/cancel.js';
import { byActor } from '../domain/service/records.js';
import type { OrderRecords, StoredFulfillmentOrder } from '../data/fulfillment-repository.js';
import { cancellationKey, listServiceRecords, refundKey } from '../data/service-repository.js';

/**
 * What a location's accepted cancel request records with the fulfillment change, per order it
 * serves: the cancellation of the units it released and their refund, exactly as an immediate
 * cancellation records them (functions/domain/service/cancel.ts, acceptedCancellation), the
 * order's canceled units, and, once no unit of the order is left, the order CANCELED by that
 * cancellation. Its outbox then tells the channel (OrderLinesCanceled or OrderCanceled, and
 * RefundRecorded), as for an immediate cancellation.
 */
export function acceptedCancelRecords(
  actor: Actor,
  now: () => string = () => new Date().toISOString(),
  newId: () => string = ulid,
) {
  return async (change: {
    before: StoredFulfillmentOrder;
    after: StoredFulfillmentOrder;
    orders: readonly FulfilledOrder[];
  }): Promise<ReadonlyMap<string, OrderRecords>> => {
    const records = new Map<string, OrderRecords>();
    for (const order of change.orders) {
      const { cancellations, refunds } = await listServiceRecords(order.orderId);
      const accepted = acceptedCancellation({
        order,
        before: change.before,
        after: change.after,
        cancellations,
        refunds,
        ids: { cancellationId: newId(), refundId: newId() },
        now: now(),
        by: byActor(actor),
      });
      if (!accepted) continue;
      const { cancellation, refund, canceledUnits } = accepted;
      records.set(order.orderId, {
        ...(cancellation.wholeOrder && { status: 'CANCELED' as const }),
        set: {
          canceledUnits,
          ...(cancellation.wholeOrder && { canceledBy: cancellation.cancellationId }),
        },
        puts: [
          {
            key: cancellationKey(order.orderId, cancellation.cancellationId),
            entityType: 'Cancellation',
            record: cancellation,
          },
          ...(refund
            ? [{ key: refundKey(order.orderId, refund.refundId), entityType: 'Refund', record: refund }]
            : []),
        ],
      });
    }
    return records;
  };
}
