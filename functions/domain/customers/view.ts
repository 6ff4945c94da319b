import type { Order, OrderStatus } from '../order.js';
import type { ReturnAuthorization, StoredRefund } from '../service/records.js';
import type { CustomerProfile, IdentityLink, MergeRecord, OrderLink } from './records.js';

/** One of the customer's orders as the customer view reads it from the order's partition. */
export interface CustomerOrderRecords {
  link: OrderLink;
  order: Order;
  returns: readonly ReturnAuthorization[];
  refunds: readonly StoredRefund[];
}

export interface CustomerTotals {
  currency: string;
  orders: number;
  /** Sum of the totals of the orders not canceled, in minor units. */
  ordered: number;
  /** Sum of the refunds recorded, in minor units. */
  refunded: number;
}

/** Statuses after which nothing more happens to an order: no shipment, no return, no refund. */
export const CLOSED_ORDER_STATUSES: readonly OrderStatus[] = ['CANCELED', 'COMPLETED'];

export function orderTotal(order: Order): number {
  return order.totals?.total ?? order.reconciliation.computed.total;
}

/**
 * The customer across every channel: how they are recognized (each identifier with the order
 * that brought it), the customers found to be them, their orders, returns, and totals per
 * currency, never converted.
 */
export function toCustomerView(args: {
  profile: CustomerProfile;
  identities: readonly IdentityLink[];
  merges: readonly MergeRecord[];
  orders: readonly CustomerOrderRecords[];
}) {
  const { profile, identities, merges } = args;
  const orders = [...args.orders].sort((a, b) => b.order.placedAt.localeCompare(a.order.placedAt));
  return {
    customerId: profile.customerId,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
    identities: [...identities]
      .sort((a, b) => a.linkedAt.localeCompare(b.linkedAt))
      .map(({ type, value, orderId, channelId, linkedAt }) => ({
        type,
        value,
        linkedBy: { orderId, channelId },
        linkedAt,
      })),
    merges: [...merges]
      .sort((a, b) => a.mergedAt.localeCompare(b.mergedAt))
      .map(({ mergedCustomerId, orderId, channelId, mergedAt }) => ({
        customerId: mergedCustomerId,
        mergedBy: { orderId, channelId },
        mergedAt,
      })),
    orders: orders.map(({ order, link }) => ({
      orderId: order.orderId,
      channelId: order.channelId,
      externalId: order.externalId,
      status: order.status,
      placedAt: order.placedAt,
      currency: order.currency,
      total: orderTotal(order),
      linkedAt: link.linkedAt,
    })),
    returns: orders.flatMap(({ returns }) =>
      returns.map(({ returnId, orderId, channelId, status, lines, authorizedAt }) => ({
        returnId,
        orderId,
        channelId,
        status,
        lines: lines.map(({ lineId, sku, quantity, received }) => ({ lineId, sku, quantity, received })),
        authorizedAt,
      })),
    ),
    totals: totalsPerCurrency(orders),
    ...(profile.erasure && {
      erasure: { erasureId: profile.erasure.erasureId, erasedAt: profile.erasure.erasedAt },
    }),
  };
}

export type CustomerView = ReturnType<typeof toCustomerView>;

function totalsPerCurrency(orders: readonly CustomerOrderRecords[]): CustomerTotals[] {
  const totals = new Map<string, CustomerTotals>();
  const of = (currency: string) => {
    const existing = totals.get(currency);
    if (existing) return existing;
    const fresh = { currency, orders: 0, ordered: 0, refunded: 0 };
    totals.set(currency, fresh);
    return fresh;
  };
  for (const { order, refunds } of orders) {
    const total = of(order.currency);
    total.orders += 1;
    if (order.status !== 'CANCELED') total.ordered += orderTotal(order);
    for (const refund of refunds) of(refund.currency).refunded += refund.total;
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Why an order keeps its customer's personal data for now: it is still being served. */
export function openOrderReasons(
  records: readonly CustomerOrderRecords[],
): { orderId: string; reason: string }[] {
  return records.flatMap(({ order, returns }) => {
    if (!CLOSED_ORDER_STATUSES.includes(order.status)) {
      return [{ orderId: order.orderId, reason: `the order is ${order.status}` }];
    }
    const open = returns.find((authorization) => authorization.status !== 'RECEIVED');
    return open ? [{ orderId: order.orderId, reason: `return ${open.returnId} is ${open.status}` }] : [];
  });
}
