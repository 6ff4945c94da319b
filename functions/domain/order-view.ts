import { formatMinorUnits } from './money.js';
import type { Order } from './order.js';

/**
 * What the API shows of an order: everything but internal bookkeeping, with the totals also
 * rendered as decimal strings in the currency's exponent for people reading the JSON.
 */
export function toOrderView(order: Order) {
  const { payloadHash: _payloadHash, ...visible } = order;
  const totals = order.totals ?? order.reconciliation.computed;
  return {
    ...visible,
    display: {
      total: `${formatMinorUnits(totals.total, order.currency)} ${order.currency}`,
      subtotal: `${formatMinorUnits(totals.subtotal, order.currency)} ${order.currency}`,
    },
  };
}
