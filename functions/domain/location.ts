import * as z from 'zod';
import { CountryCode } from './order.js';

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
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
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
});
export type Location = z.output<typeof Location>;

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
