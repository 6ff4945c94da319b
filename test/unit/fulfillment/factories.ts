import type { FulfillmentContext } from '../../../functions/domain/fulfillment/machine.js';
import { startFulfillment, type FulfillmentOrderState } from '../../../functions/domain/fulfillment/model.js';
import type { FulfillmentOrder } from '../../../functions/domain/routing/routing-input.js';

export const NOW = '2026-12-01T10:00:00.000Z';

/** A fulfillment order as the router writes it, two lines at a Lisbon store, then started. */
export function aFulfillmentOrder(overrides: Partial<FulfillmentOrder> = {}): FulfillmentOrderState {
  return startFulfillment({
    fulfillmentOrderId: 'FO-1',
    orderId: 'ORD-1',
    locationId: 'store-lisbon',
    kind: 'ship',
    lines: [
      { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 },
      { lineId: '2', sku: 'MUG-WHITE', quantity: 1 },
    ],
    status: 'CREATED',
    createdAt: '2026-12-01T09:00:00.000Z',
    ...overrides,
  });
}

/** A context with a fixed clock, ids counting up and a scripted random source. */
export function aContext(overrides: Partial<FulfillmentContext> = {}): FulfillmentContext {
  let id = 0;
  let draw = 0;
  const draws = [0.12, 0.34, 0.56, 0.78, 0.9, 0.01];
  return {
    now: NOW,
    newId: () => `ID-${++id}`,
    random: () => draws[draw++ % draws.length]!,
    ...overrides,
  };
}
