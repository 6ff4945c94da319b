import * as z from 'zod';
import { decimal } from '../text.js';
import type { RuleSet } from './rules.js';

/**
 * What the routing engine reads and what it answers. Locations and products are data a
 * retailer writes (validated with zod); the order, the stock and the plan are built by code.
 */

export const LOCATION_TYPES = ['warehouse', 'store', 'dropship_vendor', '3pl'] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export const CAPABILITIES = ['ship', 'pickup', 'ship_to_store', 'transfer'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const FULFILLMENT_TYPES = ['ship', 'pickup', 'ship_to_store'] as const;
export type FulfillmentType = (typeof FULFILLMENT_TYPES)[number];

const RegionCode = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be a country code (US) or a country-region code (US-CA)');

export const Location = z.strictObject({
  locationId: z.string().min(1).max(64),
  type: z.enum(LOCATION_TYPES),
  lat: decimal().min(-90).max(90),
  lon: decimal().min(-180).max(180),
  country: z.string().length(2),
  region: z.string().min(1).max(3).optional(),
  capabilities: z.array(z.enum(CAPABILITIES)),
  /** Destinations this location ships to; absent means everywhere. */
  regionsServed: z.array(RegionCode).optional(),
  /** Channels whose orders this location may fulfill; absent means every channel. */
  channels: z.array(z.string().min(1)).optional(),
  dailyCapacity: z.number().int().nonnegative().optional(),
  capacityUsed: z.number().int().nonnegative().optional(),
  /** Lower is preferred. */
  priority: z.number().int(),
  costPerShipment: z.number().int().nonnegative(),
  active: z.boolean(),
});
export type Location = z.output<typeof Location>;

export const Product = z.strictObject({
  dropshipVendorLocationId: z.string().min(1).max(64).optional(),
  preorderReleaseDate: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
});
export type Product = z.output<typeof Product>;

export type RoutingFulfillment =
  { type: 'ship' } | { type: 'pickup'; locationId: string } | { type: 'ship_to_store'; locationId: string };

export interface Destination {
  country: string;
  region?: string;
  postalCode?: string;
  lat?: number;
  lon?: number;
}

export interface RoutingOrderLine {
  lineId: string;
  sku: string;
  quantity: number;
  /** Line total in minor units; when absent the order value is shared out by quantity. */
  value?: number;
}

/** The part of a canonical order the router needs. */
export interface RoutingOrder {
  orderId: string;
  channelId: string;
  fulfillment: RoutingFulfillment;
  destination?: Destination;
  lines: RoutingOrderLine[];
  /** Order value in minor units of `currency`. */
  value: number;
  currency: string;
  tags: string[];
  /** When the customer placed the order (ISO 8601); starts the `cancelAfterDays` clock. */
  placedAt?: string;
  skuAttributes?: Record<string, Record<string, string>>;
}

export interface StockLevel {
  /** Units free to promise: already net of reservations, not of safety stock. */
  available: number;
  safetyStock: number;
}

/** sku -> locationId -> level, as a Map or a plain record. */
export type StockBySku =
  | ReadonlyMap<string, ReadonlyMap<string, StockLevel>>
  | Readonly<Record<string, Readonly<Record<string, StockLevel>>>>;

export interface RoutingInput {
  order: RoutingOrder;
  locations: readonly Location[];
  stock: StockBySku;
  products?: Readonly<Record<string, Product>>;
  ruleSet: RuleSet;
  /** The decision time (ISO 8601); the engine never reads a clock. */
  now: string;
  /** Locations that rejected this order before; they are never chosen again. */
  excludeLocationIds?: readonly string[];
}

export type RoutingOutcome =
  'routed' | 'partially_routed' | 'backordered' | 'parked' | 'preorder' | 'review' | 'cancel';

export type FulfillmentOrderKind = 'ship' | 'pickup' | 'ship_to_store' | 'dropship' | 'transfer';

export interface PlannedLine {
  lineId: string;
  sku: string;
  quantity: number;
}

export interface PlannedFulfillmentOrder {
  locationId: string;
  kind: FulfillmentOrderKind;
  lines: PlannedLine[];
  distanceKm?: number;
  /** The store the goods travel to when they do not go straight to the customer. */
  transferTo?: string;
}

export type UnplacedReason =
  | 'insufficient_stock'
  | 'no_eligible_location'
  | 'split_policy'
  | 'preorder'
  | 'dropship_vendor_unavailable'
  | 'held_for_review'
  | 'no_matching_strategy';

export interface UnplacedLine extends PlannedLine {
  reason: UnplacedReason;
}

export interface StrategyAttempt {
  name: string;
  matched: boolean;
  whyNot?: string;
}

export interface CandidateScores {
  distanceKm?: number;
  priority: number;
  costPerShipment: number;
  /** Usable units of the ordered SKUs held here; `stock_balance` prefers more. */
  stockUnits: number;
  /** Ordered units this location could supply alone; `fewest_shipments` prefers more. */
  fillableUnits: number;
}

export interface CandidateExplanation {
  locationId: string;
  /** Why the location can not take part, in words; absent for eligible locations. */
  excluded?: string;
  distanceKm?: number;
  /** 1 is the best-ranked eligible location. */
  rank?: number;
  scores?: CandidateScores;
}

export interface RoutingExplanation {
  strategiesTried: StrategyAttempt[];
  candidates: CandidateExplanation[];
  decision: string[];
}

export interface RoutingPlan {
  outcome: RoutingOutcome;
  ruleSetId: string;
  ruleSetVersion: number;
  /** The strategy that decided; absent when none did. */
  strategy?: string;
  /** Work to commit: reserve stock per line at `locationId` (except `dropship`) and create the order. */
  fulfillmentOrders: PlannedFulfillmentOrder[];
  /** Every ordered unit not in `fulfillmentOrders`, with the reason. */
  unplaced: UnplacedLine[];
  /** For a backorder under `cancelAfterDays`: when the unplaced lines are canceled if still unplaced. */
  cancelAt?: string;
  explanation: RoutingExplanation;
}
