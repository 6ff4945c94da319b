import type { FulfillmentOrderState, FulfillmentState } from '../../../functions/domain/fulfillment/model.js';
import type { Order } from '../../../functions/domain/order.js';
import { anOrder } from '../../helpers/records.js';

export const ORDER_ID = '01JD0000000000000000000001';
export const NOW = '2026-12-01T10:00:00.000Z';

/** Two T-shirts (line 1) and a mug (line 2), shipped to Lisbon, routed. */
export function aRoutedOrder(overrides: Partial<Order> = {}): Order {
  return anOrder(
    { status: 'ROUTED', version: 2, ...overrides },
    {
      lines: [
        { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2, unitPrice: 1999, discount: 0, tax: 460 },
        { lineId: '2', sku: 'MUG-WHITE', quantity: 1, unitPrice: 1200, discount: 0, tax: 276 },
      ],
      totals: undefined,
    },
  );
}

/**
 * A fulfillment order of the order at a location, in a state, holding these units. `shipped`
 * units left the location; a DELIVERED one has a delivered shipment of them.
 */
export function aFulfillmentOrderIn(
  status: FulfillmentState,
  lines: { lineId: string; sku: string; quantity: number; shipped?: number }[],
  overrides: Partial<FulfillmentOrderState> = {},
): FulfillmentOrderState {
  const shippedLines = lines.filter((line) => (line.shipped ?? 0) > 0);
  return {
    fulfillmentOrderId: 'FO-1',
    orderId: ORDER_ID,
    locationId: 'STORE-LIS',
    kind: 'ship',
    status,
    lines: lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      picked: line.shipped ?? 0,
      packed: line.shipped ?? 0,
      shipped: line.shipped ?? 0,
      released: 0,
    })),
    packages: [],
    shipments:
      shippedLines.length === 0
        ? []
        : [
            {
              shipmentId: 'SH-1',
              carrier: 'CTT',
              trackingNumber: 'RR123',
              lines: shippedLines.map((line) => ({ lineId: line.lineId, quantity: line.shipped! })),
              status: status === 'DELIVERED' ? 'DELIVERED' : 'SHIPPED',
              shippedAt: '2026-11-23T10:00:00.000Z',
              ...(status === 'DELIVERED' && { deliveredAt: '2026-11-24T10:00:00.000Z' }),
            },
          ],
    version: 3,
    createdAt: '2026-11-22T10:01:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    ...overrides,
  };
}
