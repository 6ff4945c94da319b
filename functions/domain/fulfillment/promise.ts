import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { addDays, addWorkingDays, instantAt, localDateTime, WEEKDAYS, weekdayOf } from './calendar.js';

/**
 * The promise: when a fulfillment order must ship (ship-by, and the due-by instant of the SLA)
 * and when the customer gets it, from data a retailer configures per location and per carrier
 * service. The projected delivery date starts as the promise and moves with what happens: a
 * late pick, the actual shipment, the delivery.
 */
const IsoDate = z.iso.date();

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const LocationSchedule = z
  .strictObject({
    locationId: z.string().min(1).max(64),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Lisbon'),
    /** Orders placed at or after this local time are processed from the next working day. */
    cutoffTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour HH:MM time such as 18:00'),
    /** Working days from the start day to ship-by: 0 ships the same day. */
    processingDays: z.int().min(0).max(30),
    workingDays: z.array(z.enum(WEEKDAYS)).min(1, 'needs at least one working day'),
    holidays: z.array(IsoDate).max(366).default([]),
  })
  .meta({ description: "A location's shipping calendar, in its own time zone." });
export type LocationSchedule = z.output<typeof LocationSchedule>;

const Destination = z
  .string()
  .regex(/^(\*|[A-Z]{2}(-[A-Z0-9]{1,3})?)$/, 'must be a country (PT), a country-region (US-CA) or *');

export const CarrierService = z
  .strictObject({
    carrier: z.string().min(1).max(100),
    service: z.string().min(1).max(100),
    /** The days this service moves parcels; transit days are counted on these. */
    deliveryDays: z.array(z.enum(WEEKDAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    zones: z
      .array(
        z.strictObject({
          zone: z.string().min(1).max(64),
          /** Origin countries the zone applies from; absent: any. */
          from: z.array(z.string().length(2)).optional(),
          destinations: z.array(Destination).min(1),
          transitDays: z.int().min(0).max(60),
        }),
      )
      .min(1),
  })
  .meta({ description: 'Transit days of one carrier service per destination zone.' });
export type CarrierService = z.output<typeof CarrierService>;

export const PromiseConfig = z.strictObject({
  locations: z.array(LocationSchedule),
  services: z.array(CarrierService),
});
export type PromiseConfig = z.output<typeof PromiseConfig>;

export interface Route {
  originCountry: string;
  destination: { country: string; region?: string };
}

export interface DeliveryPromise {
  /** The location's local day the goods must leave. */
  shipBy: string;
  /** The SLA: the cut-off time on the ship-by day, as an instant (UTC). */
  dueBy: string;
  /** The day the customer gets the goods. */
  deliverBy: string;
  zone: string;
  transitDays: number;
}

const isWorkingDay = (schedule: LocationSchedule) => (date: string) =>
  schedule.workingDays.includes(weekdayOf(date)) && !schedule.holidays.includes(date);

const isDeliveryDay = (service: CarrierService) => (date: string) =>
  service.deliveryDays.includes(weekdayOf(date));

/** The first local day work can start on for an order at `instant`: today before the cut-off. */
function startDay(instant: string, schedule: LocationSchedule): string {
  const local = localDateTime(instant, schedule.timeZone);
  const today = local.time < schedule.cutoffTime && isWorkingDay(schedule)(local.date);
  return addWorkingDays(today ? local.date : addDays(local.date, 1), 0, isWorkingDay(schedule));
}

/** The zone of a destination: the most specific match wins (US-CA before US before *). */
export function zoneFor(service: CarrierService, route: Route) {
  const { country, region } = route.destination;
  const applicable = service.zones.filter((zone) => !zone.from || zone.from.includes(route.originCountry));
  const keys = [...(region ? [`${country}-${region}`] : []), country, '*'];
  for (const key of keys) {
    const zone = applicable.find((candidate) => candidate.destinations.includes(key));
    if (zone) return zone;
  }
  throw new ValidationError(
    `${service.carrier} ${service.service} has no zone for ${keys[0]} from ${route.originCountry}.`,
    [{ path: 'destination', message: 'is not served by this carrier service' }],
  );
}

function deliveryAfter(shipDay: string, service: CarrierService, transitDays: number): string {
  if (transitDays === 0) return shipDay;
  return addWorkingDays(shipDay, transitDays, isDeliveryDay(service));
}

/** What the OMS promises when an order is routed to a location, shipping with a service. */
export function promiseFor(args: {
  placedAt: string;
  schedule: LocationSchedule;
  service: CarrierService;
  route: Route;
}): DeliveryPromise {
  const { schedule, service } = args;
  const shipBy = addWorkingDays(
    startDay(args.placedAt, schedule),
    schedule.processingDays,
    isWorkingDay(schedule),
  );
  const zone = zoneFor(service, args.route);
  return {
    shipBy,
    dueBy: instantAt(shipBy, schedule.cutoffTime, schedule.timeZone),
    deliverBy: deliveryAfter(shipBy, service, zone.transitDays),
    zone: zone.zone,
    transitDays: zone.transitDays,
  };
}

export type ProjectionBasis = 'delivered' | 'shipped' | 'on_time' | 'late';

export interface Projection {
  /** The day the customer is now expected to get the goods. */
  date: string;
  basis: ProjectionBasis;
  /** Whether the projected date is later than the promise. */
  late: boolean;
}

/**
 * The projected delivery date, from the best knowledge at `now`: the delivery itself, else the
 * actual ship day plus transit, else the promise while it can still be kept, else the earliest
 * ship day from now (the processing time counts again unless the goods are already picked).
 */
export function projectDelivery(args: {
  promise: DeliveryPromise;
  schedule: LocationSchedule;
  service: CarrierService;
  now: string;
  progress: { pickedAt?: string; shippedAt?: string; deliveredAt?: string };
}): Projection {
  const { promise, schedule, service, progress } = args;
  const result = (date: string, basis: ProjectionBasis): Projection => ({
    date,
    basis,
    late: date > promise.deliverBy,
  });
  if (progress.deliveredAt)
    return result(localDateTime(progress.deliveredAt, schedule.timeZone).date, 'delivered');
  if (progress.shippedAt) {
    const shipDay = localDateTime(progress.shippedAt, schedule.timeZone).date;
    return result(deliveryAfter(shipDay, service, promise.transitDays), 'shipped');
  }
  if (Date.parse(args.now) < Date.parse(promise.dueBy)) return result(promise.deliverBy, 'on_time');
  const processing = progress.pickedAt ? 0 : schedule.processingDays;
  const shipDay = addWorkingDays(startDay(args.now, schedule), processing, isWorkingDay(schedule));
  return result(deliveryAfter(shipDay, service, promise.transitDays), 'late');
}
