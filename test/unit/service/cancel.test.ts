import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../functions/domain/errors.js';
import {
  acceptedCancellation,
  canceledTotals,
  canceledUnits,
  linesStillWanted,
  planCancellation,
} from '../../../functions/domain/service/cancel.js';
import type { Cancellation, StoredRefund } from '../../../functions/domain/service/records.js';
import { NOW, aFulfillmentOrderIn, aRoutedOrder } from './factories.js';

const TEES = { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 };
const MUG = { lineId: '2', sku: 'MUG-WHITE', quantity: 1 };
/** A split order: the T-shirts at one store, the mug at another. */
const split = (teeStatus: Parameters<typeof aFulfillmentOrderIn>[0], mugStatus = teeStatus) => [
  aFulfillmentOrderIn(teeStatus, [TEES], { fulfillmentOrderId: 'FO-TEE', locationId: 'STORE-A' }),
  aFulfillmentOrderIn(mugStatus, [MUG], { fulfillmentOrderId: 'FO-MUG', locationId: 'STORE-B' }),
];
const thrown = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return error as Error & { details?: Record<string, unknown> };
  }
  throw new Error('did not throw');
};

describe('planCancellation', () => {
  it('releases one line of a split order at the location that has not started', () => {
    const plan = planCancellation(aRoutedOrder(), split('CREATED'), [], {
      reason: 'customer changed their mind',
      lines: [{ lineId: '2', quantity: 1 }],
    });

    expect(plan).toEqual({
      unrouted: [],
      release: [{ fulfillmentOrderId: 'FO-MUG', locationId: 'STORE-B', lines: [MUG] }],
      request: [],
      wholeOrder: false,
    });
    expect(canceledUnits(plan)).toEqual([MUG]);
  });

  it('asks a location that has started, and cancels the whole order when everything is released', () => {
    const started = planCancellation(aRoutedOrder(), split('CREATED', 'PICKED'), [], { reason: 'fraud' });
    expect(started.request).toEqual([{ fulfillmentOrderId: 'FO-MUG', locationId: 'STORE-B', lines: [MUG] }]);
    expect(started.wholeOrder).toBe(false);

    const untouched = planCancellation(aRoutedOrder(), split('CREATED'), [], { reason: 'fraud' });
    expect(untouched.wholeOrder).toBe(true);
    expect(canceledUnits(untouched)).toEqual([TEES, MUG]);
  });

  it('refuses packed or shipped units with a 409 and the hint to return them', () => {
    const error = thrown(() =>
      planCancellation(aRoutedOrder(), split('CREATED', 'PACKED'), [], {
        reason: 'too late',
        lines: [{ lineId: '2', quantity: 1 }],
      }),
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details).toMatchObject({ hint: 'Return them once delivered: POST /v1/returns.' });
  });

  it('cancels what the router has not placed yet, the whole order or some units of it', () => {
    const received = aRoutedOrder({ status: 'RECEIVED' });
    expect(planCancellation(received, [], [], { reason: 'duplicate' })).toMatchObject({
      unrouted: [TEES, MUG],
      wholeOrder: true,
    });
    expect(
      planCancellation(aRoutedOrder({ status: 'BACKORDERED' }), [], [], {
        reason: 'one is enough',
        lines: [{ lineId: '1', quantity: 1 }],
      }),
    ).toEqual({ unrouted: [{ ...TEES, quantity: 1 }], release: [], request: [], wholeOrder: false });
  });

  it('counts earlier cancellations: units canceled are not canceled twice', () => {
    const earlier = { canceled: [{ ...TEES, quantity: 2 }] } as Cancellation;
    const released = split('CREATED').map((fo) =>
      fo.fulfillmentOrderId === 'FO-TEE'
        ? { ...fo, status: 'CANCELED' as const, lines: fo.lines.map((line) => ({ ...line, released: 2 })) }
        : fo,
    );
    const error = thrown(() =>
      planCancellation(aRoutedOrder(), released, [earlier], {
        reason: 'again',
        lines: [{ lineId: '1', quantity: 1 }],
      }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details?.errors).toEqual([
      { path: 'lines/0/quantity', message: 'exceeds the 0 unit(s) not canceled yet' },
    ]);
    expect(planCancellation(aRoutedOrder(), released, [earlier], { reason: 'rest' }).wholeOrder).toBe(true);
  });

  it('records released units no cancellation holds when an interrupted one is sent again', () => {
    const interrupted = aRoutedOrder({ status: 'CANCELED', canceledBy: 'C-1' } as never);
    const released = split('CREATED').map((fo) => ({
      ...fo,
      status: 'CANCELED' as const,
      lines: fo.lines.map((line) => ({ ...line, released: line.quantity })),
    }));

    expect(planCancellation(interrupted, released, [], { reason: 'fraud' })).toMatchObject({
      unrouted: [TEES, MUG],
      release: [],
      wholeOrder: true,
    });
  });

  it('refuses a canceled order, and lines the order does not have', () => {
    expect(() => planCancellation(aRoutedOrder({ status: 'CANCELED' }), [], [], { reason: 'x' })).toThrow(
      ConflictError,
    );
    expect(() =>
      planCancellation(aRoutedOrder(), split('CREATED'), [], {
        reason: 'x',
        lines: [{ lineId: '9', quantity: 1 }],
      }),
    ).toThrow(ValidationError);
  });
});

describe('linesStillWanted', () => {
  it('takes the canceled units off the lines the router places, dropping lines canceled whole', () => {
    const order = aRoutedOrder({ status: 'RECEIVED' });
    const canceled = canceledTotals([{ canceled: [{ ...TEES, quantity: 1 }] }], [MUG]);

    expect(linesStillWanted(order)).toBeUndefined();
    expect(linesStillWanted({ ...order, canceledUnits: canceled } as never)).toEqual([
      { ...TEES, quantity: 1 },
    ]);
  });
});

describe('acceptedCancellation', () => {
  const BY = { type: 'user', sub: 'rui', role: 'store' } as const;
  const requested = (lines?: { lineId: string; quantity: number }[]) =>
    aFulfillmentOrderIn('PICKED', [TEES], {
      fulfillmentOrderId: 'FO-TEE',
      locationId: 'STORE-A',
      cancelRequest: { reason: 'customer', ...(lines && { lines }), requestedAt: NOW },
    });
  const released = (fo: ReturnType<typeof requested>, units: number) => ({
    ...fo,
    lines: fo.lines.map((line) => ({ ...line, released: units })),
  });
  const args = (before: ReturnType<typeof requested>, units: number) => ({
    order: aRoutedOrder({ status: 'IN_FULFILLMENT' as never }),
    before,
    after: released(before, units),
    cancellations: [] as Cancellation[],
    refunds: [] as StoredRefund[],
    ids: { cancellationId: 'C-2', refundId: 'R-2' },
    now: NOW,
    by: BY,
  });

  it('records the released units as a cancellation answering the request, refunded exactly', () => {
    const answer = acceptedCancellation(args(requested([{ lineId: '1', quantity: 1 }]), 1))!;

    expect(answer.cancellation).toMatchObject({
      cancellationId: 'C-2',
      reason: 'customer',
      canceled: [{ ...TEES, quantity: 1 }],
      requested: [],
      wholeOrder: false,
      accepted: { fulfillmentOrderId: 'FO-TEE', locationId: 'STORE-A', requestedAt: NOW },
      refundId: 'R-2',
      orderVersion: 3,
      by: BY,
    });
    // One T-shirt: 19.99 and half of the line's 4.60 tax; no shipping, the order goes on.
    expect(answer.refund).toMatchObject({
      cause: 'cancellation',
      sourceId: 'C-2',
      total: 2229,
      shipping: { total: 0 },
      lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 1, price: 1999, tax: 230 }],
    });
    expect(answer.canceledUnits).toEqual([{ ...TEES, quantity: 1 }]);
  });

  it('cancels the whole order, shipping included, when the accepted units were the last ones', () => {
    const input = args(requested(), 2);
    const earlier = { canceled: [MUG], refundId: 'R-1' } as Cancellation;

    const order = { ...input.order, shippingPrice: 499, shippingTax: 0 };

    const answer = acceptedCancellation({ ...input, order, cancellations: [earlier] })!;

    expect(answer.cancellation.wholeOrder).toBe(true);
    expect(answer.canceledUnits).toEqual([MUG, TEES]);
    expect(answer.refund).toMatchObject({
      shipping: { price: 499, tax: 0, total: 499 },
      lines: [{ lineId: '1', quantity: 2, total: 2 * 1999 + 460 }],
      total: 2 * 1999 + 460 + 499,
    });
  });

  it('records nothing for an order none of whose units were released', () => {
    expect(acceptedCancellation(args(requested(), 0))).toBeUndefined();
  });
});
