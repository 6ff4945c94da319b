import * as z from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';
import { currencyExponent } from '../money.js';
import type { CanonicalOrder } from '../order.js';
import { parseOrThrow } from '../validation.js';

/**
 * How much of an order is refunded when some of its units are canceled or returned: per line the
 * unit price, the line's share of the discounts and its tax, and optionally the shipping, all in
 * exact integer minor units. Shares are cumulative per unit (the first n units of a line always
 * carry the same amount however the refunds were split), so several refunds of one line add up
 * to exactly what it cost and never to more. Remainders go by largest remainder, ties to the
 * earlier line or unit, so the same order always gives the same answer.
 */
export const REFUND_REASONS = ['cancellation', 'return'] as const;

export const RefundRequest = z.strictObject({
  reason: z.enum(REFUND_REASONS),
  lines: z
    .array(
      z.strictObject({
        lineId: z.string().min(1).max(64),
        quantity: z.int('must be a whole number').min(1, 'must be at least 1'),
      }),
    )
    .max(500),
  /** Refund what is left of the shipping price and its tax. */
  shipping: z.boolean().default(false),
});
export type RefundRequest = z.input<typeof RefundRequest>;

export type RefundableOrder = Pick<
  CanonicalOrder,
  'currency' | 'orderDiscount' | 'shippingPrice' | 'shippingTax' | 'taxesIncluded'
> & {
  lines: Pick<CanonicalOrder['lines'][number], 'lineId' | 'quantity' | 'unitPrice' | 'discount' | 'tax'>[];
};

export interface RefundLine {
  lineId: string;
  quantity: number;
  /** unitPrice × quantity. */
  price: number;
  /** The units' share of the line discount and of the order discount. */
  discount: number;
  /** The units' share of the line tax (already inside `price` when taxes are included). */
  tax: number;
  total: number;
}

export interface RefundRecord {
  reason: (typeof REFUND_REASONS)[number];
  currency: string;
  lines: RefundLine[];
  shipping: { price: number; tax: number; total: number };
  total: number;
}

/** The first `units` of `count` equal units' share of `amount`: remainders to the earliest units. */
export function cumulativeShare(amount: number, count: number, units: number): number {
  return units * Math.floor(amount / count) + Math.min(units, amount % count);
}

/**
 * Splits `amount` in proportion to `weights` by largest remainder, ties to the lower index.
 * BigInt keeps amount × weight exact beyond 2^53.
 */
export function largestRemainder(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0) return weights.map((_, index) => (index === 0 ? amount : 0));
  const exact = weights.map((weight) => BigInt(amount) * BigInt(weight));
  const bigTotal = BigInt(total);
  const shares = exact.map((product) => Number(product / bigTotal));
  const remainders = exact.map((product, index) => ({ index, remainder: product % bigTotal }));
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  let left = amount - shares.reduce((sum, share) => sum + share, 0);
  for (const { index } of remainders) {
    if (left === 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}

/** What a line cost in full: its price, every discount that applies to it, its tax. */
function lineCosts(order: RefundableOrder) {
  const nets = order.lines.map((line) => line.unitPrice * line.quantity - line.discount);
  const orderDiscount = Math.min(
    order.orderDiscount,
    nets.reduce((sum, net) => sum + net, 0),
  );
  const shares = largestRemainder(orderDiscount, nets);
  return order.lines.map((line, index) => ({
    line,
    price: line.unitPrice * line.quantity,
    discount: line.discount + shares[index]!,
    tax: line.tax,
  }));
}

/**
 * The refund for the units in `request`, given the refunds already recorded for the order.
 * Asking for more units than remain unrefunded is a ValidationError naming the line.
 */
export function allocateRefund(
  order: RefundableOrder,
  request: RefundRequest,
  previous: readonly RefundRecord[] = [],
): RefundRecord {
  currencyExponent(order.currency);
  const parsed = parseOrThrow(RefundRequest, request, 'refund request');
  const costs = lineCosts(order);
  const refunded = (lineId: string) =>
    previous.reduce(
      (sum, record) =>
        sum + record.lines.filter((line) => line.lineId === lineId).reduce((n, l) => n + l.quantity, 0),
      0,
    );

  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const lines = parsed.lines.flatMap((entry, index): RefundLine[] => {
    const cost = costs.find((candidate) => candidate.line.lineId === entry.lineId);
    if (!cost || seen.has(entry.lineId)) {
      issues.push({
        path: `lines/${index}/lineId`,
        message: cost ? 'lists a line twice' : 'is not a line of this order',
      });
      return [];
    }
    seen.add(entry.lineId);
    const before = refunded(entry.lineId);
    const count = cost.line.quantity;
    if (before + entry.quantity > count) {
      issues.push({
        path: `lines/${index}/quantity`,
        message: `exceeds the ${count - before} unit(s) not refunded yet`,
      });
      return [];
    }
    const part = (amount: number) =>
      cumulativeShare(amount, count, before + entry.quantity) - cumulativeShare(amount, count, before);
    const price = part(cost.price);
    const discount = part(cost.discount);
    const tax = part(cost.tax);
    return [
      {
        lineId: entry.lineId,
        quantity: entry.quantity,
        price,
        discount,
        tax,
        total: price - discount + (order.taxesIncluded ? 0 : tax),
      },
    ];
  });
  if (issues.length > 0) throw new ValidationError('The refund does not match the order.', issues);

  const shipping = parsed.shipping ? remainingShipping(order, previous) : { price: 0, tax: 0, total: 0 };
  return {
    reason: parsed.reason,
    currency: order.currency,
    lines,
    shipping,
    total: lines.reduce((sum, line) => sum + line.total, 0) + shipping.total,
  };
}

function remainingShipping(
  order: RefundableOrder,
  previous: readonly RefundRecord[],
): RefundRecord['shipping'] {
  const price = order.shippingPrice - previous.reduce((sum, record) => sum + record.shipping.price, 0);
  const tax = order.shippingTax - previous.reduce((sum, record) => sum + record.shipping.tax, 0);
  return { price, tax, total: price + (order.taxesIncluded ? 0 : tax) };
}
