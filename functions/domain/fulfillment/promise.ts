import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { LOCATION_SCHEDULE_DEFAULTS, type Location } from '../location.js';
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
    /** The channels' shipping-method codes (`fulfillment.method`: standard, express) it carries. */
    methods: z.array(z.string().min(1).max(100)).max(50).default([]),
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

/**
 * The carrier services a retailer ships with (Config `CONFIG / CARRIER_SERVICES`): transit days
 * per destination zone, and the service promised when an order names no method this list knows.
 */
export const CarrierServices = z
  .strictObject({
    services: z.array(CarrierService).max(200),
    defaultService: z.strictObject({
      carrier: z.string().min(1).max(100),
      service: z.string().min(1).max(100),
    }),
  })
  .refine(
    (config) =>
      config.services.some(
        (service) =>
          service.carrier === config.defaultService.carrier &&
          service.service === config.defaultService.service,
      ),
    { message: 'must name one of the services', path: ['defaultService'] },
  )
  .meta({ description: 'Carrier services and their transit days per zone.' });
export type CarrierServices = z.output<typeof CarrierServices>;

/** The part of a configured location the promise reads (functions/domain/location.ts). */
export type ScheduledLocation = Pick<
  Location,
  'locationId' | 'timeZone' | 'cutoffTime' | 'processingDays' | 'workingDays' | 'holidays'
> & { address: { country: string; region?: string } };

export function scheduleOf(location: ScheduledLocation): LocationSchedule {
  return {
    locationId: location.locationId,
    timeZone: location.timeZone,
    cutoffTime: location.cutoffTime ?? LOCATION_SCHEDULE_DEFAULTS.cutoffTime,
    processingDays: location.processingDays ?? LOCATION_SCHEDULE_DEFAULTS.processingDays,
    workingDays: [...(location.workingDays ?? LOCATION_SCHEDULE_DEFAULTS.workingDays)],
    holidays: [...(location.holidays ?? LOCATION_SCHEDULE_DEFAULTS.holidays)],
  };
}

/**
 * The service an order ships with: the one carrying its shipping method, else one of the carrier
 * it names, else the retailer's default. Compared without case: channels spell codes their way.
 */
export function serviceFor(
  config: CarrierServices,
  wanted: { method?: string; carrier?: string },
): CarrierService {
  const same = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();
  return (
    config.services.find((service) => service.methods.some((method) => same(method, wanted.method))) ??
    config.services.find((service) => same(service.carrier, wanted.carrier)) ??
    config.services.find(
      (service) =>
        service.carrier === config.defaultService.carrier &&
        service.service === config.defaultService.service,
    )!
  );
}

/** What a fulfillment order carries from the router: the promise, and the service it rests on. */
export interface FulfillmentPromise extends DeliveryPromise {
  /** Absent for a pick-up at the location itself: no carrier moves the goods. */
  carrier?: string;
  service?: string;
}

/**
 * The promise of one planned fulfillment order, decided at `now` (when the location is told):
 * a pick-up at the location itself is ready on its ship-by day; a transfer or ship-to-store
 * travels to the pick-up store; everything else to the customer's address. Undefined when the
 * destination is unknown or the service has no zone for it: the order is routed all the same,
 * without a date rather than with a wrong one.
 */
export function promiseForPlanned(args: {
  now: string;
  location: ScheduledLocation;
  kind: PromisedKind;
  /** The customer's address, for shipments to the door. */
  destination?: { country: string; region?: string };
  /** The pick-up store, for transfers and ship-to-store. */
  store?: ScheduledLocation;
  services?: CarrierServices;
  wanted: { method?: string; carrier?: string };
}): FulfillmentPromise | undefined {
  const schedule = scheduleOf(args.location);
  if (args.kind === 'pickup') {
    const ready = promiseFor({ placedAt: args.now, schedule, service: SAME_PLACE, route: HERE });
    return { ...ready, zone: 'pickup' };
  }
  const to = args.kind === 'ship' || args.kind === 'dropship' ? args.destination : args.store?.address;
  if (!to || !args.services) return undefined;
  const service = serviceFor(args.services, args.wanted);
  const route: Route = {
    originCountry: args.location.address.country,
    destination: { country: to.country, ...(to.region !== undefined && { region: to.region }) },
  };
  try {
    const promise = promiseFor({ placedAt: args.now, schedule, service, route });
    return { ...promise, carrier: service.carrier, service: service.service };
  } catch (error) {
    if (error instanceof ValidationError) return undefined;
    throw error;
  }
}

/**
 * The promise of each fulfillment order a plan for this order creates, decided at `now`: what
 * the router hands to `fulfillmentOrdersOf`. A location missing from the list gets none.
 */
export function promisesFor(args: {
  order: {
    fulfillment: { type: string; method?: string; carrier?: string; locationId?: string };
    shippingAddress?: { country: string; region?: string };
  };
  locations: readonly ScheduledLocation[];
  services: CarrierServices | undefined;
  now: string;
}): (planned: {
  locationId: string;
  kind: PromisedKind;
  transferTo?: string;
}) => FulfillmentPromise | undefined {
  const { fulfillment } = args.order;
  const find = (locationId: string | undefined) =>
    args.locations.find((location) => location.locationId === locationId);
  return (planned) => {
    const location = find(planned.locationId);
    if (!location) return undefined;
    const store = find(planned.transferTo ?? fulfillment.locationId);
    return promiseForPlanned({
      now: args.now,
      location,
      kind: planned.kind,
      ...(args.order.shippingAddress && { destination: args.order.shippingAddress }),
      ...(store && { store }),
      services: args.services,
      wanted: {
        ...(fulfillment.method !== undefined && { method: fulfillment.method }),
        ...(fulfillment.carrier !== undefined && { carrier: fulfillment.carrier }),
      },
    });
  };
}

type PromisedKind = 'ship' | 'pickup' | 'ship_to_store' | 'dropship' | 'transfer';

/** A pick-up at the location itself: no transit, whatever the day. */
const SAME_PLACE = CarrierService.parse({
  carrier: 'pickup',
  service: 'pickup',
  deliveryDays: [...WEEKDAYS],
  zones: [{ zone: 'pickup', destinations: ['*'], transitDays: 0 }],
});
const HERE: Route = { originCountry: 'ZZ', destination: { country: 'ZZ' } };

/**
 * What the projection reads of a fulfillment order: its promise and how far it has come. Every
 * field but the ids is optional so that records the router wrote before promises existed, and
 * fulfillment orders no location has touched yet, read the same way.
 */
export interface PromisedFulfillmentOrder {
  fulfillmentOrderId: string;
  locationId: string;
  kind: string;
  status: string;
  promise?: FulfillmentPromise;
  shipments?: readonly { status: string; shippedAt: string; deliveredAt?: string }[];
  pickedUpAt?: string;
  /** The lifecycle's steps (functions/domain/fulfillment/progress.ts `withStep`). */
  history?: readonly { to: string; at: string }[];
}

/** When the fulfillment order first entered one of these states, from its history. */
export function reachedAt(fo: Pick<PromisedFulfillmentOrder, 'history'>, states: readonly string[]) {
  return fo.history?.find((step) => states.includes(step.to))?.at;
}

export interface OrderProjection {
  /** The day the last of the goods is expected with the customer (or ready at the store). */
  projectedDelivery: string;
  /** The day promised when the order was routed: the latest of its fulfillment orders'. */
  promisedBy: string;
  late: boolean;
  fulfillmentOrders: {
    fulfillmentOrderId: string;
    promisedBy: string;
    dueBy: string;
    projection: Projection;
  }[];
}

const PICKED_STATES = ['PICKED', 'PACKED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'IN_TRANSIT'];
const READY_STATES = ['READY_FOR_PICKUP', 'PICKED_UP'];
const INACTIVE_STATES = ['REJECTED', 'CANCELED', 'PENDING'];

/**
 * The order's projected delivery date at `now`, computed when it is read from its fulfillment
 * orders, so the lifecycle code never has to keep a date up to date: the latest projection of
 * its active fulfillment orders (each by `projectDelivery`). Goods waiting at a store count as
 * arrived on the day they were ready. Undefined when none carries a promise.
 */
export function projectOrder(args: {
  fulfillmentOrders: readonly PromisedFulfillmentOrder[];
  locations: readonly ScheduledLocation[];
  services?: CarrierServices;
  now: string;
}): OrderProjection | undefined {
  const projected = args.fulfillmentOrders.flatMap((fo) => {
    if (!fo.promise || INACTIVE_STATES.includes(fo.status)) return [];
    const location = args.locations.find((candidate) => candidate.locationId === fo.locationId);
    if (!location) return [];
    const projection = projectOne(
      fo,
      fo.promise,
      scheduleOf(location),
      serviceOf(fo.promise, args.services),
      args.now,
    );
    return [
      {
        fulfillmentOrderId: fo.fulfillmentOrderId,
        promisedBy: fo.promise.deliverBy,
        dueBy: fo.promise.dueBy,
        projection,
      },
    ];
  });
  if (projected.length === 0) return undefined;
  const latest = (dates: string[]) => dates.reduce((a, b) => (b > a ? b : a));
  return {
    projectedDelivery: latest(projected.map((fo) => fo.projection.date)),
    promisedBy: latest(projected.map((fo) => fo.promisedBy)),
    late: projected.some((fo) => fo.projection.late),
    fulfillmentOrders: projected,
  };
}

function projectOne(
  fo: PromisedFulfillmentOrder,
  promise: FulfillmentPromise,
  schedule: LocationSchedule,
  service: CarrierService,
  now: string,
): Projection {
  const shipments = fo.shipments ?? [];
  const readyAt = READY_STATES.includes(fo.status)
    ? (reachedAt(fo, READY_STATES) ?? fo.pickedUpAt)
    : undefined;
  const pickedAt = PICKED_STATES.includes(fo.status) ? (reachedAt(fo, PICKED_STATES) ?? now) : undefined;
  const allDelivered = fo.status === 'DELIVERED' && shipments.every((shipment) => shipment.deliveredAt);
  const lastOf = (times: (string | undefined)[]) =>
    times
      .filter((time): time is string => time !== undefined)
      .sort()
      .at(-1);
  const open = !['SHIPPED', 'IN_TRANSIT', 'DELIVERED'].includes(fo.status);
  const progress = {
    ...(pickedAt && { pickedAt }),
    // Units still at the location (a partial shipment) keep the projection on the location's clock.
    ...(!open &&
      shipments.length > 0 && { shippedAt: lastOf(shipments.map((shipment) => shipment.shippedAt))! }),
    ...(allDelivered && { deliveredAt: lastOf(shipments.map((shipment) => shipment.deliveredAt))! }),
    ...(readyAt && { deliveredAt: readyAt }),
  };
  return projectDelivery({ promise, schedule, service, now, progress });
}

/** The service a promise rests on, as configured now; its transit days were kept with the promise. */
function serviceOf(promise: FulfillmentPromise, services: CarrierServices | undefined): CarrierService {
  const configured = services?.services.find(
    (service) => service.carrier === promise.carrier && service.service === promise.service,
  );
  return configured ?? (promise.carrier === undefined ? SAME_PLACE : WEEKDAY_CARRIER);
}

/** A service no longer configured: a carrier that moves parcels on weekdays. */
const WEEKDAY_CARRIER = CarrierService.parse({
  carrier: 'unknown',
  service: 'unknown',
  zones: [{ zone: 'any', destinations: ['*'], transitDays: 0 }],
});

/**
 * Work a location still owes, overdue once its `dueBy` has passed: the states before the goods
 * leave (or, for a pick-up, before they wait at the counter). The listing of overdue work reads a
 * sparse index that holds exactly the fulfillment orders in these states.
 */
export const OPEN_WORK_STATES = ['CREATED', 'ACCEPTED', 'PICKED', 'PACKED', 'PARTIALLY_SHIPPED'] as const;

export function isOpenWork(status: string): boolean {
  return (OPEN_WORK_STATES as readonly string[]).includes(status);
}
