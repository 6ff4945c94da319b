import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  UnprocessableError,
  ValidationError,
} from '../../../functions/domain/errors.js';
import { authorizeReturn, receiveReturn } from '../../../functions/domain/service/returns.js';
import type { CreateReturnBody } from '../../../functions/domain/service/records.js';
import { NOW, aFulfillmentOrderIn, aRoutedOrder } from './factories.js';

const AGENT = { type: 'user', sub: 'carla', role: 'customer_service' } as const;
const delivered = aFulfillmentOrderIn('DELIVERED', [
  { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2, shipped: 2 },
  { lineId: '2', sku: 'MUG-WHITE', quantity: 1, shipped: 1 },
]);
const context = {
  returnId: 'RET-1',
  now: '2026-12-01T10:00:00.000Z',
  by: AGENT,
  returnWindowDays: 30,
  mayOverrideWindow: true,
};
const aReturn = (overrides: Partial<CreateReturnBody> = {}): CreateReturnBody => ({
  orderId: aRoutedOrder().orderId,
  lines: [{ lineId: '1', quantity: 1, reason: 'too small' }],
  ...overrides,
});
const thrown = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return error as Error & { issues?: unknown; details?: Record<string, unknown> };
  }
  throw new Error('did not throw');
};

describe('authorizeReturn', () => {
  it('authorizes delivered units, whatever channel sold them', () => {
    const authorization = authorizeReturn(aRoutedOrder(), [delivered], [], aReturn(), context);

    expect(authorization).toMatchObject({
      returnId: 'RET-1',
      channelId: 'web',
      status: 'AUTHORIZED',
      lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 1, reason: 'too small', received: 0 }],
      initiatedAt: NOW,
      by: AGENT,
    });
  });

  it('refuses more units than were delivered minus those already on returns, naming the line (409)', () => {
    const first = authorizeReturn(aRoutedOrder(), [delivered], [], aReturn(), context);
    const error = thrown(() =>
      authorizeReturn(
        aRoutedOrder(),
        [delivered],
        [first],
        aReturn({ lines: [{ lineId: '1', quantity: 2, reason: 'x' }] }),
        context,
      ),
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect(error.details?.errors).toEqual([
      {
        path: 'lines/0/quantity',
        message: 'exceeds the 1 unit(s) delivered or picked up and not returned yet',
      },
    ]);
  });

  it('refuses units that are on their way but not delivered, and lines the order does not have', () => {
    const onTheWay = aFulfillmentOrderIn('SHIPPED', [
      { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2, shipped: 2 },
    ]);
    expect(() => authorizeReturn(aRoutedOrder(), [onTheWay], [], aReturn(), context)).toThrow(ConflictError);
    const unknown = thrown(() =>
      authorizeReturn(
        aRoutedOrder(),
        [delivered],
        [],
        aReturn({ lines: [{ lineId: '9', quantity: 1, reason: 'x' }] }),
        context,
      ),
    );
    expect(unknown).toBeInstanceOf(ValidationError);
  });

  it("refuses a return past the channel's window with a 422 saying when it closed", () => {
    const error = thrown(() =>
      authorizeReturn(aRoutedOrder(), [delivered], [], aReturn(), { ...context, returnWindowDays: 5 }),
    );

    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error.details).toEqual({
      returnWindowDays: 5,
      windowClosedAt: '2026-11-29T10:00:00.000Z',
      initiatedAt: NOW,
    });
  });

  it('takes a late return when customer service overrides, and a customer who asked in time', () => {
    const late = { ...context, returnWindowDays: 5 };
    expect(
      authorizeReturn(
        aRoutedOrder(),
        [delivered],
        [],
        aReturn({ override: { reason: 'loyal customer' } }),
        late,
      ),
    ).toMatchObject({ override: { reason: 'loyal customer' } });
    expect(
      authorizeReturn(
        aRoutedOrder(),
        [delivered],
        [],
        aReturn({ initiatedAt: '2026-11-28T12:00:00+01:00' }),
        late,
      ),
    ).toMatchObject({ initiatedAt: '2026-11-28T11:00:00.000Z' });
  });

  it('lets only customer service and admins override (403 for anyone else)', () => {
    expect(() =>
      authorizeReturn(aRoutedOrder(), [delivered], [], aReturn({ override: { reason: 'why not' } }), {
        ...context,
        mayOverrideWindow: false,
      }),
    ).toThrow(ForbiddenError);
  });

  it('counts units collected at a store as returnable', () => {
    const collected = {
      ...aFulfillmentOrderIn('PICKED_UP', [{ lineId: '2', sku: 'MUG-WHITE', quantity: 1, shipped: 1 }], {
        kind: 'pickup' as const,
        pickedUpAt: '2026-11-25T10:00:00.000Z',
      }),
      shipments: [],
    };
    expect(
      authorizeReturn(
        aRoutedOrder(),
        [collected],
        [],
        aReturn({ lines: [{ lineId: '2', quantity: 1, reason: 'chipped' }] }),
        context,
      ),
    ).toMatchObject({ lines: [{ lineId: '2', quantity: 1 }] });
  });
});

describe('receiveReturn', () => {
  const authorized = authorizeReturn(
    aRoutedOrder(),
    [delivered],
    [],
    aReturn({ lines: [{ lineId: '1', quantity: 2, reason: 'too small' }] }),
    context,
  );

  it('restocks resellable units with a movement id of their own and writes damaged ones off', () => {
    const { authorization, receipt } = receiveReturn(
      authorized,
      { locationId: 'STORE-PORTO', lines: [{ lineId: '1', quantity: 1, condition: 'resellable' }] },
      { receiptId: 'R1', now: NOW, by: AGENT },
    );
    expect(receipt.lines).toEqual([
      {
        lineId: '1',
        sku: 'TSHIRT-BLUE-M',
        quantity: 1,
        condition: 'resellable',
        movementId: 'return:RET-1:R1:1',
      },
    ]);
    expect(authorization).toMatchObject({
      status: 'PARTIALLY_RECEIVED',
      version: 2,
      lines: [{ received: 1 }],
    });

    const rest = receiveReturn(
      authorization,
      { locationId: 'STORE-PORTO', lines: [{ lineId: '1', quantity: 1, condition: 'damaged' }] },
      { receiptId: 'R2', now: NOW, by: AGENT },
    );
    expect(rest.receipt.lines[0]).not.toHaveProperty('movementId');
    expect(rest.authorization.status).toBe('RECEIVED');
  });

  it('refuses more units than the return still expects (409) and lines it does not have (400)', () => {
    expect(() =>
      receiveReturn(
        authorized,
        { locationId: 'STORE-PORTO', lines: [{ lineId: '1', quantity: 3, condition: 'resellable' }] },
        { receiptId: 'R1', now: NOW, by: AGENT },
      ),
    ).toThrow(ConflictError);
    expect(() =>
      receiveReturn(
        authorized,
        { locationId: 'STORE-PORTO', lines: [{ lineId: '2', quantity: 1, condition: 'resellable' }] },
        { receiptId: 'R1', now: NOW, by: AGENT },
      ),
    ).toThrow(ValidationError);
  });
});
