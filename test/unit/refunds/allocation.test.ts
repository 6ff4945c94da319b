import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.js';
import { currencyExponent } from '../../../functions/domain/money.js';
import type { CanonicalOrder } from '../../../functions/domain/order.js';
import {
  allocateRefund,
  cumulativeShare,
  largestRemainder,
  type RefundableOrder,
  type RefundRecord,
} from '../../../functions/domain/refunds/allocation.js';
import { reconcileTotals } from '../../../functions/domain/totals.js';

/** Three T-shirts at 19.99 € with 3.00 € off the line, a mug, 2.50 € off the order, shipping. */
const ORDER: RefundableOrder = {
  currency: 'EUR',
  lines: [
    { lineId: '1', quantity: 3, unitPrice: 1999, discount: 300, tax: 1311 },
    { lineId: '2', quantity: 1, unitPrice: 1000, discount: 0, tax: 230 },
  ],
  orderDiscount: 250,
  shippingPrice: 495,
  shippingTax: 114,
  taxesIncluded: false,
};

/** What the customer paid, as the OMS reconciles the order's totals. */
const paidFor = (order: RefundableOrder) =>
  reconcileTotals(order as unknown as CanonicalOrder).computed.total;

describe('allocateRefund', () => {
  it('refunds one unit with its share of the line and order discounts and of the tax', () => {
    const refund = allocateRefund(ORDER, { reason: 'return', lines: [{ lineId: '1', quantity: 1 }] });

    // Order discount 250 over nets 5697 and 1000: 212.67… and 37.33… → 213 + 37 by largest remainder.
    // Line 1 discount 300 + 213 = 513 over 3 units: 171 each. Tax 1311: 437 each.
    expect(refund).toEqual({
      reason: 'return',
      currency: 'EUR',
      lines: [{ lineId: '1', quantity: 1, price: 1999, discount: 171, tax: 437, total: 2265 }],
      shipping: { price: 0, tax: 0, total: 0 },
      total: 2265,
    });
  });

  it('adds up to exactly what was paid over several returns of the same line and the shipping', () => {
    const first = allocateRefund(ORDER, { reason: 'cancellation', lines: [{ lineId: '1', quantity: 1 }] });
    const second = allocateRefund(ORDER, { reason: 'return', lines: [{ lineId: '1', quantity: 2 }] }, [
      first,
    ]);
    const third = allocateRefund(
      ORDER,
      { reason: 'return', lines: [{ lineId: '2', quantity: 1 }], shipping: true },
      [first, second],
    );

    expect(second.lines[0]).toMatchObject({ discount: 342, tax: 874 });
    expect(third.shipping).toEqual({ price: 495, tax: 114, total: 609 });
    expect(first.total + second.total + third.total).toBe(paidFor(ORDER));
  });

  it('keeps the tax inside the price when taxes are included', () => {
    const refund = allocateRefund(
      { ...ORDER, taxesIncluded: true },
      { reason: 'return', lines: [{ lineId: '2', quantity: 1 }], shipping: true },
    );

    expect(refund.lines[0]).toEqual({
      lineId: '2',
      quantity: 1,
      price: 1000,
      discount: 37,
      tax: 230,
      total: 963,
    });
    expect(refund.shipping).toEqual({ price: 495, tax: 114, total: 495 });
  });

  it('refuses more units than remain unrefunded, unknown lines and unknown currencies', () => {
    const all = allocateRefund(ORDER, { reason: 'return', lines: [{ lineId: '1', quantity: 3 }] });
    const error = (() => {
      try {
        allocateRefund(
          ORDER,
          {
            reason: 'return',
            lines: [
              { lineId: '1', quantity: 1 },
              { lineId: '9', quantity: 1 },
            ],
          },
          [all],
        );
      } catch (caught) {
        return caught as ValidationError;
      }
    })();

    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.issues).toEqual([
      { path: 'lines/0/quantity', message: 'exceeds the 0 unit(s) not refunded yet' },
      { path: 'lines/1/lineId', message: 'is not a line of this order' },
    ]);
    expect(() => allocateRefund({ ...ORDER, currency: 'XYZ' }, { reason: 'return', lines: [] })).toThrow(
      ValidationError,
    );
  });

  it('refunds the shipping only once', () => {
    const first = allocateRefund(ORDER, { reason: 'cancellation', lines: [], shipping: true });
    const second = allocateRefund(ORDER, { reason: 'cancellation', lines: [], shipping: true }, [first]);

    expect(second.shipping).toEqual({ price: 0, tax: 0, total: 0 });
  });
});

describe('largestRemainder and cumulativeShare', () => {
  it('hands the remainder to the largest fractions, ties to the earlier index', () => {
    expect(largestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(largestRemainder(10, [1, 2, 2])).toEqual([2, 4, 4]);
    expect(largestRemainder(7, [0, 0])).toEqual([7, 0]);
  });

  it('stays exact beyond 2^53 (amount × weight)', () => {
    expect(largestRemainder(9_000_000_000_000, [3_000_000_007, 6_000_000_000])).toEqual([
      3_000_000_004_667, 5_999_999_995_333,
    ]);
  });

  it('gives the first units the extra minor unit', () => {
    expect([1, 2, 3].map((units) => cumulativeShare(100, 3, units))).toEqual([34, 67, 100]);
  });
});

const CURRENCIES = ['JPY', 'EUR', 'KWD'];

const arbitraryOrder = fc.constantFrom(...CURRENCIES).chain((currency) => {
  const scale = 10 ** currencyExponent(currency);
  return fc
    .record({
      lines: fc.array(
        fc
          .record({
            quantity: fc.integer({ min: 1, max: 6 }),
            unitPrice: fc.integer({ min: 0, max: 500 * scale }),
            discountShare: fc.double({ min: 0, max: 1, noNaN: true }),
            tax: fc.integer({ min: 0, max: 200 * scale }),
          })
          .map(({ quantity, unitPrice, discountShare, tax }) => ({
            quantity,
            unitPrice,
            discount: Math.floor(unitPrice * quantity * discountShare),
            tax,
          })),
        { minLength: 1, maxLength: 4 },
      ),
      orderDiscountShare: fc.double({ min: 0, max: 1, noNaN: true }),
      shippingPrice: fc.integer({ min: 0, max: 20 * scale }),
      shippingTax: fc.integer({ min: 0, max: 5 * scale }),
      taxesIncluded: fc.boolean(),
    })
    .map(({ lines, orderDiscountShare, ...rest }): RefundableOrder => {
      const net = lines.reduce((sum, line) => sum + line.unitPrice * line.quantity - line.discount, 0);
      return {
        currency,
        lines: lines.map((line, index) => ({ lineId: `${index + 1}`, ...line })),
        orderDiscount: Math.floor(net * orderDiscountShare),
        ...rest,
      };
    });
});

/** Refunds every unit in chunks the seeds decide, the shipping with one of them. */
function refundEverything(order: RefundableOrder, seeds: number[]): RefundRecord[] {
  const records: RefundRecord[] = [];
  const left = new Map(order.lines.map((line) => [line.lineId, line.quantity]));
  let seed = 0;
  const next = () => seeds[seed++ % seeds.length]!;
  const shippingAt = next() % (order.lines.length + 1);
  while ([...left.values()].some((units) => units > 0) || records.length <= shippingAt) {
    const lines = [...left]
      .filter(([, units]) => units > 0)
      .map(([lineId, units]) => ({ lineId, quantity: 1 + (next() % units) }))
      .filter((_, index) => index === 0 || next() % 2 === 0);
    for (const line of lines) left.set(line.lineId, left.get(line.lineId)! - line.quantity);
    const reason = next() % 2 === 0 ? 'cancellation' : 'return';
    records.push(allocateRefund(order, { reason, lines, shipping: records.length === shippingAt }, records));
  }
  return records;
}

describe('refund allocation properties (JPY, EUR and KWD: 0, 2 and 3 decimals)', () => {
  it('never refunds more than was paid, and refunds exactly that once everything is back', () => {
    fc.assert(
      fc.property(arbitraryOrder, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (order, seeds) => {
        const records = refundEverything(order, seeds);
        const paid = paidFor(order);
        let refunded = 0;
        for (const record of records) {
          refunded += record.total;
          expect(refunded).toBeLessThanOrEqual(paid);
          for (const line of record.lines) {
            expect([line.price, line.discount, line.tax, line.total].every(Number.isSafeInteger)).toBe(true);
            expect(Math.min(line.price, line.discount, line.tax, line.total)).toBeGreaterThanOrEqual(0);
          }
          expect(record.total).toBe(
            record.lines.reduce((sum, line) => sum + line.total, 0) + record.shipping.total,
          );
        }
        expect(refunded).toBe(paid);
      }),
      { numRuns: 300 },
    );
  });

  it('gives each line the same amount however its refunds were split', () => {
    fc.assert(
      fc.property(
        arbitraryOrder,
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        (order, seedsA, seedsB) => {
          const perLine = (records: RefundRecord[]) =>
            Object.fromEntries(
              order.lines.map(({ lineId }) => [
                lineId,
                records
                  .flatMap((r) => r.lines)
                  .filter((l) => l.lineId === lineId)
                  .reduce((sum, l) => sum + l.total, 0),
              ]),
            );

          expect(perLine(refundEverything(order, seedsA))).toEqual(perLine(refundEverything(order, seedsB)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
