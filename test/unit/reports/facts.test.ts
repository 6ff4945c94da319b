import { describe, expect, it } from 'vitest';
import { factsOf, type FactContext } from '../../../functions/domain/reports/facts.js';
import type { StoredFulfillmentOrderLike } from '../../../functions/domain/reports/sources.js';
import type { Order } from '../../../functions/domain/order.js';
import type { ReturnAuthorization, StoredRefund } from '../../../functions/domain/service/records.js';
import { anOrder } from '../../helpers/records.js';

const context = (overrides: Partial<FactContext> = {}): FactContext => ({
  timeZone: 'Europe/Lisbon',
  locationType: (locationId) => (locationId.startsWith('STORE') ? 'store' : 'warehouse'),
  order: () => undefined,
  firstRouting: () => [],
  ...overrides,
});

const anOrderOfLines = (overrides: Partial<Order> = {}) =>
  anOrder(
    { orderId: 'O-1', channelId: 'web', receivedAt: '2026-07-01T22:30:00Z', ...overrides },
    {
      placedAt: '2026-07-01T23:30:00Z',
      currency: 'EUR',
      lines: [
        { lineId: '1', sku: 'MUG', quantity: 2, unitPrice: 1000, discount: 100, tax: 200 },
        { lineId: '2', sku: 'MUG', quantity: 1, unitPrice: 1000, discount: 0, tax: 100 },
        { lineId: '3', sku: 'TEA', quantity: 1, unitPrice: 500, discount: 0, tax: 50 },
      ],
      orderDiscount: 50,
      shippingTax: 10,
      totals: undefined,
    },
  );

const aFulfillmentOrder = (
  overrides: Partial<StoredFulfillmentOrderLike> = {},
): StoredFulfillmentOrderLike => ({
  fulfillmentOrderId: 'FO-1',
  orderId: 'O-1',
  locationId: 'STORE-A',
  kind: 'ship',
  status: 'PACKED',
  lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }],
  shipments: [],
  createdAt: '2026-07-02T09:00:00Z',
  updatedAt: '2026-07-02T09:30:00Z',
  distanceKm: 12.3456,
  dueBy: '2026-07-02T17:00:00Z',
  promisedBy: '2026-07-03',
  ...overrides,
});

const aShipment = (shipmentId: string, shippedAt: string) => ({
  shipmentId,
  carrier: 'CTT',
  trackingNumber: shipmentId,
  lines: [{ lineId: '1', quantity: 1 }],
  status: 'SHIPPED' as const,
  shippedAt,
});

describe('the facts of an order', () => {
  it('count a new order on its placed day in the reporting zone, per channel, location and SKU', () => {
    const [placed] = factsOf({ entityType: 'Order', current: anOrderOfLines() }, context());
    // 23:30 UTC is 00:30 the next day in Lisbon in summer.
    expect(placed).toMatchObject({ factId: 'order-placed:O-1', day: '2026-07-02' });
    const whole = { orders: 1, units: 4, revenue: 3500 - 100 - 50, discounts: 150, tax: 360 };
    expect(placed!.sales).toEqual([
      { dimension: 'channel', value: 'web', currency: 'EUR', measures: whole },
      { dimension: 'location', value: null, currency: 'EUR', measures: whole },
      {
        dimension: 'sku',
        value: 'MUG',
        currency: 'EUR',
        measures: { orders: 1, units: 3, revenue: 2900, discounts: 100, tax: 300 },
      },
      {
        dimension: 'sku',
        value: 'TEA',
        currency: 'EUR',
        measures: { orders: 1, units: 1, revenue: 500, discounts: 0, tax: 50 },
      },
    ]);
    expect(placed!.fulfillment).toEqual({ ordersPlaced: 1, unitsSold: 4 });
  });

  it('credit a click-and-collect order to its store', () => {
    const order = anOrderOfLines();
    const [placed] = factsOf(
      { entityType: 'Order', current: { ...order, fulfillment: { type: 'pickup', locationId: 'STORE-A' } } },
      context(),
    );
    expect(placed!.sales[1]).toMatchObject({ dimension: 'location', value: 'STORE-A' });
    expect(placed!.fulfillment).toMatchObject({ clickAndCollectOrders: 1 });
  });

  it('count the first routing decision once: fill, split, backorder and time to route', () => {
    const previous = anOrderOfLines({ status: 'RECEIVED' });
    const current = {
      ...previous,
      status: 'PARTIALLY_ROUTED' as const,
      routing: { decidedAt: '2026-07-01T22:30:40Z', unplaced: [{ lineId: '3', sku: 'TEA', quantity: 1 }] },
    };
    const facts = factsOf(
      { entityType: 'Order', previous, current: current as Order },
      context({
        firstRouting: () => [
          { locationId: 'STORE-A', kind: 'ship' },
          { locationId: 'WH-B', kind: 'ship' },
          { locationId: 'WH-B', kind: 'transfer' },
        ],
      }),
    );
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({
      factId: 'order-routed:O-1',
      fulfillment: { ordersRouted: 1, unitsOrdered: 4, unitsPlaced: 3, ordersSplit: 1, ordersBackordered: 1 },
      histograms: { timeToRoute: { 21: 1 } },
    });
    // A later change of the routed order is no second decision.
    expect(
      factsOf({ entityType: 'Order', previous: current as Order, current: current as Order }, context()),
    ).toEqual([]);
  });

  it('count a cancellation once, when the order becomes CANCELED', () => {
    const previous = anOrderOfLines({ status: 'ROUTED', updatedAt: '2026-07-03T10:00:00Z' });
    const current = { ...previous, status: 'CANCELED' as const };
    expect(factsOf({ entityType: 'Order', previous, current }, context())).toMatchObject([
      { factId: 'order-canceled:O-1', day: '2026-07-03', fulfillment: { ordersCanceled: 1 } },
    ]);
  });
});

describe('the facts of a fulfillment order', () => {
  it('count only the shipments the change added, each with its store, distance, due-by and time to ship', () => {
    const previous = aFulfillmentOrder({ shipments: [aShipment('S-1', '2026-07-02T10:00:00Z')] });
    const current = aFulfillmentOrder({
      status: 'SHIPPED',
      shipments: [aShipment('S-1', '2026-07-02T10:00:00Z'), aShipment('S-2', '2026-07-02T18:00:00Z')],
    });
    const facts = factsOf({ entityType: 'FulfillmentOrder', previous, current }, context());
    expect(facts.map((fact) => fact.factId)).toEqual(['shipment:S-2', 'order-shipped:O-1']);
    expect(facts[0]!.fulfillment).toEqual({
      shipments: 1,
      shipmentsFromStores: 1,
      shipmentsWithDueBy: 1,
      shipmentsWithDistance: 1,
      distanceMeters: 12_346,
    });
    // The same change seen again (a replayed record) has the same ids: the markers skip it.
    expect(factsOf({ entityType: 'FulfillmentOrder', previous, current }, context())).toEqual(facts);
  });

  it('credit an order of a merged shipment once per order it serves', () => {
    const current = aFulfillmentOrder({
      lines: [
        { lineId: '1', sku: 'MUG', quantity: 1, orderId: 'O-1' },
        { lineId: '1', sku: 'TEA', quantity: 1, orderId: 'O-2' },
      ],
      shipments: [aShipment('S-9', '2026-07-02T10:00:00Z')],
    });
    const ids = factsOf(
      { entityType: 'FulfillmentOrder', previous: aFulfillmentOrder(), current },
      context(),
    ).map((fact) => fact.factId);
    expect(ids).toEqual(['shipment:S-9', 'order-shipped:O-1', 'order-shipped:O-2']);
  });

  it("measures a transfer's parcel as no customer shipment", () => {
    const current = aFulfillmentOrder({
      kind: 'transfer',
      shipments: [aShipment('S-3', '2026-07-02T10:00:00Z')],
    });
    expect(
      factsOf({ entityType: 'FulfillmentOrder', previous: aFulfillmentOrder(), current }, context()),
    ).toEqual([]);
  });

  it('count a pick-up on or before the promised day as on time, and a later one as late', () => {
    const collected = (pickedUpAt: string) =>
      factsOf(
        {
          entityType: 'FulfillmentOrder',
          previous: aFulfillmentOrder({ kind: 'pickup', status: 'READY_FOR_PICKUP' }),
          current: aFulfillmentOrder({ kind: 'pickup', status: 'PICKED_UP', pickedUpAt }),
        },
        context(),
      )[0]!.fulfillment;
    expect(collected('2026-07-03T22:00:00Z')).toEqual({ completedWithPromise: 1, completedOnTime: 1 });
    // 23:30 UTC on the 3rd is the 4th in Lisbon.
    expect(collected('2026-07-03T23:30:00Z')).toEqual({ completedWithPromise: 1 });
  });

  it('count creation and rejection once each', () => {
    const created = factsOf(
      { entityType: 'FulfillmentOrder', current: aFulfillmentOrder({ status: 'CREATED' }) },
      context(),
    );
    expect(created.map((fact) => fact.factId)).toEqual(['fo-created:FO-1']);
    const rejected = factsOf(
      {
        entityType: 'FulfillmentOrder',
        previous: aFulfillmentOrder({ status: 'ACCEPTED' }),
        current: aFulfillmentOrder({ status: 'REJECTED' }),
      },
      context(),
    );
    expect(rejected.map((fact) => fact.factId)).toEqual(['fo-rejected:FO-1']);
  });
});

describe('the facts of refunds and returns', () => {
  const order = anOrderOfLines({ fulfillment: { type: 'pickup', locationId: 'STORE-A' } } as Partial<Order>);

  it('count a refund by its channel, the store of its order and its SKUs', () => {
    const refund = {
      refundId: 'R-1',
      orderId: 'O-1',
      channelId: 'web',
      currency: 'EUR',
      total: 1450,
      recordedAt: '2026-07-05T10:00:00Z',
      lines: [
        { lineId: '1', sku: 'MUG', quantity: 1, price: 1000, discount: 50, tax: 100, total: 1050 },
        { lineId: '3', sku: 'TEA', quantity: 1, price: 500, discount: 0, tax: 50, total: 400 },
      ],
    } as unknown as StoredRefund;
    const [fact] = factsOf({ entityType: 'Refund', current: refund }, context({ order: () => order }));
    expect(fact!.sales).toEqual([
      { dimension: 'channel', value: 'web', currency: 'EUR', measures: { refunds: 1450 } },
      { dimension: 'location', value: 'STORE-A', currency: 'EUR', measures: { refunds: 1450 } },
      { dimension: 'sku', value: 'MUG', currency: 'EUR', measures: { refunds: 1050 } },
      { dimension: 'sku', value: 'TEA', currency: 'EUR', measures: { refunds: 400 } },
    ]);
    // Refund records are written once: a change of one is not a second refund.
    expect(factsOf({ entityType: 'Refund', previous: refund, current: refund }, context())).toEqual([]);
  });

  it('count the units of each new receipt of a return', () => {
    const receipt = (receiptId: string, quantity: number) => ({
      receiptId,
      locationId: 'STORE-B',
      lines: [{ lineId: '1', sku: 'MUG', quantity, condition: 'resellable' as const }],
      receivedAt: '2026-07-06T10:00:00Z',
      by: { type: 'system' as const, component: 'test' },
    });
    const authorization = (receipts: ReturnType<typeof receipt>[]) =>
      ({ returnId: 'RA-1', orderId: 'O-1', channelId: 'web', receipts }) as unknown as ReturnAuthorization;
    const facts = factsOf(
      {
        entityType: 'Return',
        previous: authorization([receipt('RC-1', 1)]),
        current: authorization([receipt('RC-1', 1), receipt('RC-2', 2)]),
      },
      context({ order: () => order }),
    );
    expect(facts).toMatchObject([
      {
        factId: 'return-receipt:RA-1:RC-2',
        fulfillment: { unitsReturned: 2 },
        sales: [
          { dimension: 'channel', value: 'web', measures: { returns: 2 } },
          { dimension: 'location', value: 'STORE-A', measures: { returns: 2 } },
          { dimension: 'sku', value: 'MUG', measures: { returns: 2 } },
        ],
      },
    ]);
  });
});
