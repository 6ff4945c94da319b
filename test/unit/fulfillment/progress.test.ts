import { describe, expect, it } from 'vitest';
import { fulfillmentActionEvents } from '../../../functions/domain/events.js';
import { PUBLISHED_FULFILLMENT_EVENT_SCHEMAS } from '../../../functions/domain/fulfillment/events.js';
import { applyFulfillmentAction } from '../../../functions/domain/fulfillment/machine.js';
import {
  actingLocationOf,
  orderProgress,
  publishedEvents,
  rerouteLinesOf,
  routerStatusOf,
  stockChangesOf,
  workLocationOf,
} from '../../../functions/domain/fulfillment/progress.js';
import { anOrder } from '../../helpers/records.js';
import { aContext, aFulfillmentOrder } from './factories.js';

const WEB = { orderId: 'ORD-1', channelId: 'web', externalId: 'W-1' };
const SHOP = { orderId: 'ORD-2', channelId: 'shopify', externalId: '#1002' };

function shippedFrom(fo = aFulfillmentOrder()) {
  const context = aContext();
  const accepted = applyFulfillmentAction(fo, 'accept', {}, context).fulfillmentOrder;
  const picked = applyFulfillmentAction(
    accepted,
    'pick',
    { lines: fo.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity })) },
    context,
  ).fulfillmentOrder;
  const packed = applyFulfillmentAction(
    picked,
    'pack',
    { packages: [{ lines: fo.lines.map((line) => ({ lineId: line.lineId, quantity: line.quantity })) }] },
    context,
  ).fulfillmentOrder;
  return applyFulfillmentAction(packed, 'ship', { carrier: 'CTT', trackingNumber: 'CT1' }, context);
}

describe('the published fulfillment events', () => {
  it('carry the shipment as one object with the order channel and external id', () => {
    const result = shippedFrom();
    const [event] = publishedEvents(result.fulfillmentOrder, result.events, [WEB]);

    expect(event).toEqual({
      detailType: 'ShipmentCreated',
      detail: expect.objectContaining({
        version: '1',
        eventId: 'FO-1:v5:ShipmentCreated',
        orderId: 'ORD-1',
        channelId: 'web',
        externalId: 'W-1',
        fulfillmentOrderId: 'FO-1',
        locationId: 'store-lisbon',
        shipment: expect.objectContaining({
          carrier: 'CTT',
          trackingNumber: 'CT1',
          shippedAt: expect.any(String),
        }),
      }),
    });
    expect(
      PUBLISHED_FULFILLMENT_EVENT_SCHEMAS.ShipmentCreated.safeParse(event!.detail).error,
    ).toBeUndefined();
  });

  it('are published once per merged order, each with its own lines and eventId', () => {
    const merged = aFulfillmentOrder({
      lines: [
        { lineId: '1', sku: 'MUG', quantity: 1, orderId: 'ORD-1' },
        { lineId: '7', sku: 'CAP', quantity: 2, orderId: 'ORD-2' },
      ],
    });
    const result = shippedFrom(merged);
    const events = publishedEvents(result.fulfillmentOrder, result.events, [WEB, SHOP]);

    expect(events.map((event) => [event.detail.eventId, event.detail.channelId])).toEqual([
      ['FO-1:v5:ShipmentCreated:ORD-1', 'web'],
      ['FO-1:v5:ShipmentCreated:ORD-2', 'shopify'],
    ]);
    expect(events.map((event) => (event.detail.shipment as { lines: unknown[] }).lines)).toEqual([
      [{ lineId: '1', sku: 'MUG', quantity: 1 }],
      [{ lineId: '7', sku: 'CAP', quantity: 2 }],
    ]);
  });

  it('are published once per new version of the record, so a replayed stream record repeats their ids', () => {
    const outbox = [
      { detailType: 'FulfillmentOrderAccepted', detail: { eventId: 'FO-1:v1:FulfillmentOrderAccepted' } },
    ];

    expect(fulfillmentActionEvents({ version: 0 }, { version: 1, outbox })).toEqual(outbox);
    expect(fulfillmentActionEvents({ version: 1, outbox }, { version: 1, outbox })).toEqual([]);
    expect(fulfillmentActionEvents(undefined, { status: 'CREATED' } as never)).toEqual([]);
  });
});

describe('where the work is', () => {
  it('is at the source until a transfer has left, then at the pick-up store; PENDING is nowhere', () => {
    const transfer = aFulfillmentOrder({ kind: 'transfer', transferTo: 'store-porto' });

    expect(workLocationOf(transfer)).toBe('store-lisbon');
    expect(workLocationOf({ ...transfer, status: 'SHIPPED' })).toBe('store-porto');
    expect(workLocationOf({ ...transfer, status: 'PENDING' })).toBeUndefined();
    expect(actingLocationOf(transfer, 'ship')).toBe('store-lisbon');
    expect(actingLocationOf(transfer, 'receive')).toBe('store-porto');
  });
});

describe('the order after an action', () => {
  it('keeps the router status beside the derived one, and is PARTIALLY_ROUTED while units wait for the router', () => {
    const fo = aFulfillmentOrder();
    const rejected = applyFulfillmentAction(
      fo,
      'reject',
      { reason: 'x', lines: [{ lineId: '1', quantity: 1 }] },
      aContext(),
    );
    const order = anOrder({ orderId: 'ORD-1', status: 'ROUTED', version: 4 });

    expect(orderProgress(order, [fo], rejected.fulfillmentOrder, rejected.effects)).toEqual({
      orderId: 'ORD-1',
      expectedVersion: 4,
      status: 'PARTIALLY_ROUTED',
      routerStatus: 'PARTIALLY_ROUTED',
    });
    expect(routerStatusOf({ ...order, status: 'SHIPPED' })).toBe('ROUTED');
    expect(routerStatusOf({ ...order, status: 'SHIPPED', routerStatus: 'PARTIALLY_ROUTED' })).toBe(
      'PARTIALLY_ROUTED',
    );
    expect(rerouteLinesOf(rejected.effects, [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 1 }])).toEqual([
      { lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 },
    ]);
  });

  it('moves the stock of a short pick as one change per item: released, and the missing ones off the shelf', () => {
    const accepted = applyFulfillmentAction(aFulfillmentOrder(), 'accept', {}, aContext()).fulfillmentOrder;
    const short = applyFulfillmentAction(
      accepted,
      'pick',
      {
        lines: [
          { lineId: '1', quantity: 1 },
          { lineId: '2', quantity: 1 },
        ],
      },
      aContext(),
    );

    expect(stockChangesOf(short.effects)).toEqual([
      { sku: 'TSHIRT-BLUE-M', locationId: 'store-lisbon', consumed: 0, released: 1, missing: 1 },
    ]);
  });
});
