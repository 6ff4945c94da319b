import type { Histogram } from './histogram.js';

/**
 * The figures the reports keep (docs/reports.md defines each one). Every figure is a count or an
 * integer amount in minor units that stream facts only ever add to, so aggregates from different
 * shards and batches add up exactly, and a percentile comes from fixed histogram buckets.
 */
export const SALES_DIMENSIONS = ['channel', 'location', 'sku'] as const;
export type SalesDimension = (typeof SALES_DIMENSIONS)[number];

export const SALES_MEASURES = [
  'orders',
  'units',
  'revenue',
  'discounts',
  'tax',
  'refunds',
  'returns',
] as const;
export type SalesMeasure = (typeof SALES_MEASURES)[number];
export type SalesMeasures = Record<SalesMeasure, number>;

export const FULFILLMENT_COUNTERS = [
  'ordersPlaced',
  'clickAndCollectOrders',
  'unitsSold',
  'ordersRouted',
  'unitsOrdered',
  'unitsPlaced',
  'ordersSplit',
  'ordersBackordered',
  'fulfillmentOrdersCreated',
  'fulfillmentOrdersRejected',
  'ordersCanceled',
  'ordersShipped',
  'shipments',
  'shipmentsFromStores',
  'shipmentsWithDueBy',
  'shipmentsByDueBy',
  'shipmentsWithDistance',
  'distanceMeters',
  'completedWithPromise',
  'completedOnTime',
  'unitsReturned',
] as const;
export type FulfillmentCounter = (typeof FULFILLMENT_COUNTERS)[number];
export type FulfillmentCounts = Record<FulfillmentCounter, number>;

export const FULFILLMENT_HISTOGRAMS = ['timeToRoute', 'timeToShip'] as const;
export type FulfillmentHistogram = (typeof FULFILLMENT_HISTOGRAMS)[number];

/** What one fact adds to the sales of one (dimension, value, currency). */
export interface SalesContribution {
  dimension: SalesDimension;
  /** The channel, location or SKU; null for a location when the order names no store. */
  value: string | null;
  currency: string;
  measures: Partial<SalesMeasures>;
}

/**
 * One source event (an order placed, a shipment, a refund, …) and everything it adds to the
 * aggregates of its day. `factId` is derived from the record alone, so a replayed or duplicated
 * stream record yields the same id, and a fact is counted once per id (the marker written in the
 * same transaction as the increments).
 */
export interface Fact {
  factId: string;
  /** YYYY-MM-DD in the retailer's reporting time zone. */
  day: string;
  sales: SalesContribution[];
  fulfillment: Partial<FulfillmentCounts>;
  histograms: Partial<Record<FulfillmentHistogram, Histogram>>;
}

/** A stored sales aggregate (summed over the shards of the days read). */
export interface SalesAggregate {
  day: string;
  dimension: SalesDimension;
  value: string | null;
  currency: string;
  measures: SalesMeasures;
}

/** A stored fulfillment aggregate of one day (one shard, or summed). */
export interface FulfillmentAggregate {
  day: string;
  counts: FulfillmentCounts;
  histograms: Record<FulfillmentHistogram, Histogram>;
}

export const emptyMeasures = (): SalesMeasures =>
  Object.fromEntries(SALES_MEASURES.map((measure) => [measure, 0])) as SalesMeasures;

export const emptyCounts = (): FulfillmentCounts =>
  Object.fromEntries(FULFILLMENT_COUNTERS.map((counter) => [counter, 0])) as FulfillmentCounts;
