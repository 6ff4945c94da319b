import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError, ValidationError } from '../../../functions/domain/errors.js';
import { manualShipment, shipBodyFor, trackBodyFor } from '../../../functions/domain/fulfillment/carrier.js';
import { applyFulfillmentAction } from '../../../functions/domain/fulfillment/machine.js';
import type { FulfillmentOrderState } from '../../../functions/domain/fulfillment/model.js';
import {
  trackingUpdateFromShippo,
  verifyShippoSignature,
} from '../../../functions/fulfillment/carriers/shippo-webhook.js';
import { aContext, aFulfillmentOrder } from './factories.js';

const SECRET = 'shippo-hmac-secret';
const NOW = 1_795_000_000;

/** Shippo's track_updated body for a status. */
const trackUpdated = (status: string, trackingNumber = '9400111899223197428490') => ({
  event: 'track_updated',
  test: true,
  data: {
    carrier: 'usps',
    tracking_number: trackingNumber,
    tracking_status: {
      status,
      status_details: 'Your shipment has moved.',
      status_date: '2026-12-02T14:05:00Z',
    },
  },
});

const sign = (body: string, at = NOW) =>
  `t=${at},v1=${createHmac('sha256', SECRET).update(`${at}.${body}`).digest('hex')}`;

/** A fulfillment order shipped by USPS with the tracking number of trackUpdated. */
function shippedWithUsps(): FulfillmentOrderState {
  const context = aContext();
  let fo = aFulfillmentOrder({ lines: [{ lineId: '1', sku: 'SKU', quantity: 1 }] });
  const steps: [string, unknown][] = [
    ['accept', {}],
    ['pick', { lines: [{ lineId: '1', quantity: 1 }] }],
    ['pack', { packages: [{ lines: [{ lineId: '1', quantity: 1 }] }] }],
    ['ship', shipBodyFor({ carrier: 'USPS', trackingNumber: '9400111899223197428490' })],
  ];
  for (const [action, body] of steps) fo = applyFulfillmentAction(fo, action, body, context).fulfillmentOrder;
  return fo;
}

describe('verifyShippoSignature', () => {
  const body = JSON.stringify(trackUpdated('TRANSIT'));
  const verify = (header: string | undefined, rawBody = body, now = NOW) =>
    verifyShippoSignature({ header, rawBody, secret: SECRET, nowUnixSeconds: now });

  it('accepts a body signed with the secret within the window', () => {
    expect(() => verify(sign(body))).not.toThrow();
    expect(() => verify(sign(body), body, NOW + 300)).not.toThrow();
  });

  it('refuses a missing, malformed, stale or forged signature', () => {
    expect(() => verify(undefined)).toThrow(new UnauthorizedError('Missing shippo-auth-signature header.'));
    expect(() => verify('v1=abc')).toThrow(/Malformed/);
    expect(() => verify(sign(body), body, NOW + 301)).toThrow(/outside the ±300 s window/);
    expect(() => verify(sign(body), body.replace('TRANSIT', 'DELIVERED'))).toThrow(/does not match/);
  });
});

describe('trackingUpdateFromShippo', () => {
  it('maps TRANSIT to in transit and DELIVERED to delivered, with the status date', () => {
    expect(trackingUpdateFromShippo(trackUpdated('TRANSIT'), 'received')).toEqual({
      kind: 'update',
      update: {
        carrier: 'usps',
        trackingNumber: '9400111899223197428490',
        status: 'in_transit',
        occurredAt: '2026-12-02T14:05:00Z',
      },
    });
    expect(trackingUpdateFromShippo(trackUpdated('DELIVERED'), 'received')).toMatchObject({
      update: { status: 'delivered' },
    });
  });

  it('ignores statuses that move nothing and other events', () => {
    expect(trackingUpdateFromShippo(trackUpdated('PRE_TRANSIT'), 'x')).toEqual({
      kind: 'ignored',
      reason: 'tracking status PRE_TRANSIT',
    });
    expect(
      trackingUpdateFromShippo({ ...trackUpdated('TRANSIT'), event: 'transaction_created' }, 'x'),
    ).toEqual({
      kind: 'ignored',
      reason: 'event transaction_created',
    });
  });

  it('refuses a body that is not a tracking event', () => {
    expect(() => trackingUpdateFromShippo({ event: 'track_updated', data: {} }, 'x')).toThrow(
      ValidationError,
    );
  });

  it('moves the matching shipment to delivered through the state machine', () => {
    const fo = shippedWithUsps();
    const outcome = trackingUpdateFromShippo(trackUpdated('DELIVERED'), 'x');
    if (outcome.kind !== 'update') throw new Error('expected an update');

    const body = trackBodyFor(fo, outcome.update);
    const delivered = applyFulfillmentAction(fo, 'track', body, aContext()).fulfillmentOrder;

    expect(body).toEqual({
      shipmentId: fo.shipments[0]!.shipmentId,
      status: 'delivered',
      occurredAt: '2026-12-02T14:05:00Z',
    });
    expect(delivered.status).toBe('DELIVERED');
    expect(trackBodyFor(fo, { ...outcome.update, trackingNumber: 'OTHER' })).toBeUndefined();
  });
});

describe('manual tracking entry', () => {
  it('is the shipment as typed, with no label and no cost, and becomes the ship body', () => {
    const details = manualShipment({ carrier: 'CTT', trackingNumber: 'EA123456789PT' });

    expect(details).toEqual({ carrier: 'CTT', trackingNumber: 'EA123456789PT' });
    expect(shipBodyFor(details, [{ lineId: '1', quantity: 1 }])).toEqual({
      carrier: 'CTT',
      trackingNumber: 'EA123456789PT',
      lines: [{ lineId: '1', quantity: 1 }],
    });
  });

  it('validates what was typed', () => {
    expect(() =>
      manualShipment({ carrier: 'CTT', trackingNumber: '', trackingUrl: 'javascript:alert(1)' }),
    ).toThrow(ValidationError);
  });
});
