import { describe, expect, it } from 'vitest';
import {
  CarrierServices,
  projectOrder,
  promisesFor,
  type FulfillmentPromise,
  type PromisedFulfillmentOrder,
} from '../../../functions/domain/fulfillment/promise.js';
import {
  toTrackingView,
  trackingLinkFor,
  type TrackedFulfillmentOrder,
} from '../../../functions/domain/fulfillment/tracking.js';
import { fulfillmentOrdersOf } from '../../../functions/domain/routing/routing-input.js';
import { parseOrThrow } from '../../../functions/domain/validation.js';
import { aLocation, anOrder } from '../../helpers/records.js';

/**
 * The promise as the router makes it and the customer reads it: from configured locations and
 * carrier services to each fulfillment order's promisedBy and dueBy, and back as the projected
 * delivery date, across a cut-off, a weekend and time zones.
 */
const LISBON = aLocation('store-lisbon', {
  address: { line1: 'Rua Augusta 1', city: 'Lisboa', country: 'PT' },
  timeZone: 'Europe/Lisbon',
  cutoffTime: '18:00',
  capabilities: ['ship', 'pickup', 'transfer'],
});
const PORTO = aLocation('store-porto', {
  address: { city: 'Porto', country: 'PT' },
  capabilities: ['pickup'],
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
});
/** No cut-off nor working days configured: the defaults (17:00, Monday to Friday). */
const NEW_YORK = aLocation('store-nyc', {
  address: { city: 'New York', region: 'NY', country: 'US' },
  timeZone: 'America/New_York',
  processingDays: 1,
});
const LOCATIONS = [LISBON, PORTO, NEW_YORK];

const SERVICES = parseOrThrow(
  CarrierServices,
  {
    services: [
      {
        carrier: 'CTT',
        service: 'Expresso',
        methods: ['express'],
        zones: [
          { zone: 'domestic', from: ['PT'], destinations: ['PT'], transitDays: 1 },
          { zone: 'world', destinations: ['*'], transitDays: 6 },
        ],
      },
      {
        carrier: 'CTT',
        service: 'Normal',
        methods: ['standard'],
        zones: [{ zone: 'domestic', destinations: ['PT'], transitDays: 3 }],
      },
      {
        carrier: 'UPS',
        service: 'Ground',
        zones: [
          { zone: 'regional', destinations: ['US-NY', 'US-NJ'], transitDays: 1 },
          { zone: 'national', destinations: ['US'], transitDays: 4 },
        ],
      },
    ],
    defaultService: { carrier: 'CTT', service: 'Expresso' },
  },
  'carrier services',
);

const shipOrder = (country = 'PT', region?: string, method?: string) =>
  anOrder(
    {},
    {
      fulfillment: { type: 'ship', ...(method && { method }) },
      shippingAddress: { line1: 'Rua 1', city: 'X', country, ...(region && { region }) },
    },
  );

const promiseAt = (
  now: string,
  order = shipOrder(),
  kind: 'ship' | 'pickup' | 'transfer' = 'ship',
  at = LISBON,
) =>
  promisesFor({ order, locations: LOCATIONS, services: SERVICES, now })({
    locationId: at.locationId,
    kind,
    ...(kind === 'transfer' && { transferTo: PORTO.locationId }),
  });

describe('the promise of each planned fulfillment order', () => {
  it('ships a Lisbon order before the 18:00 cut-off the same day, after it the next', () => {
    expect(promiseAt('2026-12-02T17:59:00Z')).toMatchObject({
      shipBy: '2026-12-02',
      dueBy: '2026-12-02T18:00:00.000Z',
      deliverBy: '2026-12-03',
      carrier: 'CTT',
      service: 'Expresso',
    });
    expect(promiseAt('2026-12-02T18:00:00Z')).toMatchObject({
      shipBy: '2026-12-03',
      deliverBy: '2026-12-04',
    });
  });

  it('carries a Friday evening order over the weekend: ships Monday, delivered Tuesday', () => {
    expect(promiseAt('2026-12-04T18:30:00Z')).toMatchObject({
      shipBy: '2026-12-07',
      dueBy: '2026-12-07T18:00:00.000Z',
      deliverBy: '2026-12-08',
    });
  });

  it("reads a New York store's default 17:00 cut-off in its own time zone, with its processing day", () => {
    const toBrooklyn = anOrder(
      {},
      {
        fulfillment: { type: 'ship', carrier: 'ups' },
        shippingAddress: { line1: '1 Main St', city: 'Brooklyn', region: 'NY', country: 'US' },
      },
    );
    // 16:30 in New York (21:30 UTC) on Thursday: before the cut-off, so Thursday starts; one
    // working day of processing ships Friday, one day of regional transit is Monday.
    expect(promiseAt('2026-12-03T21:30:00Z', toBrooklyn, 'ship', NEW_YORK)).toMatchObject({
      shipBy: '2026-12-04',
      dueBy: '2026-12-04T22:00:00.000Z',
      deliverBy: '2026-12-07',
      carrier: 'UPS',
      zone: 'regional',
    });
    // 17:30 in New York is already Friday in UTC: work starts Friday, ships Monday.
    expect(promiseAt('2026-12-03T22:30:00Z', toBrooklyn, 'ship', NEW_YORK)?.shipBy).toBe('2026-12-07');
  });

  it("takes the service that carries the order's shipping method", () => {
    expect(promiseAt('2026-12-02T10:00:00Z', shipOrder('PT', undefined, 'standard'))).toMatchObject({
      service: 'Normal',
      deliverBy: '2026-12-07',
    });
  });

  it('promises a pick-up at the store on its ship-by day, with no carrier', () => {
    expect(promiseAt('2026-12-04T18:30:00Z', shipOrder(), 'pickup')).toEqual({
      shipBy: '2026-12-07',
      dueBy: '2026-12-07T18:00:00.000Z',
      deliverBy: '2026-12-07',
      zone: 'pickup',
      transitDays: 0,
    });
  });

  it("sends a transfer to the pick-up store's address", () => {
    expect(promiseAt('2026-12-02T10:00:00Z', shipOrder('ES'), 'transfer')).toMatchObject({
      zone: 'domestic',
      deliverBy: '2026-12-03',
    });
  });

  it('makes no promise without carrier services, or for a destination no zone serves', () => {
    const none = promisesFor({
      order: shipOrder(),
      locations: LOCATIONS,
      services: undefined,
      now: '2026-12-02T10:00:00Z',
    });
    expect(none({ locationId: LISBON.locationId, kind: 'ship' })).toBeUndefined();
    expect(none({ locationId: LISBON.locationId, kind: 'pickup' })).toBeDefined();
    expect(promiseAt('2026-12-02T10:00:00Z', shipOrder('ES', undefined, 'standard'))).toBeUndefined();
  });

  it("lands on the router's fulfillment orders as promisedBy and dueBy", () => {
    const [fo] = fulfillmentOrdersOf(
      {
        fulfillmentOrders: [
          { locationId: LISBON.locationId, kind: 'ship', lines: [{ lineId: '1', sku: 'A', quantity: 1 }] },
        ],
      },
      {
        orderId: 'ORD-1',
        newId: () => 'FO-1',
        now: '2026-12-04T18:30:00Z',
        promise: promisesFor({
          order: shipOrder(),
          locations: LOCATIONS,
          services: SERVICES,
          now: '2026-12-04T18:30:00Z',
        }),
      },
    );
    expect(fo).toMatchObject({ promisedBy: '2026-12-08', dueBy: '2026-12-07T18:00:00.000Z' });
    expect(fo?.promise?.carrier).toBe('CTT');
  });
});

const FRIDAY_EVENING_PROMISE = promiseAt('2026-12-04T18:30:00Z') as FulfillmentPromise;

const aPromisedFo = (overrides: Partial<PromisedFulfillmentOrder> = {}): PromisedFulfillmentOrder => ({
  fulfillmentOrderId: 'FO-1',
  locationId: LISBON.locationId,
  kind: 'ship',
  status: 'CREATED',
  promise: FRIDAY_EVENING_PROMISE,
  ...overrides,
});

const project = (now: string, ...fulfillmentOrders: PromisedFulfillmentOrder[]) =>
  projectOrder({ fulfillmentOrders, locations: LOCATIONS, services: SERVICES, now });

describe('the projected delivery date moves with reality', () => {
  it('is the promise while the location can still keep it', () => {
    expect(project('2026-12-07T09:00:00Z', aPromisedFo())).toMatchObject({
      projectedDelivery: '2026-12-08',
      promisedBy: '2026-12-08',
      late: false,
    });
  });

  it('slips when the due-by passed without a pick: the work starts again tomorrow', () => {
    expect(project('2026-12-07T18:30:00Z', aPromisedFo())).toMatchObject({
      projectedDelivery: '2026-12-09',
      late: true,
    });
  });

  it('follows the actual shipment, then the delivery', () => {
    const shipped = aPromisedFo({
      status: 'SHIPPED',
      shipments: [{ status: 'SHIPPED', shippedAt: '2026-12-07T11:00:00Z' }],
    });
    expect(project('2026-12-07T12:00:00Z', shipped)).toMatchObject({
      projectedDelivery: '2026-12-08',
      late: false,
    });
    const delivered = aPromisedFo({
      status: 'DELIVERED',
      shipments: [
        { status: 'DELIVERED', shippedAt: '2026-12-07T11:00:00Z', deliveredAt: '2026-12-09T10:00:00Z' },
      ],
    });
    expect(project('2026-12-10T12:00:00Z', delivered)).toMatchObject({
      projectedDelivery: '2026-12-09',
      late: true,
    });
  });

  it('is the latest of the fulfillment orders still active; rejected ones do not count', () => {
    const slow = aPromisedFo({
      fulfillmentOrderId: 'FO-2',
      promise: { ...FRIDAY_EVENING_PROMISE, deliverBy: '2026-12-11' },
    });
    const rejected = aPromisedFo({
      fulfillmentOrderId: 'FO-3',
      status: 'REJECTED',
      promise: { ...FRIDAY_EVENING_PROMISE, deliverBy: '2026-12-31' },
    });
    expect(project('2026-12-07T09:00:00Z', aPromisedFo(), slow, rejected)).toMatchObject({
      projectedDelivery: '2026-12-11',
      promisedBy: '2026-12-11',
    });
  });

  it('has nothing to say about fulfillment orders routed without a promise', () => {
    expect(project('2026-12-07T09:00:00Z', aPromisedFo({ promise: undefined }))).toBeUndefined();
  });
});

describe("the customer's tracking view", () => {
  const order = anOrder(
    { status: 'SHIPPED' },
    { fulfillment: { type: 'ship' }, shippingAddress: { line1: 'Rua 1', city: 'X', country: 'PT' } },
  );
  const shipped = {
    ...aPromisedFo({ status: 'SHIPPED' }),
    orderId: order.orderId,
    lines: [{ lineId: order.lines[0]!.lineId, quantity: 1 }],
    reservations: ['internal'],
    history: [{ to: 'ACCEPTED', at: '2026-12-07T09:00:00Z', actor: { sub: 'store-user', role: 'store' } }],
    shipments: [
      {
        shipmentId: 'S-1',
        carrier: 'UPS',
        trackingNumber: '1Z 999',
        lines: [{ lineId: order.lines[0]!.lineId, quantity: 1 }],
        status: 'SHIPPED',
        shippedAt: '2026-12-07T11:00:00Z',
      },
    ],
  };

  it('shows status, parcels with a tracking link and the projected date, and nothing internal', () => {
    const view = toTrackingView({
      order,
      fulfillmentOrders: [shipped],
      locations: LOCATIONS,
      services: SERVICES,
      now: '2026-12-07T12:00:00Z',
    });
    expect(view).toMatchObject({
      orderId: order.orderId,
      status: 'SHIPPED',
      promisedBy: '2026-12-08',
      projectedDelivery: '2026-12-08',
      late: false,
      shipments: [
        {
          carrier: 'UPS',
          trackingNumber: '1Z 999',
          trackingUrl: 'https://www.ups.com/track?tracknum=1Z%20999',
          status: 'SHIPPED',
          items: [{ lineId: order.lines[0]!.lineId, sku: order.lines[0]!.sku, quantity: 1 }],
        },
      ],
    });
    expect(JSON.stringify(view)).not.toMatch(/reservations|history|store-user|ruleSet|actor/);
    expect(view).not.toHaveProperty('pickup');
  });

  it('names the pick-up store and says when it is ready, without the pick-up code', () => {
    const pickupOrder = anOrder(
      { status: 'READY_FOR_PICKUP' },
      { fulfillment: { type: 'pickup', locationId: PORTO.locationId } },
    );
    const ready: TrackedFulfillmentOrder & { pickupCode: string } = {
      fulfillmentOrderId: 'FO-1',
      kind: 'pickup',
      locationId: PORTO.locationId,
      status: 'READY_FOR_PICKUP',
      orderId: pickupOrder.orderId,
      lines: [{ lineId: pickupOrder.lines[0]!.lineId, quantity: 1 }],
      pickupCode: '123456',
      history: [{ to: 'READY_FOR_PICKUP', at: '2026-12-07T15:00:00Z' }],
    };
    const view = toTrackingView({
      order: pickupOrder,
      fulfillmentOrders: [ready],
      locations: LOCATIONS,
      now: '2026-12-07T16:00:00Z',
    });
    expect(view.pickup).toEqual({
      location: { locationId: PORTO.locationId, name: PORTO.name, address: PORTO.address },
      readiness: 'ready',
      readyAt: '2026-12-07T15:00:00Z',
    });
    expect(JSON.stringify(view)).not.toContain('123456');
  });

  it('links only carriers whose tracking page it knows', () => {
    expect(trackingLinkFor('usps_priority', '9400')).toBe(
      'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400',
    );
    expect(trackingLinkFor('Local courier', '42')).toBeUndefined();
  });
});
