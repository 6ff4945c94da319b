import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../functions/domain/errors.js';
import { canceledUnits, planCancellation } from '../../../functions/domain/service/cancel.js';
import type { Cancellation } from '../../../functions/domain/service/records.js';
import { aFulfillmentOrderIn, aRoutedOrder } from './factories.js';

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

  it('cancels what the router has not placed of an order it routes whole, only all together', () => {
    const received = aRoutedOrder({ status: 'RECEIVED' });
    expect(planCancellation(received, [], [], { reason: 'duplicate' })).toMatchObject({
      unrouted: [TEES, MUG],
      wholeOrder: true,
    });
    expect(() =>
      planCancellation(received, [], [], { reason: 'duplicate', lines: [{ lineId: '1', quantity: 1 }] }),
    ).toThrow(ConflictError);
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
