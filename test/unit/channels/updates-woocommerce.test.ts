import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deliverChannelUpdate,
  type DeliverUpdateDeps,
} from '../../../functions/channels/updates/deliver-update.js';
import { parseChannelUpdate, type ChannelUpdate } from '../../../functions/channels/updates/events.js';
import { isFullyShipped } from '../../../functions/channels/updates/fully-shipped.js';
import {
  aWooCommerceOrder,
  startFakeWooCommerceApi,
  type FakeWooCommerceApi,
} from '../../helpers/fake-woocommerce-api.js';
import {
  aRefundRecorded,
  aShipmentCreated,
  anEnvelope,
  anOrderCanceled,
  anOrderReadyForPickup,
  anUpdatesChannel,
  instantSleep,
} from './updates-factories.js';

/** Shipments, pick-ups, cancellations and refunds told to a WooCommerce store, against its fake REST API. */
let fake: FakeWooCommerceApi;
let deps: DeliverUpdateDeps;
let fullyShipped: boolean;

beforeEach(async () => {
  fake = await startFakeWooCommerceApi();
  fake.addOrder(aWooCommerceOrder('727'));
  fullyShipped = false;
  deps = {
    getChannel: async () => anUpdatesChannel('woocommerce', fake.baseUrl),
    resolveSecret: async () => fake.credentials,
    isFullyShipped: async () => fullyShipped,
    locationName: async (locationId) => (locationId === 'store-lisbon' ? 'Lisbon Chiado' : undefined),
    now: Date.now,
    budgetMs: 5_000,
    http: { sleep: instantSleep().sleep, timeoutMs: 500 },
  };
});
afterEach(() => fake.close());

const onWoo = { channelId: 'woocommerce', externalId: '727' };

function update(detailType: string, detail: Record<string, unknown>): ChannelUpdate {
  const parsed = parseChannelUpdate(JSON.stringify(anEnvelope(detailType, { ...detail, ...onWoo })));
  if ('invalid' in parsed) throw new Error(parsed.invalid);
  return parsed.update;
}

describe('a shipment on WooCommerce', () => {
  it('tells the customer carrier, tracking number and link in a customer note, and completes a fully shipped order', async () => {
    fullyShipped = true;

    const outcome = await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    expect(outcome.outcome).toBe('sent');
    expect(fake.order('727')).toMatchObject({
      status: 'completed',
      notes: [
        {
          customerNote: true,
          note: 'Shipped with UPS (Ground), tracking number 1Z999AA10123456784. Track it at https://www.ups.com/track?tracknum=1Z999AA10123456784',
        },
      ],
    });
  });

  it('keeps a partly shipped order processing', async () => {
    await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    expect(fake.order('727')!.status).toBe('processing');
    expect(fake.writes().map((write) => write.method)).toEqual(['POST']);
  });

  it('writes the note once when the shipment is told twice', async () => {
    await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    const again = await deliverChannelUpdate(deps, update('ShipmentCreated', aShipmentCreated()));

    expect(again.outcome).toBe('already_done');
    expect(fake.order('727')!.notes).toHaveLength(1);
  });
});

describe('other updates on WooCommerce', () => {
  it('gives the customer the pick-up code in a customer note, once', async () => {
    await deliverChannelUpdate(deps, update('OrderReadyForPickup', anOrderReadyForPickup()));
    const again = await deliverChannelUpdate(deps, update('OrderReadyForPickup', anOrderReadyForPickup()));

    expect(again.outcome).toBe('already_done');
    expect(fake.order('727')!.notes).toEqual([
      {
        id: expect.any(String),
        customerNote: true,
        note: 'Your order is ready for pick-up at Lisbon Chiado. Show the code K7Q2-9F at the store to collect it.',
      },
    ]);
  });

  it('cancels the order, and leaves an already cancelled one alone', async () => {
    await deliverChannelUpdate(deps, update('OrderCanceled', anOrderCanceled()));
    const again = await deliverChannelUpdate(
      deps,
      update('OrderCanceled', anOrderCanceled({ eventId: 'other' })),
    );

    expect(fake.order('727')!.status).toBe('cancelled');
    expect(again.outcome).toBe('already_done');
    expect(fake.writes()).toHaveLength(1);
  });

  it('tells the customer which lines were canceled', async () => {
    await deliverChannelUpdate(
      deps,
      update('OrderLinesCanceled', anOrderCanceled({ reason: 'out of stock' })),
    );

    expect(fake.order('727')!.notes[0]!.note).toBe(
      'Canceled from your order: 2 × TEE-M. Reason: out of stock.',
    );
  });

  it('records the refund with its lines and no gateway refund, once', async () => {
    const recorded = aRefundRecorded({ total: 2898, shipping: 500 });

    await deliverChannelUpdate(deps, update('RefundRecorded', recorded));
    const again = await deliverChannelUpdate(
      deps,
      update('RefundRecorded', { ...recorded, eventId: 'again' }),
    );

    expect(again.outcome).toBe('already_done');
    expect(fake.order('727')!.refunds.map((refund) => refund.body)).toEqual([
      {
        amount: '28.98',
        reason: 'OMS refund RF1 (return)',
        api_refund: false,
        api_restock: false,
        line_items: [{ id: '466157049', quantity: 2, refund_total: '23.98' }],
      },
    ]);
  });

  it('skips a store whose secret is not a consumer key and secret pair', async () => {
    const outcome = await deliverChannelUpdate(
      { ...deps, resolveSecret: async () => 'just-a-token' },
      update('OrderCanceled', anOrderCanceled()),
    );

    expect(outcome).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('consumer key') });
    expect(fake.requests).toEqual([]);
  });
});

describe('whether an order has shipped in full', () => {
  const shipment = aShipmentCreated() as Parameters<typeof isFullyShipped>[1];
  const lines = [{ lineId: '466157049', quantity: 2 }];

  it('is what the order status says once it is derived, or what this shipment covers', async () => {
    expect(
      await isFullyShipped(
        async () => ({ status: 'SHIPPED', lines: [...lines, { lineId: 'x', quantity: 1 }] }),
        shipment,
      ),
    ).toBe(true);
    expect(await isFullyShipped(async () => ({ status: 'ROUTED', lines }), shipment)).toBe(true);
    expect(
      await isFullyShipped(
        async () => ({ status: 'PARTIALLY_SHIPPED', lines: [{ lineId: '466157049', quantity: 3 }] }),
        shipment,
      ),
    ).toBe(false);
    expect(await isFullyShipped(async () => undefined, shipment)).toBe(false);
  });
});
