import type { CanonicalOrder, Reconciliation, StatedTotals } from './order.js';

/**
 * Recomputes the totals from the lines and compares them with what the channel stated.
 * Channels do send inconsistent totals (see the Shopify fixtures): we keep their figures, flag
 * the mismatch for a person to look at, and never reject the order for it: the sale happened.
 */
export function reconcileTotals(order: CanonicalOrder): Reconciliation {
  const subtotal = sum(order.lines.map((line) => line.unitPrice * line.quantity));
  const discount = sum(order.lines.map((line) => line.discount)) + order.orderDiscount;
  const tax = sum(order.lines.map((line) => line.tax)) + order.shippingTax;
  const shipping = order.shippingPrice;
  const total = subtotal - discount + shipping + (order.taxesIncluded ? 0 : tax);
  const computed: StatedTotals = { subtotal, discount, tax, shipping, total };
  if (!order.totals) return { status: 'not_stated', computed, differences: [] };

  const stated = order.totals;
  const differences = (Object.keys(computed) as (keyof StatedTotals)[])
    .filter((field) => stated[field] !== computed[field])
    .map((field) => ({ field, stated: stated[field], computed: computed[field] }));
  return { status: differences.length === 0 ? 'matched' : 'mismatch', computed, differences };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
