import { describe, expect, it } from 'vitest';
import {
  EVENT_CATALOGUE,
  FulfillmentOrderCreatedV1,
  OrderReceivedV1,
  OrderStatusChangedV1,
  fulfillmentOrderEvents,
  orderEvents,
  orderReceived,
  type FulfillmentOrderRecord,
} from '../../../functions/domain/events.js';
import type { OrderStatus } from '../../../functions/domain/order.js';
import { anOrder } from '../../helpers/records.js';

const received = anOrder();
const routed = anOrder({ status: 'ROUTED', version: 2, updatedAt: '2026-11-22T10:00:07.000Z' });

describe('orderReceived', () => {
  it('summarizes the new order in a detail that fits the OrderReceived v1 schema', () => {
    const event = orderReceived(received);

    expect(event.detailType).toBe('OrderReceived');
    expect(OrderReceivedV1.parse(event.detail)).toEqual(event.detail);
    expect(event.detail).toEqual({
      version: '1',
      eventId: `${received.orderId}:v1`,
      orderId: received.orderId,
      channelId: 'web',
      externalId: 'W-1001',
      status: 'RECEIVED',
      placedAt: '2026-11-22T10:00:00.000Z',
      receivedAt: '2026-11-22T10:00:05.000Z',
      currency: 'EUR',
      total: 4953,
      fulfillmentType: 'ship',
      destinationCountry: 'PT',
      lines: [{ lineId: '1', sku: 'TSHIRT-BLUE-M', quantity: 2 }],
      tags: [],
      totalsMismatch: false,
    });
  });

  it('names the store of a pickup and has no destination country without an address', () => {
    const pickup = anOrder(
      {},
      { fulfillment: { type: 'pickup', locationId: 'store-lisbon' }, shippingAddress: undefined },
    );

    expect(orderReceived(pickup).detail).toMatchObject({
      fulfillmentType: 'pickup',
      pickupLocationId: 'store-lisbon',
    });
    expect(orderReceived(pickup).detail).not.toHaveProperty('destinationCountry');
    expect(orderReceived(received).detail).not.toHaveProperty('pickupLocationId');
  });

  it('carries the computed total when the channel stated none, and flags stated totals that do not add up', () => {
    const notStated = anOrder({}, { totals: undefined, shippingPrice: 0 });
    const mismatched = anOrder(
      {},
      { totals: { subtotal: 3998, discount: 0, tax: 460, shipping: 495, total: 9999 } },
    );

    expect(orderReceived(notStated).detail).toMatchObject({ total: 4458, totalsMismatch: false });
    expect(orderReceived(mismatched).detail).toMatchObject({ total: 9999, totalsMismatch: true });
  });
});

describe('orderEvents', () => {
  it('announces an inserted order once, as OrderReceived', () => {
    expect(orderEvents(undefined, received)).toEqual([orderReceived(received)]);
  });

  it('announces a status change as the event of the new status, with the previous one', () => {
    const [event, ...others] = orderEvents(received, routed);

    expect(others).toEqual([]);
    expect(event?.detailType).toBe('OrderRouted');
    expect(OrderStatusChangedV1.parse(event?.detail)).toEqual({
      version: '1',
      eventId: `${routed.orderId}:v2`,
      orderId: routed.orderId,
      channelId: 'web',
      externalId: 'W-1001',
      status: 'ROUTED',
      previousStatus: 'RECEIVED',
      orderVersion: 2,
      changedAt: '2026-11-22T10:00:07.000Z',
    });
  });

  // Stated here, not read from STATUS_EVENTS: a renamed or dropped event must fail this test.
  it.each([
    ['ROUTED', 'OrderRouted'],
    ['PARTIALLY_ROUTED', 'OrderPartiallyRouted'],
    ['BACKORDERED', 'OrderBackordered'],
    ['PARKED', 'OrderParked'],
    ['PARTIALLY_FULFILLED', 'OrderPartiallyFulfilled'],
    ['FULFILLED', 'OrderFulfilled'],
    ['CANCELED', 'OrderCanceled'],
  ])('announces a move to %s as %s', (status, detailType) => {
    const moved = anOrder({ status: status as OrderStatus, version: 2 });

    expect(orderEvents(received, moved).map((event) => event.detailType)).toEqual([detailType]);
  });

  it('publishes nothing when a write leaves the status as it was', () => {
    const touched = anOrder({ version: 2, updatedAt: '2026-11-22T10:05:00.000Z', note: 'gift wrap' });

    expect(orderEvents(received, touched)).toEqual([]);
  });

  it('publishes nothing for a move back to RECEIVED, which has no event', () => {
    expect(orderEvents(routed, anOrder({ status: 'RECEIVED', version: 3 }))).toEqual([]);
  });

  it('publishes nothing when the order is deleted', () => {
    expect(orderEvents(received, undefined)).toEqual([]);
  });

  it('gives a replayed change the same eventId, and the next change a new one', () => {
    const first = orderEvents(received, routed)[0]?.detail.eventId;
    const replayed = orderEvents(received, routed)[0]?.detail.eventId;
    const next = orderEvents(routed, anOrder({ status: 'FULFILLED', version: 3 }))[0]?.detail.eventId;

    expect(replayed).toBe(first);
    expect(next).toBe(`${received.orderId}:v3`);
    expect(next).not.toBe(first);
  });
});

describe('fulfillmentOrderEvents', () => {
  const fulfillmentOrder = (status: string): FulfillmentOrderRecord => ({
    fulfillmentOrderId: 'FO-1',
    orderId: 'ORDER-1',
    locationId: 'STORE-1',
    kind: 'ship',
    lines: [{ lineId: '1', sku: 'MUG', quantity: 2 }],
    createdAt: '2026-03-01T10:00:00.000Z',
    status,
  });

  it('announces a fulfillment order written CREATED, once, to its location', () => {
    const [event, ...others] = fulfillmentOrderEvents(undefined, fulfillmentOrder('CREATED'));
    expect(others).toEqual([]);
    expect(event?.detailType).toBe('FulfillmentOrderCreated');
    expect(FulfillmentOrderCreatedV1.parse(event?.detail)).toMatchObject({
      eventId: 'FO-1:created',
      locationId: 'STORE-1',
    });
  });

  it('announces nothing for a PENDING one, and announces it when its commit holds', () => {
    expect(fulfillmentOrderEvents(undefined, fulfillmentOrder('PENDING'))).toEqual([]);
    const [event] = fulfillmentOrderEvents(fulfillmentOrder('PENDING'), fulfillmentOrder('CREATED'));
    expect(event?.detail.eventId).toBe('FO-1:created');
  });

  it('announces nothing when a PENDING one is taken back, nor for later changes', () => {
    expect(fulfillmentOrderEvents(fulfillmentOrder('PENDING'), undefined)).toEqual([]);
    expect(fulfillmentOrderEvents(fulfillmentOrder('CREATED'), fulfillmentOrder('REJECTED'))).toEqual([]);
    expect(fulfillmentOrderEvents(fulfillmentOrder('CREATED'), fulfillmentOrder('CREATED'))).toEqual([]);
  });
});

describe('EVENT_CATALOGUE', () => {
  it('lists OrderReceived, FulfillmentOrderCreated, every status event, the fulfillment events and the customer-service events once, each at version 1', () => {
    const detailTypes = EVENT_CATALOGUE.map((entry) => entry.detailType);

    expect(detailTypes).toEqual([
      'OrderReceived',
      'FulfillmentOrderCreated',
      'OrderRouted',
      'OrderPartiallyRouted',
      'OrderBackordered',
      'OrderParked',
      'OrderPartiallyFulfilled',
      'OrderFulfilled',
      'OrderCanceled',
      'OrderInFulfillment',
      'OrderPartiallyShipped',
      'OrderShipped',
      'OrderDelivered',
      'OrderCompleted',
      'FulfillmentOrderAccepted',
      'FulfillmentOrderRejected',
      'FulfillmentOrderPicked',
      'FulfillmentOrderPacked',
      'ShipmentCreated',
      'ShipmentInTransit',
      'ShipmentDelivered',
      'FulfillmentOrderReceived',
      'OrderReadyForPickup',
      'OrderPickedUp',
      'FulfillmentCancelRequested',
      'FulfillmentCancelRefused',
      'FulfillmentOrderCanceled',
      'OrderLinesCanceled',
      'RefundRecorded',
      'OrderShippingAddressChanged',
      'FulfillmentOrderRerouteRequested',
      'ReturnAuthorized',
      'ReturnReceived',
      'ChannelOrderChangeReceived',
    ]);
    expect(new Set(detailTypes).size).toBe(detailTypes.length);
    expect(EVENT_CATALOGUE.every((entry) => entry.version === '1')).toBe(true);
  });
});
