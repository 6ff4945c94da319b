import { describe, expect, it } from 'vitest';
import { reconcileTotals } from '../../../functions/domain/totals.js';
import { aParsedCanonicalOrder } from '../../helpers/records.js';

/** One line of 2 × 19.99 with 4.60 tax; 4.95 shipping, as in the contract example. */
const line = { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2, unitPrice: 1999, tax: 460 };

describe('reconcileTotals', () => {
  it('matches the totals of the contract example', () => {
    expect(reconcileTotals(aParsedCanonicalOrder())).toEqual({
      status: 'matched',
      computed: { subtotal: 3998, discount: 0, tax: 460, shipping: 495, total: 4953 },
      differences: [],
    });
  });

  it('says not_stated, with the computed totals, when the channel sent none', () => {
    const reconciliation = reconcileTotals(aParsedCanonicalOrder({ totals: undefined }));

    expect(reconciliation).toEqual({
      status: 'not_stated',
      computed: { subtotal: 3998, discount: 0, tax: 460, shipping: 495, total: 4953 },
      differences: [],
    });
  });

  it('does not add the tax again when prices include it', () => {
    const order = aParsedCanonicalOrder({
      taxesIncluded: true,
      lines: [{ ...line, quantity: 1, unitPrice: 1230, tax: 230 }],
      shippingPrice: 0,
      totals: { subtotal: 1230, discount: 0, tax: 230, shipping: 0, total: 1230 },
    });

    expect(reconcileTotals(order)).toMatchObject({ status: 'matched', computed: { tax: 230, total: 1230 } });
  });

  it('subtracts an order-level discount on top of the line discounts', () => {
    const order = aParsedCanonicalOrder({
      lines: [{ ...line, discount: 400 }],
      orderDiscount: 500,
      totals: { subtotal: 3998, discount: 900, tax: 460, shipping: 495, total: 4053 },
    });

    expect(reconcileTotals(order)).toMatchObject({
      status: 'matched',
      computed: { discount: 900, total: 4053 },
    });
  });

  it('counts the tax on shipping as tax, and adds it to the total when prices exclude tax', () => {
    const order = aParsedCanonicalOrder({
      shippingTax: 114,
      totals: { subtotal: 3998, discount: 0, tax: 574, shipping: 495, total: 5067 },
    });

    expect(reconcileTotals(order)).toMatchObject({ status: 'matched', computed: { tax: 574, total: 5067 } });
  });

  it('leaves the tax on shipping out of the total when prices include tax', () => {
    const order = aParsedCanonicalOrder({
      taxesIncluded: true,
      shippingTax: 93,
      totals: { subtotal: 3998, discount: 0, tax: 553, shipping: 495, total: 4493 },
    });

    expect(reconcileTotals(order)).toMatchObject({ status: 'matched', computed: { tax: 553, total: 4493 } });
  });

  it('flags a mismatch, listing each field that differs with both figures', () => {
    const order = aParsedCanonicalOrder({
      totals: { subtotal: 3998, discount: 100, tax: 460, shipping: 495, total: 4853 },
    });

    expect(reconcileTotals(order)).toMatchObject({
      status: 'mismatch',
      differences: [
        { field: 'discount', stated: 100, computed: 0 },
        { field: 'total', stated: 4853, computed: 4953 },
      ],
    });
  });
});
