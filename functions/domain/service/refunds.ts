import type { Order } from '../order.js';
import { allocateRefund, type RefundRecord } from '../refunds/allocation.js';
import type { ChangedBy, RefundCause, StoredRefund } from './records.js';

/**
 * The refund record of a cancellation or a return: the units' price, their share of the
 * discounts and the tax (allocation.ts), after every refund already recorded for the order, so
 * that cancellations and returns of the same line together never refund more than was paid.
 * Nothing to refund (no units) records nothing.
 */
export function refundFor(args: {
  order: Order;
  cause: RefundCause;
  sourceId: string;
  lines: readonly { lineId: string; quantity: number }[];
  previous: readonly RefundRecord[];
  /** Refund what is left of the shipping too (the whole order canceled before anything left). */
  shipping: boolean;
  refundId: string;
  now: string;
  by: ChangedBy;
}): StoredRefund | undefined {
  const lines = args.lines
    .filter((line) => line.quantity > 0)
    .map(({ lineId, quantity }) => ({ lineId, quantity }));
  if (lines.length === 0 && !args.shipping) return undefined;
  const allocated = allocateRefund(
    args.order,
    { reason: args.cause, lines: [...lines], shipping: args.shipping },
    args.previous,
  );
  const skuOf = (lineId: string) => args.order.lines.find((line) => line.lineId === lineId)?.sku ?? '';
  return {
    ...allocated,
    refundId: args.refundId,
    orderId: args.order.orderId,
    channelId: args.order.channelId,
    externalId: args.order.externalId,
    cause: args.cause,
    sourceId: args.sourceId,
    lines: allocated.lines.map((line) => ({ ...line, sku: skuOf(line.lineId) })),
    recordedAt: args.now,
    by: args.by,
  };
}
