import { describe, expect, it } from 'vitest';
import { applyFulfillmentAction } from '../../../functions/domain/fulfillment/machine.js';
import type { FulfillmentState, FulfillmentOrderState } from '../../../functions/domain/fulfillment/model.js';
import { deriveOrderStatus } from '../../../functions/domain/fulfillment/order-status.js';
import type { FulfillmentOrderKind } from '../../../functions/domain/routing/model.js';
import { aContext, aFulfillmentOrder } from './factories.js';

/** A fulfillment order in a given state, with the counts that state implies for its one line. */
function fo(
  kind: FulfillmentOrderKind,
  status: FulfillmentState,
  extra: Partial<FulfillmentOrderState> = {},
) {
  const gone = ['SHIPPED', 'IN_TRANSIT', 'DELIVERED', 'PICKED_UP'].includes(status) ? 1 : 0;
  const base = aFulfillmentOrder({ kind, lines: [{ lineId: '1', sku: 'SKU', quantity: 1 }] });
  return {
    ...base,
    status,
    lines: [{ ...base.lines[0]!, picked: gone, packed: gone, shipped: gone }],
    ...extra,
  };
}

describe('deriveOrderStatus', () => {
  it('leaves the router status while no location has started', () => {
    expect(deriveOrderStatus({ routerStatus: 'ROUTED', fulfillmentOrders: [fo('ship', 'CREATED')] })).toBe(
      'ROUTED',
    );
    expect(deriveOrderStatus({ routerStatus: 'BACKORDERED', fulfillmentOrders: [] })).toBe('BACKORDERED');
  });

  it('is IN_FULFILLMENT once a location accepts', () => {
    const status = deriveOrderStatus({
      routerStatus: 'ROUTED',
      fulfillmentOrders: [fo('ship', 'ACCEPTED'), fo('ship', 'CREATED')],
    });

    expect(status).toBe('IN_FULFILLMENT');
  });

  it('shows a split order PARTIALLY_SHIPPED, then SHIPPED, then DELIVERED', () => {
    const status = (a: FulfillmentState, b: FulfillmentState) =>
      deriveOrderStatus({ routerStatus: 'ROUTED', fulfillmentOrders: [fo('ship', a), fo('ship', b)] });

    expect(status('SHIPPED', 'PACKED')).toBe('PARTIALLY_SHIPPED');
    expect(status('SHIPPED', 'IN_TRANSIT')).toBe('SHIPPED');
    expect(status('DELIVERED', 'IN_TRANSIT')).toBe('SHIPPED');
    expect(status('DELIVERED', 'DELIVERED')).toBe('DELIVERED');
  });

  it('is READY_FOR_PICKUP when the store has everything, and not while a transfer travels', () => {
    const ready = fo('pickup', 'READY_FOR_PICKUP');

    expect(deriveOrderStatus({ routerStatus: 'ROUTED', fulfillmentOrders: [ready] })).toBe(
      'READY_FOR_PICKUP',
    );
    expect(
      deriveOrderStatus({ routerStatus: 'ROUTED', fulfillmentOrders: [ready, fo('transfer', 'SHIPPED')] }),
    ).toBe('IN_FULFILLMENT');
  });

  it('does not call a store pick-up shipped: half collected, half not started is IN_FULFILLMENT', () => {
    // The property test's counterexample: accept → pick → ready-for-pickup → picked-up on one
    // fulfillment order while the order's parcel has not left. The code 135790 is what
    // aContext's scripted random source issues.
    const context = aContext();
    const collected = [
      ['accept', {}],
      ['pick', { lines: [{ lineId: '1', quantity: 1 }] }],
      ['ready-for-pickup', {}],
      ['picked-up', { pickupCode: '135790' }],
    ].reduce(
      (current, [action, body]) =>
        applyFulfillmentAction(current, action as string, body, context).fulfillmentOrder,
      fo('pickup', 'CREATED'),
    );
    const status = (parcel: FulfillmentOrderState, routerStatus: 'ROUTED' | 'PARTIALLY_ROUTED' = 'ROUTED') =>
      deriveOrderStatus({ routerStatus, fulfillmentOrders: [collected, parcel] });

    expect(collected.status).toBe('PICKED_UP');
    expect(status(fo('ship', 'CREATED'))).toBe('IN_FULFILLMENT');
    expect(status(fo('ship', 'PACKED'))).toBe('IN_FULFILLMENT');
    expect(status(fo('ship', 'CREATED'), 'PARTIALLY_ROUTED')).toBe('IN_FULFILLMENT');
    expect(status(fo('ship', 'SHIPPED'))).toBe('SHIPPED');
    expect(status(fo('ship', 'DELIVERED'))).toBe('DELIVERED');
  });

  it('says PARTIALLY_SHIPPED when lines still wait for stock but something left', () => {
    const status = deriveOrderStatus({
      routerStatus: 'PARTIALLY_ROUTED',
      fulfillmentOrders: [fo('ship', 'SHIPPED')],
    });

    expect(status).toBe('PARTIALLY_SHIPPED');
  });

  it('ignores rejected work (its units are being re-routed) and canceled work', () => {
    const status = deriveOrderStatus({
      routerStatus: 'ROUTED',
      fulfillmentOrders: [fo('ship', 'REJECTED'), fo('ship', 'CANCELED'), fo('ship', 'SHIPPED')],
    });

    expect(status).toBe('SHIPPED');
  });

  it('is CANCELED when every fulfillment order was canceled', () => {
    expect(
      deriveOrderStatus({
        routerStatus: 'ROUTED',
        fulfillmentOrders: [fo('ship', 'CANCELED'), fo('pickup', 'CANCELED')],
      }),
    ).toBe('CANCELED');
  });

  it('is COMPLETED once the return window after the last hand-over has closed', () => {
    const collected = fo('pickup', 'PICKED_UP', { pickedUpAt: '2026-12-01T12:00:00Z' });
    const at = (now: string) =>
      deriveOrderStatus({
        routerStatus: 'ROUTED',
        fulfillmentOrders: [collected],
        returnWindow: { days: 30, now },
      });

    expect(at('2026-12-31T11:59:59Z')).toBe('DELIVERED');
    expect(at('2026-12-31T12:00:00Z')).toBe('COMPLETED');
  });
});
