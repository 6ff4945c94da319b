import * as z from 'zod';
import { decimal } from './text.js';
import { WEEKDAYS } from './fulfillment/calendar.js';
import { CountryCode } from './country.js';

/**
 * A stock location as the retailer configures it: where it is, what it can do, whom it serves.
 * The router filters and ranks these; the inventory keeps stock per (sku, location).
 */
export const LOCATION_TYPES = ['warehouse', 'store', 'dropship_vendor', '3pl'] as const;
export const LOCATION_CAPABILITIES = ['ship', 'pickup', 'ship_to_store', 'transfer'] as const;

export const Location = z.strictObject({
  locationId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, _ and - only'),
  name: z.string().min(1).max(200),
  type: z.enum(LOCATION_TYPES),
  address: z.strictObject({
    line1: z.string().max(200).optional(),
    city: z.string().max(100),
    region: z.string().max(100).optional(),
    postalCode: z.string().max(20).optional(),
    country: CountryCode,
  }),
  lat: decimal().min(-90).max(90),
  lon: decimal().min(-180).max(180),
  /** IANA name (`Europe/Lisbon`); the location's day, for its daily capacity, starts at its midnight. */
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Lisbon').default('UTC'),
  capabilities: z.array(z.enum(LOCATION_CAPABILITIES)).min(1),
  /** Country (`PT`) or country-region (`US-CA`) codes; absent means the location serves anywhere. */
  regionsServed: z.array(z.string().min(2).max(10)).optional(),
  /** Channels whose orders it may fulfil; absent means all. */
  channels: z.array(z.string()).optional(),
  /** Fulfillment orders a day it can take; absent means unlimited. */
  dailyCapacity: z.int().positive().optional(),
  /** Lower is preferred when ranking by priority. */
  priority: z.int().min(0).default(100),
  /** Cost of one shipment from here, in minor units of costCurrency. */
  costPerShipment: z.int().min(0).default(0),
  costCurrency: z.string().length(3).default('EUR'),
  active: z.boolean().default(true),
  /**
   * The shipping calendar the promise reads (functions/domain/fulfillment/promise.ts); absent
   * fields take LOCATION_SCHEDULE_DEFAULTS, so a location configured before promises still gets one.
   * `processingDays`: working days from the day work starts to the day the goods leave (0: same day).
   */
  processingDays: z.int().min(0).max(30).optional(),
  /** Orders routed at or after this local time (`timeZone`) are worked from the next working day. */
  cutoffTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour HH:MM time such as 18:00')
    .optional(),
  workingDays: z.array(z.enum(WEEKDAYS)).min(1, 'needs at least one working day').max(7).optional(),
  /** Local days the location does not work (`YYYY-MM-DD`). */
  holidays: z.array(z.iso.date()).max(366).optional(),
});
export type Location = z.output<typeof Location>;

/** A location that says nothing of its calendar ships the same working day, Monday to Friday, before 17:00. */
export const LOCATION_SCHEDULE_DEFAULTS = {
  processingDays: 0,
  cutoffTime: '17:00',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  holidays: [],
} as const satisfies Required<Pick<Location, 'processingDays' | 'cutoffTime' | 'workingDays' | 'holidays'>>;

/** Names already found valid: every parse of every location checks one, and the check is costly. */
const knownTimeZones = new Set<string>();

function isTimeZone(name: string): boolean {
  if (knownTimeZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return false;
  }
  knownTimeZones.add(name);
  return true;
}
