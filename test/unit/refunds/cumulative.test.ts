import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.js';
import { currencyExponent } from '../../../functions/domain/money.js';
import type { Order } from '../../../functions/domain/order.js';
import { refundFor } from '../../../functions/domain/service/refunds.js';
import type { StoredRefund } from '../../../functions/domain/service/records.js';
import { reconcileTotals } from '../../../functions/domain/totals.js';
import { anOrder } from '../../helpers/records.js';

/**
 * Refund records as customer service writes them, over any interleaving of cancellations and
 * returns of the same lines, including requests for more than is left: the sum refunded per
 * line never exceeds what the line cost, and the order's never what was paid.
 */
const SYSTEM = { type: 'system', component: 'test' } as const;

const arbitraryOrder = fc.constantFrom('JPY', 'EUR', 'KWD').chain((currency) => {
  const scale = 10 ** currencyExponent(currency);
  return fc
    .array(
      fc.record({
        quantity: fc.integer({ min: 1, max: 5 }),
        unitPrice: fc.integer({ min: 0, max: 300 * scale }),
        tax: fc.integer({ min: 0, max: 60 * scale }),
      }),
      { minLength: 1, maxLength: 3 },
    )
    .chain((lines) =>
      fc.record({
        lines: fc.constant(lines),
        orderDiscount: fc.integer({ min: 0, max: Math.max(0, Math.min(...lines.map((l) => l.unitPrice))) }),
        shippingPrice: fc.integer({ min: 0, max: 10 * scale }),
      }),
    )
    .map(({ lines, orderDiscount, shippingPrice }): Order =>
      anOrder(
        {},
        {
          currency,
          lines: lines.map((line, index) => ({
            lineId: `L${index}`,
            sku: `SKU-${index}`,
            discount: 0,
            ...line,
          })),
          orderDiscount,
          shippingPrice,
          totals: undefined,
        },
      ),
    );
});

const request = fc.record({
  cause: fc.constantFrom('cancellation' as const, 'return' as const),
  line: fc.nat(),
  quantity: fc.integer({ min: 1, max: 6 }),
  shipping: fc.boolean(),
});

const lineCost = (refunds: readonly StoredRefund[], lineId: string) =>
  refunds
    .flatMap((refund) => refund.lines)
    .filter((line) => line.lineId === lineId)
    .reduce((sum, line) => sum + line.total, 0);

describe('cumulative refunds of cancellations and returns', () => {
  it('never refund more than a line cost or the order was paid, and refuse the excess whole', () => {
    fc.assert(
      fc.property(arbitraryOrder, fc.array(request, { minLength: 1, maxLength: 25 }), (order, requests) => {
        const paid = reconcileTotals(order).computed.total;
        const everything = refundFor({
          order,
          cause: 'return',
          sourceId: 'all',
          lines: order.lines.map(({ lineId, quantity }) => ({ lineId, quantity })),
          previous: [],
          shipping: true,
          refundId: 'all',
          now: '2026-12-01T10:00:00.000Z',
          by: SYSTEM,
        })!;
        const refunds: StoredRefund[] = [];
        requests.forEach((entry, index) => {
          const line = order.lines[entry.line % order.lines.length]!;
          const left =
            line.quantity -
            refunds
              .flatMap((r) => r.lines)
              .filter((l) => l.lineId === line.lineId)
              .reduce((n, l) => n + l.quantity, 0);
          const attempt = () =>
            refundFor({
              order,
              cause: entry.cause,
              sourceId: `S${index}`,
              lines: [{ lineId: line.lineId, quantity: entry.quantity }],
              previous: refunds,
              shipping: entry.shipping,
              refundId: `R${index}`,
              now: '2026-12-01T10:00:00.000Z',
              by: SYSTEM,
            });
          if (entry.quantity > left) {
            expect(attempt).toThrow(ValidationError);
            return;
          }
          refunds.push(attempt()!);
        });
        for (const line of order.lines)
          expect(lineCost(refunds, line.lineId)).toBeLessThanOrEqual(lineCost([everything], line.lineId));
        const total = refunds.reduce((sum, refund) => sum + refund.total, 0);
        expect(total).toBeLessThanOrEqual(paid);
        expect(everything.total).toBe(paid);
        expect(
          refunds.every((refund) => refund.lines.every((line) => line.sku === `SKU-${line.lineId.slice(1)}`)),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
