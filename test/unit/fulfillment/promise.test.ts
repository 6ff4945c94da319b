import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors.js';
import { addWorkingDays, instantAt, localDateTime } from '../../../functions/domain/fulfillment/calendar.js';
import {
  CarrierService,
  LocationSchedule,
  PromiseConfig,
  projectDelivery,
  promiseFor,
  zoneFor,
  type Route,
} from '../../../functions/domain/fulfillment/promise.js';
import { parseOrThrow } from '../../../functions/domain/validation.js';

const LISBON = LocationSchedule.parse({
  locationId: 'store-lisbon',
  timeZone: 'Europe/Lisbon',
  cutoffTime: '18:00',
  processingDays: 0,
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  holidays: ['2026-12-08'],
});

const LOS_ANGELES = LocationSchedule.parse({
  locationId: 'store-la',
  timeZone: 'America/Los_Angeles',
  cutoffTime: '17:00',
  processingDays: 0,
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
});

const CTT = CarrierService.parse({
  carrier: 'CTT',
  service: 'Expresso',
  zones: [
    { zone: 'domestic', from: ['PT'], destinations: ['PT'], transitDays: 1 },
    { zone: 'iberia', from: ['PT'], destinations: ['ES'], transitDays: 2 },
    { zone: 'world', destinations: ['*'], transitDays: 6 },
  ],
});

const UPS = CarrierService.parse({
  carrier: 'UPS',
  service: 'Ground',
  zones: [
    { zone: 'local', destinations: ['US-CA'], transitDays: 1 },
    { zone: 'national', destinations: ['US'], transitDays: 4 },
  ],
});

const TO_LISBON: Route = { originCountry: 'PT', destination: { country: 'PT' } };
const TO_SAN_DIEGO: Route = { originCountry: 'US', destination: { country: 'US', region: 'CA' } };

const fromLisbon = (placedAt: string, schedule = LISBON) =>
  promiseFor({ placedAt, schedule, service: CTT, route: TO_LISBON });

describe('promiseFor: the cut-off, in the location time zone', () => {
  it('ships a Lisbon order placed at 17:59 local (summer time, 16:59 UTC) the same day', () => {
    expect(fromLisbon('2026-07-15T16:59:00Z')).toEqual({
      shipBy: '2026-07-15',
      dueBy: '2026-07-15T17:00:00.000Z',
      deliverBy: '2026-07-16',
      zone: 'domestic',
      transitDays: 1,
    });
  });

  it('ships a Lisbon order placed at 18:01 local the next working day', () => {
    expect(fromLisbon('2026-07-15T17:01:00Z')).toMatchObject({
      shipBy: '2026-07-16',
      dueBy: '2026-07-16T17:00:00.000Z',
      deliverBy: '2026-07-17',
    });
  });

  it('reads the cut-off in winter time too (Lisbon is then on UTC)', () => {
    expect(fromLisbon('2026-12-03T17:59:00Z').shipBy).toBe('2026-12-03');
    expect(fromLisbon('2026-12-03T18:00:00Z').shipBy).toBe('2026-12-04');
  });
});

describe('promiseFor: weekends, holidays and processing time', () => {
  it('ships a Friday order after the cut-off on Monday, delivered Tuesday', () => {
    expect(fromLisbon('2026-12-04T18:30:00Z')).toMatchObject({
      shipBy: '2026-12-07',
      deliverBy: '2026-12-08',
    });
  });

  it('skips a holiday of the location: after the Monday cut-off, work resumes Wednesday 9 December', () => {
    expect(fromLisbon('2026-12-07T09:00:00Z')).toMatchObject({
      shipBy: '2026-12-07',
      deliverBy: '2026-12-08',
    });
    expect(fromLisbon('2026-12-07T19:00:00Z')).toMatchObject({
      shipBy: '2026-12-09',
      deliverBy: '2026-12-10',
    });
  });

  it('counts transit on carrier days only: shipped Friday, one day of transit, delivered Monday', () => {
    expect(fromLisbon('2026-12-04T10:00:00Z')).toMatchObject({
      shipBy: '2026-12-04',
      deliverBy: '2026-12-07',
    });
  });

  it('treats a Saturday order as Monday work', () => {
    expect(fromLisbon('2026-12-05T08:00:00Z').shipBy).toBe('2026-12-07');
  });

  it('adds the processing time in working days', () => {
    const twoDays = { ...LISBON, processingDays: 2 };

    expect(fromLisbon('2026-12-03T10:00:00Z', twoDays)).toMatchObject({
      shipBy: '2026-12-07',
      deliverBy: '2026-12-08',
    });
  });
});

describe('promiseFor: a store in Los Angeles, when UTC has already turned the day', () => {
  it('ships Thursday an order placed Thursday 16:30 in Los Angeles, which UTC calls Friday 00:30', () => {
    expect(
      promiseFor({
        placedAt: '2026-12-04T00:30:00Z',
        schedule: LOS_ANGELES,
        service: UPS,
        route: TO_SAN_DIEGO,
      }),
    ).toEqual({
      shipBy: '2026-12-03',
      dueBy: '2026-12-04T01:00:00.000Z',
      deliverBy: '2026-12-04',
      zone: 'local',
      transitDays: 1,
    });
  });

  it('ships Saturday (the store works Saturdays) a Friday-evening order; UPS collects Monday, delivers Tuesday', () => {
    expect(
      promiseFor({
        placedAt: '2026-12-05T02:00:00Z',
        schedule: LOS_ANGELES,
        service: UPS,
        route: TO_SAN_DIEGO,
      }),
    ).toMatchObject({ shipBy: '2026-12-05', dueBy: '2026-12-06T01:00:00.000Z', deliverBy: '2026-12-08' });
  });
});

describe('zoneFor', () => {
  it('prefers the region, then the country, then *', () => {
    expect(zoneFor(UPS, TO_SAN_DIEGO).zone).toBe('local');
    expect(zoneFor(UPS, { originCountry: 'US', destination: { country: 'US', region: 'NY' } }).zone).toBe(
      'national',
    );
    expect(zoneFor(CTT, { originCountry: 'PT', destination: { country: 'JP' } }).zone).toBe('world');
  });

  it('applies a zone only from its origins, and says when nothing serves a destination', () => {
    expect(zoneFor(CTT, { originCountry: 'ES', destination: { country: 'PT' } }).zone).toBe('world');
    expect(() => zoneFor(UPS, { originCountry: 'US', destination: { country: 'CA' } })).toThrow(
      ValidationError,
    );
  });
});

describe('projectDelivery', () => {
  const promise = fromLisbon('2026-12-03T10:00:00Z');
  const project = (now: string, progress = {}, schedule = LISBON) =>
    projectDelivery({ promise, schedule, service: CTT, now, progress });

  it('keeps the promise while it can still be kept', () => {
    expect(promise).toMatchObject({ shipBy: '2026-12-03', deliverBy: '2026-12-04' });
    expect(project('2026-12-03T17:59:00Z')).toEqual({ date: '2026-12-04', basis: 'on_time', late: false });
  });

  it('moves with a late pick: after the cut-off, the earliest ship day from now', () => {
    expect(project('2026-12-04T09:00:00Z', { pickedAt: '2026-12-04T08:00:00Z' })).toEqual({
      date: '2026-12-07',
      basis: 'late',
      late: true,
    });
    expect(project('2026-12-04T09:00:00Z', {}, { ...LISBON, processingDays: 1 })).toMatchObject({
      date: '2026-12-08',
    });
  });

  it('follows the actual shipment, then the delivery', () => {
    expect(project('2026-12-03T19:00:00Z', { shippedAt: '2026-12-03T16:00:00Z' })).toEqual({
      date: '2026-12-04',
      basis: 'shipped',
      late: false,
    });
    expect(project('2026-12-09T12:00:00Z', { shippedAt: 'x', deliveredAt: '2026-12-09T11:00:00Z' })).toEqual({
      date: '2026-12-09',
      basis: 'delivered',
      late: true,
    });
  });
});

describe('the promise configuration', () => {
  it('is validated with messages that say what is expected', () => {
    const error = (() => {
      try {
        parseOrThrow(
          PromiseConfig,
          {
            locations: [{ ...LISBON, timeZone: 'Europe/Lisboa', cutoffTime: '6pm', workingDays: [] }],
            services: [{ ...CTT, zones: [{ zone: 'x', destinations: ['Portugal'], transitDays: 1 }] }],
          },
          'promise configuration',
        );
      } catch (caught) {
        return caught as ValidationError;
      }
    })();

    expect(error?.issues).toEqual([
      { path: 'locations/0/timeZone', message: 'must be an IANA time zone such as Europe/Lisbon' },
      { path: 'locations/0/cutoffTime', message: 'must be a 24-hour HH:MM time such as 18:00' },
      { path: 'locations/0/workingDays', message: 'needs at least one working day' },
      {
        path: 'services/0/zones/0/destinations/0',
        message: 'must be a country (PT), a country-region (US-CA) or *',
      },
    ]);
  });
});

describe('calendar', () => {
  it('converts wall-clock times across daylight-saving changes', () => {
    expect(instantAt('2026-03-28', '18:00', 'Europe/Lisbon')).toBe('2026-03-28T18:00:00.000Z');
    expect(instantAt('2026-03-30', '18:00', 'Europe/Lisbon')).toBe('2026-03-30T17:00:00.000Z');
    expect(localDateTime('2026-11-01T09:30:00Z', 'America/Los_Angeles')).toEqual({
      date: '2026-11-01',
      time: '01:30',
      weekday: 'sun',
    });
  });

  it('refuses a calendar without working days rather than looping', () => {
    expect(() => addWorkingDays('2026-12-01', 1, () => false)).toThrow(/No working day within a year/);
  });
});
