import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deliverChannelUpdate,
  type DeliverUpdateDeps,
} from '../../../functions/channels/updates/deliver-update.js';
import { parseChannelUpdate, type ChannelUpdate } from '../../../functions/channels/updates/events.js';
import { capTransactions } from '../../../functions/channels/updates/shopify.js';
import {
  aShopifyOrder,
  startFakeShopifyAdmin,
  type FakeShopifyAdmin,
} from '../../helpers/fake-shopify-admin.js';
import {
  aRefundRecorded,
  aShipmentCreated,
  anEnvelope,
  anOrderCanceled,
  anOrderReadyForPickup,
  anUpdatesChannel,
  instantSleep,
} from './updates-factories.js';

/** Shipments, pick-ups, cancellations and refunds told to a Shopify store, against its fake Admin API. */
let fake: FakeShopifyAdmin;
let deps: DeliverUpdateDeps;

beforeEach(async () => {
  fake = await startFakeShopifyAdmin();
  deps = {
    getChannel: async (channelId) =>
      channelId === 'shopify' ? anUpdatesChannel('shopify', fake.baseUrl) : undefined,
    resolveSecret: async (name) => (name === 'oms/channels/shopify-api' ? fake.token : undefined),
    isFullyShipped: async () => false,
    locationName: async () => undefined,
    now: Date.now,
    budgetMs: 5_000,
    http: { sleep: instantSleep().sleep, timeoutMs: 500 },
  };
});
afterEach(() => fake.close());

function update(detailType: string, detail: unknown): ChannelUpdate {
  const parsed = parseChannelUpdate(JSON.stringify(anEnvelope(detailType, detail)));
  if ('invalid' in parsed) throw new Error(parsed.invalid);
  return parsed.update;
}

const tee = { id: '466157049', price: '11.99', quantity: 2 };
const mug = { id: '518995019', price: '8.50', quantity: 1 };

describe('a shipment on Shopify', () => {
  it('becomes a fulfillment with the tracking, on the fulfillment order line items of the shipped lines', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee, mug]));

    const outcome = await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    expect(outcome.outcome).toBe('sent');
    const [fulfillment] = fake.writes();
    expect(fulfillment!.body).toEqual({
      fulfillment: {
        line_items_by_fulfillment_order: [
          {
            fulfillment_order_id: 4507894691,
            fulfillment_order_line_items: [{ id: 45078946910, quantity: 2 }],
          },
        ],
        tracking_info: {
          company: 'UPS',
          number: '1Z999AA10123456784',
          url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        },
        notify_customer: true,
      },
    });
    // The mug has not shipped: the fulfillment order stays in progress on Shopify.
    expect(fake.order('450789469')!.fulfillmentOrders[0]!.status).toBe('in_progress');
  });

  it('keeps Shopify ids beyond 2^53 exact, from the answers it reads to the fulfillment it posts', async () => {
    fake.addOrder(
      aShopifyOrder('820982911946154508', [{ id: '866550311766439020', price: '24.00', quantity: 1 }]),
    );
    const shipment = aShipmentCreated({ externalId: '820982911946154508' });
    shipment.shipment.lines = [{ lineId: '866550311766439020', sku: 'TEE-M', quantity: 1 }];

    const outcome = await deliverChannelUpdate(deps, update('ShipmentCreated', shipment));

    expect(outcome.outcome).toBe('sent');
    expect(fake.writes()[0]!.body).toMatchObject({
      fulfillment: {
        line_items_by_fulfillment_order: [
          {
            fulfillment_order_id: '8209829119461545081',
            fulfillment_order_line_items: [{ id: '82098291194615450810', quantity: 1 }],
          },
        ],
      },
    });
  });

  it('is not fulfilled twice when the tracking number is already on a fulfillment', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee]));
    await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    const again = await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    expect(again.outcome).toBe('already_done');
    expect(fake.writes()).toHaveLength(1);
  });

  it('spreads a shipment over the fulfillment orders that still hold its units, one fulfillment per Shopify location', async () => {
    const order = aShopifyOrder('450789469', [{ ...tee, quantity: 3 }]);
    order.fulfillmentOrders[0]!.lineItems[0]!.fulfillableQuantity = 1;
    order.fulfillmentOrders.push({
      id: '4507894692',
      status: 'open',
      assignedLocationId: '24826418',
      methodType: 'shipping',
      lineItems: [{ id: '45078946920', lineItemId: tee.id, quantity: 2, fulfillableQuantity: 2 }],
    });
    fake.addOrder(order);

    const shipment = aShipmentCreated();
    shipment.shipment.lines = [{ lineId: tee.id, sku: 'TEE-M', quantity: 3 }];
    await deliverChannelUpdate(deps, update('ShipmentCreated', shipment));

    expect(fake.writes().map((write) => write.body)).toEqual([
      expect.objectContaining({
        fulfillment: expect.objectContaining({
          line_items_by_fulfillment_order: [
            {
              fulfillment_order_id: 4507894691,
              fulfillment_order_line_items: [{ id: 45078946910, quantity: 1 }],
            },
          ],
        }),
      }),
      expect.objectContaining({
        fulfillment: expect.objectContaining({
          line_items_by_fulfillment_order: [
            {
              fulfillment_order_id: 4507894692,
              fulfillment_order_line_items: [{ id: 45078946920, quantity: 2 }],
            },
          ],
        }),
      }),
    ]);
  });

  it('is skipped, not failed, when Shopify has nothing left to fulfill for its lines', async () => {
    const order = fake.addOrder(aShopifyOrder('450789469', [tee]));
    order.fulfillmentOrders[0]!.status = 'closed';

    const outcome = await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    expect(outcome).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringContaining('nothing left to fulfill'),
    });
    expect(fake.writes()).toEqual([]);
  });
});

describe('a pick-up on Shopify', () => {
  it('marks the local pick-up fulfillment order ready, through GraphQL, so Shopify notifies the customer', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee], { methodType: 'pick_up' }));

    const outcome = await deliverChannelUpdate(deps, update('OrderReadyForPickup', anOrderReadyForPickup()));

    expect(outcome.outcome).toBe('sent');
    expect(fake.writes()[0]).toMatchObject({
      path: '/admin/api/2025-07/graphql.json',
      body: {
        query: expect.stringContaining('fulfillmentOrderLineItemsPreparedForPickup'),
        variables: {
          input: {
            lineItemsByFulfillmentOrder: [
              { fulfillmentOrderId: 'gid://shopify/FulfillmentOrder/4507894691' },
            ],
          },
        },
      },
    });
    expect(fake.order('450789469')!.fulfillmentOrders[0]!.preparedForPickup).toBe(true);
  });

  it('is skipped when the Shopify order has no pick-up fulfillment order', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee]));

    const outcome = await deliverChannelUpdate(deps, update('OrderReadyForPickup', anOrderReadyForPickup()));

    expect(outcome.outcome).toBe('skipped');
    expect(fake.writes()).toEqual([]);
  });
});

describe('a cancellation on Shopify', () => {
  it('cancels the whole order, emailing the customer, without a refund or a restock', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee]));

    await deliverChannelUpdate(
      deps,
      update('OrderCanceled', anOrderCanceled({ reason: 'Customer changed their mind' })),
    );

    expect(fake.writes()[0]).toMatchObject({
      path: '/admin/api/2025-07/orders/450789469/cancel.json',
      body: { reason: 'other', email: true, restock: false },
    });
  });

  it('does nothing to an order Shopify already canceled, whichever event announced it', async () => {
    fake.addOrder({ ...aShopifyOrder('450789469', [tee]), cancelledAt: '2026-12-01T09:00:00Z' });
    const statusEvent = {
      version: '1',
      eventId: 'ORD1:v4',
      orderId: 'ORD1',
      channelId: 'shopify',
      externalId: '450789469',
      status: 'CANCELED',
      previousStatus: 'RECEIVED',
      orderVersion: 4,
      changedAt: '2026-12-01T09:00:00Z',
    };

    const outcome = await deliverChannelUpdate(deps, update('OrderCanceled', statusEvent));

    expect(outcome.outcome).toBe('already_done');
    expect(fake.writes()).toEqual([]);
  });

  it('leaves canceled lines to the refund that records them', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee]));

    const outcome = await deliverChannelUpdate(deps, update('OrderLinesCanceled', anOrderCanceled()));

    expect(outcome.outcome).toBe('skipped');
    expect(fake.requests).toEqual([]);
  });
});

describe('a refund on Shopify', () => {
  it('refunds the lines on the transactions Shopify calculates, marked with the OMS refund id', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee]));

    const outcome = await deliverChannelUpdate(deps, update('RefundRecorded', aRefundRecorded()));

    expect(outcome.outcome).toBe('sent');
    const [calculate, refund] = fake.writes();
    expect(calculate!.path).toBe('/admin/api/2025-07/orders/450789469/refunds/calculate.json');
    expect(refund!.body).toEqual({
      refund: {
        currency: 'EUR',
        note: 'OMS refund RF1 (return)',
        notify: true,
        refund_line_items: [{ line_item_id: 466157049, quantity: 2, restock_type: 'no_restock' }],
        transactions: [{ parent_id: 801038806, amount: '23.98', kind: 'refund', gateway: 'bogus' }],
      },
    });
  });

  it('never refunds more than the OMS recorded, and cancels the lines of a cancellation', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee]));
    const recorded = aRefundRecorded({ cause: 'cancellation', total: 2000, shipping: 0 });

    await deliverChannelUpdate(deps, update('RefundRecorded', recorded));

    const refund = fake.writes()[1]!.body as {
      refund: { transactions: { amount: string }[]; refund_line_items: { restock_type: string }[] };
    };
    expect(refund.refund.transactions[0]!.amount).toBe('20.00');
    expect(refund.refund.refund_line_items[0]!.restock_type).toBe('cancel');
  });

  it('is not refunded twice: the OMS refund id is found on the order’s refunds', async () => {
    fake.addOrder(aShopifyOrder('450789469', [tee]));
    await deliverChannelUpdate(deps, update('RefundRecorded', aRefundRecorded()));

    const again = await deliverChannelUpdate(
      deps,
      update('RefundRecorded', aRefundRecorded({ eventId: 'RF1:again' })),
    );

    expect(again.outcome).toBe('already_done');
    expect(fake.order('450789469')!.refunds).toHaveLength(1);
  });

  it('caps the suggested transactions at the OMS total, in Shopify’s order, in the currency’s decimals', () => {
    const suggested = [
      { parent_id: '1', amount: '10.00', gateway: 'gift_card' },
      { parent_id: '2', amount: '30.00', gateway: 'shopify_payments' },
    ];

    expect(capTransactions(suggested, 2500, 'EUR')).toEqual([
      { parentId: '1', amount: '10.00', gateway: 'gift_card' },
      { parentId: '2', amount: '15.00', gateway: 'shopify_payments' },
    ]);
    expect(capTransactions([{ parent_id: '1', amount: '1500', gateway: 'x' }], 1200, 'JPY')).toEqual([
      { parentId: '1', amount: '1200', gateway: 'x' },
    ]);
  });
});

describe('which channels are told', () => {
  it('skips a channel without API credentials, an inactive one, an unknown one and one without updates yet', async () => {
    const cases: [string, DeliverUpdateDeps['getChannel']][] = [
      ['no API credentials', async () => anUpdatesChannel('shopify', fake.baseUrl, { api: undefined })],
      ['inactive', async () => anUpdatesChannel('shopify', fake.baseUrl, { active: false })],
      ['No channel', async () => undefined],
      [
        'no channel updates yet',
        async () => ({ ...anUpdatesChannel('shopify', fake.baseUrl), format: 'magento' as const }),
      ],
    ];
    for (const [reason, getChannel] of cases) {
      const outcome = await deliverChannelUpdate(
        { ...deps, getChannel },
        update('ShipmentCreated', aShipmentCreated()),
      );
      expect(outcome, reason).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining(reason) });
    }
    const withoutSecret = await deliverChannelUpdate(
      { ...deps, resolveSecret: async () => undefined },
      update('ShipmentCreated', aShipmentCreated()),
    );
    expect(withoutSecret.outcome).toBe('skipped');
    expect(fake.requests).toEqual([]);
  });
});
